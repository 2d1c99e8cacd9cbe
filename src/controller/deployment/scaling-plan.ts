// The arithmetic of a rollout, as pure functions that say which ReplicaSet to scale to what
// (upstream's rolling.go and sync.go scale(), without their writes): the I/O side applies the
// steps in order and stops at the first failed write, as upstream's loops return on error.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { desiredReplicasAnnotation, maxReplicasAnnotation } from './annotations.js';
import { desiredReplicas, isRollingUpdate, maxSurge, maxUnavailable, scaledValueFromIntOrPercent } from './fenceposts.js';
import {
  byCreationTimestamp,
  bySizeNewer,
  bySizeOlder,
  filterActive,
  findActiveOrLatest,
  isSaturated,
  replicaCount,
  specReplicas,
  type RS,
} from './replica-sets.js';

/**
 * Scale `rs` to `replicas`. Without `operation` it is scaleReplicaSetAndRecordEvent (nothing to do
 * when the size is already right); with one it is scaleReplicaSet of proportional scaling (which
 * also refreshes the replicas annotations when only they are stale).
 */
export interface ScaleStep {
  readonly rs: RS;
  readonly replicas: number;
  readonly operation?: 'up' | 'down' | '';
}

type D = Readonly<Deployment>;

const withReplicas = (rs: RS, replicas: number): RS => ({ ...rs, spec: { ...rs.spec, replicas } as ReplicaSet['spec'] });
const available = (rs: RS): number => rs.status?.availableReplicas ?? 0;

/** The new ReplicaSet's size for this step of the rollout (NewRSNewReplicas). */
export function newRSNewReplicas(d: D, allRSs: readonly (RS | undefined)[], newRS: RS): number {
  const replicas = desiredReplicas(d);
  switch (d.spec?.strategy?.type) {
    case 'RollingUpdate': {
      const surge = scaledValueFromIntOrPercent(d.spec.strategy.rollingUpdate?.maxSurge ?? 0, replicas, true);
      const current = replicaCount(allRSs);
      const maxTotal = replicas + surge;
      if (current >= maxTotal) return specReplicas(newRS);
      const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
      return specReplicas(newRS) + scaleUp;
    }
    case 'Recreate':
      return replicas;
    default:
      throw new Error(`deployment type ${d.spec?.strategy?.type ?? ''} isn't supported`);
  }
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined to leave it. */
export function reconcileNewReplicaSet(allRSs: readonly (RS | undefined)[], newRS: RS, d: D): number | undefined {
  const replicas = desiredReplicas(d);
  const current = specReplicas(newRS);
  if (current === replicas) return undefined;
  if (current > replicas) return replicas;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === current ? undefined : next;
}

// A ReplicaSet cannot have more available pods than it wants once its controller catches up; a
// status read just after we scaled it down still counts the pods being removed. Counting at most
// spec.replicas keeps such a stale status from letting the rollout scale down twice (upstream
// reads status.availableReplicas alone).
const availableWithinSpec = (rs: RS): number => Math.min(available(rs), specReplicas(rs));

/**
 * Scales down old ReplicaSets' unavailable pods first, oldest ReplicaSet first, at most
 * maxCleanupCount (cleanupUnhealthyReplicas): they count for nothing and would block the rollout.
 */
export function cleanupUnhealthyReplicas(oldRSs: readonly RS[], maxCleanupCount: number): { oldRSs: RS[]; steps: ScaleStep[]; count: number } {
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  const steps: ScaleStep[] = [];
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanupCount) break;
    const rs = sorted[i];
    if (rs === undefined) continue;
    const unhealthy = specReplicas(rs) - availableWithinSpec(rs);
    if (specReplicas(rs) === 0 || unhealthy === 0) continue;
    const count = Math.min(maxCleanupCount - total, unhealthy);
    const next = specReplicas(rs) - count;
    steps.push({ rs, replicas: next });
    sorted[i] = withReplicas(rs, next);
    total += count;
  }
  return { oldRSs: sorted, steps, count: total };
}

