// Which surplus pods to delete first: upstream's ActivePodsWithRanks ordering (controller_utils.go),
// with the PodDeletionCost and LogarithmicScaleDown features on, as they are by default. A pod
// that costs least to lose goes first: one not yet on a node, not yet running, not ready, one the
// user marked cheap, one doubled up on a node with its siblings, one ready only recently, one
// that keeps restarting, and finally the newest.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodActive, isPodReady, podReadyTime, timeOf } from './pod-state.js';

/** The annotation users set to steer scale-down (lower cost is deleted first). */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

/** The pod's deletion cost: an int32 in the annotation, 0 when missing or invalid (as upstream). */
export function podDeletionCost(pod: Readonly<Pod>): number {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const value = Number(raw);
  return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? value : 0;
}

/** Highest restart count of the regular containers, then of the sidecars (restartable init containers). */
function maxContainerRestarts(pod: Readonly<Pod>): [number, number] {
  let regular = 0;
  for (const c of pod.status?.containerStatuses ?? []) regular = Math.max(regular, c.restartCount ?? 0);
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let sidecar = 0;
  for (const c of pod.status?.initContainerStatuses ?? []) if (sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount ?? 0);
  return [regular, sidecar];
}

/** Go's afterOrZero: a zero time sorts first, else the later time sorts first. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/**
 * Compares how long ago two instants were on a log2 scale of nanoseconds, so pods that came up
 * within the same power-of-two age bucket count as equally old, and the tie is broken at random
 * by uid: scale-down then does not always hit the very newest pods (LogarithmicScaleDown).
 */
function logarithmicRankDiff(a: number, b: number, now: number): number {
  const rank = (t: number): number => {
    const nanos = (now - t) * 1e6;
    return nanos > 0 ? Math.floor(Math.log2(nanos)) : -1;
  };
  return rank(a) - rank(b);
}

function byAge(a: Readonly<Pod>, b: Readonly<Pod>, ta: number | undefined, tb: number | undefined, now: number): boolean {
  if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logarithmicRankDiff(ta, tb, now);
  if (diff === 0) return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
  return diff < 0;
}

export interface RankedPod {
  readonly pod: Readonly<Pod>;
  /** How many related pods share its node: more means it is a better candidate to delete. */
  readonly rank: number;
}

/** Upstream ActivePodsWithRanks.Less: true when `i` should be deleted before `j`. */
export function deleteBefore(i: RankedPod, j: RankedPod, now: number): boolean {
  const pi = i.pod;
  const pj = j.pod;
  // 1. Unassigned < assigned.
  const ni = pi.spec?.nodeName ?? '';
  const nj = pj.spec?.nodeName ?? '';
  if (ni !== nj && (ni === '' || nj === '')) return ni === '';
  // 2. Pending < Unknown < Running.
  const phi = PHASE_ORDINAL[pi.status?.phase ?? ''] ?? 0;
  const phj = PHASE_ORDINAL[pj.status?.phase ?? ''] ?? 0;
  if (phi !== phj) return phi < phj;
  // 3. Not ready < ready.
  const ri = isPodReady(pi);
  const rj = isPodReady(pj);
  if (ri !== rj) return !ri;
  // 4. Lower pod-deletion-cost < higher.
  const ci = podDeletionCost(pi);
  const cj = podDeletionCost(pj);
  if (ci !== cj) return ci < cj;
  // 5. Doubled up (more related pods on its node) < not.
  if (i.rank !== j.rank) return i.rank > j.rank;
  // 6. Ready for less time < more time.
  if (ri && rj) {
    const ti = podReadyTime(pi);
    const tj = podReadyTime(pj);
    if (ti !== tj) return byAge(pi, pj, ti, tj, now);
  }
  // 7. More restarts < fewer.
  const [regI, sideI] = maxContainerRestarts(pi);
  const [regJ, sideJ] = maxContainerRestarts(pj);
  if (regI !== regJ) return regI > regJ;
  if (sideI !== sideJ) return sideI > sideJ;
  // 8. Newer < older (a missing creation time first).
  const ai = timeOf(pi.metadata?.creationTimestamp);
  const aj = timeOf(pj.metadata?.creationTimestamp);
  if (ai !== aj) return byAge(pi, pj, ai, aj, now);
  return false;
}

/** Pods ordered most-deletable first. */
export function sortForDeletion(ranked: readonly RankedPod[], now: number): RankedPod[] {
  return [...ranked].sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
}

/**
 * The `diff` pods to delete out of `pods` (upstream getPodsToDelete). `relatedPods` are the
 * active pods of every ReplicaSet under the same owner (a Deployment's old and new sets): a
 * pod on a node crowded with its siblings goes before one that spreads them.
 */
export function podsToDelete(pods: readonly Readonly<Pod>[], relatedPods: readonly Readonly<Pod>[], diff: number, now: number): Readonly<Pod>[] {
  // Deleting all of them: the order does not matter.
  if (diff >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  return sortForDeletion(ranked, now)
    .slice(0, diff)
    .map((r) => r.pod);
}
