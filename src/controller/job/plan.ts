// What manageJob should do about a Job's pods this sync (upstream manageJob, as a pure decision):
// delete the surplus (or, for an Indexed Job, duplicate and out-of-range indexes first), or create
// the missing ones unless the pod-failure back-off still runs. Deletion and creation never happen
// in one sync, and deletion wins, as upstream.
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { completionIndexOf, duplicatedIndexPods, firstPendingIndexes, type OrderedIntervals } from './indexes.js';
import { deletionOrder } from './pod-state.js';

/** Upstream MaxPodCreateDeletePerSync: a huge Job is worked on in slices so others are not starved. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export type PodPlan =
  | { readonly kind: 'delete'; readonly pods: readonly Readonly<Pod>[] }
  | { readonly kind: 'create'; readonly count: number; readonly indexes?: readonly number[] }
  | { readonly kind: 'backoff'; readonly remainingMs: number }
  | { readonly kind: 'none' };

export interface PlanInput {
  readonly job: Readonly<Job>;
  /** Pods neither finished nor being deleted. */
  readonly active: readonly Readonly<Pod>[];
  /** Pods being deleted and not finished yet. */
  readonly terminating: number;
  readonly succeeded: number;
  /** For an Indexed Job, the indexes that succeeded. */
  readonly succeededIndexes?: OrderedIntervals;
  /** How long pod creation must still wait after failures (0: it may go ahead). */
  readonly backoffRemainingMs: number;
}

export function isIndexed(job: Readonly<Job>): boolean {
  return job.spec?.completionMode === 'Indexed';
}

/** When replacements wait for a deleted pod to be gone (podReplacementPolicy Failed, or a podFailurePolicy). */
export function onlyReplaceFailedPods(job: Readonly<Job>): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/** How many pods should run now (upstream wantActive). */
export function wantActive(job: Readonly<Job>, active: number, succeeded: number): number {
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  // No completions: a work queue; once one pod succeeded, let the rest finish and start no more.
  if (completions === undefined || completions === null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(completions - succeeded, parallelism));
}

/**
 * The pods to delete to bring `active` down by at least `atLeast`: for an Indexed Job, pods with a
 * bad or repeated index first; then the least valuable (upstream activePodsForRemoval).
 */
export function podsForRemoval(job: Readonly<Job>, active: readonly Readonly<Pod>[], atLeast: number): Readonly<Pod>[] {
  let remove: Readonly<Pod>[] = [];
  let left: Readonly<Pod>[] = [...active];
  if (isIndexed(job)) {
    const split = duplicatedIndexPods(active, job.spec?.completions ?? 0, deletionOrder);
    remove = split.remove;
    left = split.keep;
  }
  if (remove.length < atLeast) {
    left.sort(deletionOrder);
    remove = remove.concat(left.slice(0, atLeast - remove.length));
  }
  return remove;
}

export function planPods(input: PlanInput): PodPlan {
  const { job, active } = input;
  if (job.spec?.suspend === true) {
    const pods = podsForRemoval(job, active, active.length);
    return pods.length === 0 ? { kind: 'none' } : { kind: 'delete', pods };
  }
  const want = wantActive(job, active.length, input.succeeded);
  const toDelete = podsForRemoval(job, active, Math.max(0, active.length - want)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (toDelete.length > 0) return { kind: 'delete', pods: toDelete };

  const terminating = onlyReplaceFailedPods(job) ? input.terminating : 0;
  let diff = want - terminating - active.length;
  if (diff <= 0) return { kind: 'none' };
  if (input.backoffRemainingMs > 0) return { kind: 'backoff', remainingMs: input.backoffRemainingMs };
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (!isIndexed(job)) return { kind: 'create', count: diff };
  const activeIndexes = new Set<number>();
  for (const pod of active) {
    const index = completionIndexOf(pod);
    if (index !== undefined) activeIndexes.add(index);
  }
  const indexes = firstPendingIndexes(input.succeededIndexes ?? [], activeIndexes, diff, job.spec?.completions ?? 0);
  return indexes.length === 0 ? { kind: 'none' } : { kind: 'create', count: indexes.length, indexes };
}
