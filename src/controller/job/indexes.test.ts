import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { completionIndexOf, duplicatedIndexPods, firstPendingIndexes, formatIndexes, hasIndex, parseIndexes, totalOf, withIndexes } from './indexes.js';

const pod = (name: string, index?: string): Pod => ({
  metadata: { name, ...(index === undefined ? {} : { annotations: { 'batch.kubernetes.io/job-completion-index': index } }) },
});

describe('completed indexes as a range string', () => {
  it('compresses runs of three or more and keeps pairs apart, as upstream', () => {
    expect(formatIndexes(withIndexes([], [1, 3, 4, 5, 7]))).toBe('1,3-5,7');
    expect(formatIndexes(withIndexes([], [0, 1]))).toBe('0,1');
    expect(formatIndexes(withIndexes([], [2, 0, 1]))).toBe('0-2');
    expect(formatIndexes([])).toBe('');
  });

  it('parses its own output back and merges new indexes in', () => {
    const parsed = parseIndexes('1,3-5,7', 10);
    expect(totalOf(parsed)).toBe(5);
    expect(formatIndexes(withIndexes(parsed, [2, 6]))).toBe('1-7');
    expect(hasIndex(parsed, 4)).toBe(true);
    expect(hasIndex(parsed, 6)).toBe(false);
  });

  it('drops indexes at or beyond completions and entries that do not parse', () => {
    expect(formatIndexes(parseIndexes('0,2-9', 5))).toBe('0,2-4');
    expect(formatIndexes(parseIndexes('x,1,3-a,4', 10))).toBe('1,4');
    expect(parseIndexes(undefined, 3)).toEqual([]);
  });
});

describe('pending indexes and duplicates', () => {
  it('picks the lowest indexes that neither succeeded nor run', () => {
    expect(firstPendingIndexes(withIndexes([], [0, 2]), new Set([1]), 2, 6)).toEqual([3, 4]);
    expect(firstPendingIndexes([], new Set(), 10, 3)).toEqual([0, 1, 2]);
  });

  it('reads the index annotation, refusing what is not a non-negative integer', () => {
    expect(completionIndexOf(pod('a', '3'))).toBe(3);
    expect(completionIndexOf(pod('a', '-1'))).toBeUndefined();
    expect(completionIndexOf(pod('a', 'x'))).toBeUndefined();
    expect(completionIndexOf(pod('a'))).toBeUndefined();
  });

  it('removes pods without a valid index and all but the best pod of a repeated index', () => {
    const pods = [pod('a', '0'), pod('b', '0'), pod('c', '1'), pod('d', '9'), pod('e')];
    // Rank by name: the last name of a group is the one kept.
    const { remove, keep } = duplicatedIndexPods(pods, 3, (x, y) => (x.metadata?.name ?? '').localeCompare(y.metadata?.name ?? ''));
    expect(remove.map((p) => p.metadata?.name).sort()).toEqual(['a', 'd', 'e']);
    expect(keep.map((p) => p.metadata?.name).sort()).toEqual(['b', 'c']);
  });
});
