// What the Job controller asks of a pod: active or finished, ready, and which of two active pods is
// worth less (upstream controller.ActivePods ordering), so surplus pods go in their earliest stage.
import type { Pod } from 'kubernetes-types/core/v1.js';

/** Not finished and not being deleted (upstream FilterActivePods). */
export function isActive(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata?.deletionTimestamp === undefined;
}

/** Being deleted but not finished yet (upstream CountTerminatingPods). */
export function isTerminating(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp !== undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: Readonly<Pod>): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Negative when `a` should be deleted before `b`: unscheduled before scheduled, Pending before
 * Unknown before Running, not ready before ready, ready for less time first, more restarts first,
 * newer before older.
 */
export function deletionOrder(a: Readonly<Pod>, b: Readonly<Pod>): number {
  const assignedA = (a.spec?.nodeName ?? '') !== '';
  const assignedB = (b.spec?.nodeName ?? '') !== '';
  if (assignedA !== assignedB) return assignedA ? 1 : -1;
  const phaseA = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const phaseB = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isReady(a);
  const readyB = isReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  if (readyA && readyB) {
    // Ready for less time goes first: the later transition is the one to delete.
    const sinceA = readySince(a);
    const sinceB = readySince(b);
    if (sinceA !== sinceB) return sinceB - sinceA;
  }
  const restarts = restartCount(b) - restartCount(a);
  if (restarts !== 0) return restarts;
  const createdA = Date.parse(a.metadata?.creationTimestamp ?? '') || Infinity;
  const createdB = Date.parse(b.metadata?.creationTimestamp ?? '') || Infinity;
  // Newer (or with no creation time at all) first.
  return createdB === createdA ? 0 : createdB > createdA ? 1 : -1;
}

function readySince(pod: Readonly<Pod>): number {
  const at = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return Date.parse(at ?? '') || 0;
}

function restartCount(pod: Readonly<Pod>): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
}
