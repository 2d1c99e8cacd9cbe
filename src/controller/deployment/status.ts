// A deployment's status and conditions, computed from its ReplicaSets (upstream sync.go
// calculateStatus, progress.go syncRolloutStatus and deploymentutil's condition helpers): pure, so
// the controller writes the status only when this returns something different.
import type { Deployment, DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { desiredReplicas, maxUnavailable } from './fenceposts.js';
import { actualReplicaCount, availableReplicaCount, readyReplicaCount, replicaCount, type RS } from './replica-sets.js';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';

/** Upstream's reasons (deploymentutil), as `kubectl describe` and `rollout status` show them. */
export const REASON = {
  replicaSetUpdated: 'ReplicaSetUpdated',
  failedRSCreate: 'ReplicaSetCreateError',
  newReplicaSet: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** "Unlimited" for progressDeadlineSeconds and revisionHistoryLimit (math.MaxInt32). */
const MAX_INT32 = 2147483647;

type D = Readonly<Deployment>;
type Status = 'True' | 'False' | 'Unknown';

/** Kubernetes timestamps: RFC 3339, whole seconds. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function hasProgressDeadline(d: D): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== MAX_INT32;
}

export function hasRevisionHistoryLimit(d: D): boolean {
  const l = d.spec?.revisionHistoryLimit;
  return l !== undefined && l !== MAX_INT32;
}

export function newCondition(type: string, status: Status, reason: string, message: string, now: Date): DeploymentCondition {
  const at = timestamp(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

export function getCondition(status: Readonly<DeploymentStatus> | undefined, type: string): Readonly<DeploymentCondition> | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: the same status and reason is no change (the first message and times
 * stay); the same status keeps its lastTransitionTime; the condition moves to the end.
 */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current !== undefined && current.status === condition.status && current.lastTransitionTime !== undefined) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (status.conditions === undefined) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

// Go leaves zero counts out of the JSON (omitempty); so do we, so that a status read back compares equal.
function omitZero(status: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [key, value] of Object.entries(status) as [keyof DeploymentStatus, unknown][]) {
    if (value === undefined) continue;
    if (value === 0 && key !== 'collisionCount') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** calculateStatus: counts from the ReplicaSets, and Available by the minimum availability. */
export function calculateStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: D, now: Date): DeploymentStatus {
  const availableReplicas = availableReplicaCount(allRSs);
  const unavailableReplicas = Math.max(0, replicaCount(allRSs) - availableReplicas);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas,
    unavailableReplicas,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  const conditions = d.status?.conditions;
  if (conditions !== undefined && conditions.length > 0) status.conditions = conditions.map((c) => ({ ...c }));
  if (availableReplicas >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', REASON.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', REASON.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return omitZero(status);
}

/** Every replica updated and available, and the latest spec observed (DeploymentComplete). */
export function deploymentComplete(d: D, status: Readonly<DeploymentStatus>): boolean {
  const replicas = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** Something moved since the stored status: more updated, fewer old, more ready or available pods. */
export function deploymentProgressing(d: D, next: Readonly<DeploymentStatus>): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const nextOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    nextOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** No progress reported for progressDeadlineSeconds (DeploymentTimedOut). */
export function deploymentTimedOut(d: D, next: Readonly<DeploymentStatus>, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(next, PROGRESSING);
  if (condition === undefined) return false;
  // A finished rollout cannot time out; one that did stays timed out.
  if (condition.reason === REASON.newRSAvailable) return false;
  if (condition.reason === REASON.timedOut) return true;
  const from = Date.parse(condition.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

function replicaFailures(allRSs: readonly (RS | undefined)[], newRS: RS | undefined): DeploymentCondition[] {
  const of = (rs: RS | undefined): DeploymentCondition[] =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === REPLICA_FAILURE)
      .map((c) => ({
        type: c.type,
        status: c.status,
        ...(c.lastTransitionTime !== undefined ? { lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime } : {}),
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.message !== undefined ? { message: c.message } : {}),
      }));
  // The new ReplicaSet's failure first; only then an old one's.
  const fromNew = of(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(of);
}

/**
 * syncRolloutStatus without the write: the status plus the Progressing condition (complete,
 * progressing, or timed out) and the ReplicaSets' ReplicaFailure.
 */
export function rolloutStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: D, now: Date): DeploymentStatus {
  const next = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(next, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const isComplete = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS !== undefined ? `ReplicaSet "${newRS.metadata?.name ?? ''}"` : `Deployment "${d.metadata?.name ?? ''}"`;
    if (deploymentComplete(d, next)) {
      setCondition(next, newCondition(PROGRESSING, 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, next)) {
      // Progress refreshes lastUpdateTime even with the same reason (which setCondition would
      // keep), so the deadline counts from the latest progress; lastTransitionTime stays.
      const condition = newCondition(PROGRESSING, 'True', REASON.replicaSetUpdated, `${subject} is progressing.`, now);
      if (current !== undefined) {
        if (current.status === 'True' && current.lastTransitionTime !== undefined) condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, PROGRESSING);
      }
      setCondition(next, condition);
    } else if (deploymentTimedOut(d, next, now)) {
      setCondition(next, newCondition(PROGRESSING, 'False', REASON.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  const failure = failures[0];
  if (failure !== undefined) setCondition(next, failure);
  else removeCondition(next, REPLICA_FAILURE);
  return next;
}

/**
 * requeueStuckDeployment: when a rollout shows no progress, when to look again to notice its
 * deadline pass (undefined: no need). The watch would not tell us, as nothing changes.
 */
export function stuckRequeueAfterMs(d: D, next: Readonly<DeploymentStatus>, now: Date): number | undefined {
  const current = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || current === undefined) return undefined;
  if (deploymentComplete(d, next) || current.reason === REASON.timedOut) return undefined;
  const lastUpdate = Date.parse(current.lastUpdateTime ?? '');
  if (Number.isNaN(lastUpdate)) return undefined;
  const after = lastUpdate + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  // Under a second left: look again soon (upstream re-adds it rate-limited).
  if (after < 1000) return 1000;
  return after + 1000;
}