/**
 * Scales down old ReplicaSets, oldest first, by as many pods as are available beyond the minimum
 * (scaleDownOldReplicaSetsForRollingUpdate).
 */
export function scaleDownOldReplicaSetsForRollingUpdate(allRSs: readonly (RS | undefined)[], oldRSs: readonly RS[], d: D): { steps: ScaleStep[]; count: number } {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const availablePods = allRSs.reduce((n, rs) => n + (rs === undefined ? 0 : availableWithinSpec(rs)), 0);
  if (availablePods <= minAvailable) return { steps: [], count: 0 };
  const steps: ScaleStep[] = [];
  const wanted = availablePods - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= wanted) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), wanted - total);
    steps.push({ rs, replicas: specReplicas(rs) - count });
    total += count;
  }
  return { steps, count: total };
}

/** reconcileOldReplicaSets: how to scale the old ReplicaSets down without going under minAvailable. */
export function reconcileOldReplicaSets(allRSs: readonly (RS | undefined)[], oldRSs: readonly RS[], newRS: RS, d: D): ScaleStep[] {
  if (replicaCount(oldRSs) === 0) return [];
  const allPods = replicaCount(allRSs);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  // Pods the new ReplicaSet wants but that are not available yet: old pods may not make way for them.
  const newRSUnavailable = specReplicas(newRS) - available(newRS);
  const maxScaledDown = allPods - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return [];
  const cleanup = cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
  const scaleDown = scaleDownOldReplicaSetsForRollingUpdate([...cleanup.oldRSs, newRS], cleanup.oldRSs, d);
  return [...cleanup.steps, ...scaleDown.steps];
}

const roundToInt = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/**
 * How far this ReplicaSet moves when the deployment is resized mid-rollout: its share of the new
 * size, from the size (max-replicas annotation) the deployment had when it last scaled it.
 */
export function getReplicaSetFraction(rs: RS, d: D): number {
  const replicas = desiredReplicas(d);
  if (replicas === 0) return -specReplicas(rs);
  const maxReplicas = replicas + maxSurge(d);
  let before = maxReplicasAnnotation(rs) ?? 0;
  if (before === 0) {
    // The annotation is gone (edited by hand): fall back to the deployment's current size.
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  return roundToInt((specReplicas(rs) * maxReplicas) / before) - specReplicas(rs);
}

/** getProportion: this ReplicaSet's share of toAdd, never past what is left to add (or remove). */
export function getProportion(rs: RS | undefined, d: D, toAdd: number, added: number): number {
  if (rs === undefined || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * sync.go scale(): a resize of the deployment. One active ReplicaSet takes the new size; a saturated
 * new one empties the old; during a rolling update every active one grows or shrinks in proportion,
 * the leftover going to the largest.
 */
export function planScale(d: D, newRS: RS | undefined, oldRSs: readonly RS[]): ScaleStep[] {
  const replicas = desiredReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest !== undefined) {
    return specReplicas(activeOrLatest) === replicas ? [] : [{ rs: activeOrLatest, replicas }];
  }
  if (isSaturated(d, newRS)) return filterActive(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];
  const allRSs = filterActive([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(allRSs);
  let operation: 'up' | 'down' | '' = '';
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = allRSs.map((rs) => {
    if (toAdd === 0) return specReplicas(rs);
    const proportion = getProportion(rs, d, toAdd, added);
    added += proportion;
    return specReplicas(rs) + proportion;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, (sizes[0] ?? 0) + toAdd - added);
  return allRSs.map((rs, i) => ({ rs, replicas: sizes[i] ?? 0, operation }));
}

/** The deployment was resized since it last scaled an active ReplicaSet (isScalingEvent). */
export function isScalingEvent(d: D, newRS: RS | undefined, oldRSs: readonly RS[]): boolean {
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== desiredReplicas(d);
  });
}
