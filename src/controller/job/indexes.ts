// Completion indexes of Indexed Jobs (upstream indexed_job_utils.go): which index a pod carries,
// status.completedIndexes as a compressed range string ("1,3-5,7"), and which indexes still need a
// pod. Pure functions: the controller feeds them pods from its informer.
import type { Pod } from 'kubernetes-types/core/v1.js';

/** The annotation (and, since 1.28, label) that carries a pod's completion index. */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** The env variable every container of an Indexed Job's pod gets. */
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** An inclusive run of indexes. */
export interface Interval {
  readonly first: number;
  readonly last: number;
}

/** A sorted list of disjoint, non-adjacent intervals (upstream orderedIntervals). */
export type OrderedIntervals = readonly Interval[];

/** The pod's completion index, or undefined when it has none or it is not a non-negative integer. */
export function completionIndexOf(pod: Readonly<Pod>): number | undefined {
  const raw = pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION];
  if (raw === undefined || !/^\+?\d+$/.test(raw)) return undefined;
  const index = Number(raw);
  return Number.isSafeInteger(index) ? index : undefined;
}

/**
 * Parses "1,3-5,7" into intervals, keeping only indexes below `completions`; entries that do not
 * parse are skipped (upstream logs and ignores them, so a bad status never blocks the Job).
 */
export function parseIndexes(text: string | undefined, completions: number): OrderedIntervals {
  if (text === undefined || text === '') return [];
  const found: number[][] = [];
  for (const part of text.split(',')) {
    const [a, b, ...rest] = part.split('-');
    if (rest.length > 0 || a === undefined || !/^\d+$/.test(a) || (b !== undefined && !/^\d+$/.test(b))) continue;
    const first = Number(a);
    const last = Math.min(b === undefined ? first : Number(b), completions - 1);
    if (first > last) continue;
    found.push([first, last]);
  }
  return merge(found.map(([first, last]) => ({ first: first as number, last: last as number })));
}

/** The intervals with these indexes added. */
export function withIndexes(intervals: OrderedIntervals, indexes: Iterable<number>): OrderedIntervals {
  const added = [...intervals];
  for (const index of indexes) added.push({ first: index, last: index });
  return merge(added);
}

/** How many indexes the intervals hold. */
export function totalOf(intervals: OrderedIntervals): number {
  return intervals.reduce((sum, i) => sum + i.last - i.first + 1, 0);
}

export function hasIndex(intervals: OrderedIntervals, index: number): boolean {
  return intervals.some((i) => i.first <= index && index <= i.last);
}

/** Upstream's text form: a run of three or more is "a-b", a pair is "a,b". */
export function formatIndexes(intervals: OrderedIntervals): string {
  const parts: string[] = [];
  for (const { first, last } of intervals) {
    if (first === last) parts.push(String(first));
    else if (last === first + 1) parts.push(`${first},${last}`);
    else parts.push(`${first}-${last}`);
  }
  return parts.join(',');
}

/**
 * The lowest `count` indexes below `completions` that neither succeeded nor have an active pod
 * (upstream firstPendingIndexes).
 */
export function firstPendingIndexes(succeeded: OrderedIntervals, activeIndexes: ReadonlySet<number>, count: number, completions: number): number[] {
  const result: number[] = [];
  for (let index = 0; index < completions && result.length < count; index++) {
    if (!activeIndexes.has(index) && !hasIndex(succeeded, index)) result.push(index);
  }
  return result;
}

/**
 * Splits active pods of an Indexed Job into those to remove (no valid index, an index out of
 * range, or a second pod for an index) and those to keep. Of pods sharing an index the one ranked
 * last by `rank` (the most valuable) is kept, as upstream keeps the best of duplicates.
 */
export function duplicatedIndexPods<P extends Readonly<Pod>>(pods: readonly P[], completions: number, rank: (a: P, b: P) => number): { remove: P[]; keep: P[] } {
  const remove: P[] = [];
  const byIndex = new Map<number, P[]>();
  for (const pod of pods) {
    const index = completionIndexOf(pod);
    if (index === undefined || index >= completions) remove.push(pod);
    else byIndex.set(index, [...(byIndex.get(index) ?? []), pod]);
  }
  const keep: P[] = [];
  for (const group of byIndex.values()) {
    const sorted = [...group].sort(rank);
    keep.push(sorted.pop() as P);
    remove.push(...sorted);
  }
  return { remove, keep };
}

function merge(intervals: Interval[]): OrderedIntervals {
  const sorted = [...intervals].sort((a, b) => a.first - b.first);
  const out: Interval[] = [];
  for (const next of sorted) {
    const prev = out[out.length - 1];
    // Adjacent runs join too: 1-2 and 3-4 are 1-4.
    if (prev !== undefined && next.first <= prev.last + 1) out[out.length - 1] = { first: prev.first, last: Math.max(prev.last, next.last) };
    else out.push(next);
  }
  return out;
}
