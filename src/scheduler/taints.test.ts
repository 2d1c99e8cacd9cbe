import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { makeNode } from '../../test/scheduler/builders.js';
import { toleratesTaint } from '../api/tolerations.js';
import { effectiveTaints } from './taints.js';

const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('tolerations', () => {
  it.each<[Toleration, boolean]>([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu' }, true],
    [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ key: 'dedicated', operator: 'Bogus' }, false],
  ])('%j tolerates dedicated=gpu:NoSchedule: %s', (t, want) => {
    expect(toleratesTaint(t, taint)).toBe(want);
  });
});

describe('effective taints', () => {
  it('adds not-ready for Ready=False and unreachable for Unknown or no condition', () => {
    expect(effectiveTaints(makeNode('a'))).toEqual([]);
    expect(effectiveTaints(makeNode('a', { ready: 'False' }))).toEqual([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
    expect(effectiveTaints(makeNode('a', { ready: 'Unknown' }))).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
    expect(effectiveTaints(makeNode('a', { ready: 'none' }))).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
  });

  it('does not repeat a taint the node lifecycle controller already set', () => {
    const set: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: '2024-01-01T00:00:00Z' };
    expect(effectiveTaints(makeNode('a', { ready: 'False', taints: [set, taint] }))).toEqual([set, taint]);
  });
});
