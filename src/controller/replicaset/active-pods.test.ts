import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { deleteBefore, podDeletionCost, podsToDelete, sortForDeletion } from './active-pods.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');

interface P {
  name: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readyAgoMs?: number;
  createdAgoMs?: number;
  restarts?: number;
  cost?: string;
  uid?: string;
}

function pod(p: P): Pod {
  return {
    metadata: {
      name: p.name,
      uid: p.uid ?? p.name,
      creationTimestamp: iso(p.createdAgoMs ?? 3_600_000),
      ...(p.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': p.cost } } : {}),
    },
    spec: { containers: [{ name: 'c' }], ...(p.node !== undefined ? { nodeName: p.node } : {}) },
    status: {
      phase: p.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: p.ready === false ? 'False' : 'True', lastTransitionTime: iso(p.readyAgoMs ?? 3_600_000) }],
      containerStatuses: [{ name: 'c', image: '', imageID: '', ready: p.ready !== false, restartCount: p.restarts ?? 0 }],
    },
  };
}

const order = (pods: Pod[]): string[] => sortForDeletion(pods.map((p) => ({ pod: p, rank: 0 })), NOW).map((r) => r.pod.metadata?.name ?? '');

describe('deletion order (upstream ActivePodsWithRanks)', () => {
  it('puts unassigned before assigned, then Pending < Unknown < Running, then not ready < ready', () => {
    const pods = [
      pod({ name: 'running-ready', node: 'n' }),
      pod({ name: 'running-not-ready', node: 'n', ready: false }),
      pod({ name: 'unknown', node: 'n', phase: 'Unknown', ready: false }),
      pod({ name: 'pending', node: 'n', phase: 'Pending', ready: false }),
      pod({ name: 'unassigned', phase: 'Running' }),
    ];
    expect(order(pods)).toEqual(['unassigned', 'pending', 'unknown', 'running-not-ready', 'running-ready']);
  });

  it('deletes a lower pod-deletion-cost first, ignoring invalid costs', () => {
    expect(podDeletionCost(pod({ name: 'a', cost: '-5' }))).toBe(-5);
    expect(podDeletionCost(pod({ name: 'a', cost: 'x' }))).toBe(0);
    expect(podDeletionCost(pod({ name: 'a', cost: '99999999999' }))).toBe(0);
    const pods = [pod({ name: 'dear', node: 'n', cost: '100' }), pod({ name: 'plain', node: 'n' }), pod({ name: 'cheap', node: 'n', cost: '-1' })];
    expect(order(pods)).toEqual(['cheap', 'plain', 'dear']);
  });

  it('deletes a pod doubled up on a node with its siblings first', () => {
    const crowded = { pod: pod({ name: 'crowded', node: 'a' }), rank: 3 };
    const alone = { pod: pod({ name: 'alone', node: 'b' }), rank: 1 };
    expect(deleteBefore(crowded, alone, NOW)).toBe(true);
    expect(deleteBefore(alone, crowded, NOW)).toBe(false);
    const related = [pod({ name: 'r1', node: 'a' }), pod({ name: 'r2', node: 'a' }), pod({ name: 'r3', node: 'b' })];
    const mine = [pod({ name: 'on-b', node: 'b' }), pod({ name: 'on-a', node: 'a' })];
    expect(podsToDelete(mine, related, 1, NOW).map((p) => p.metadata?.name)).toEqual(['on-a']);
  });

  it('deletes the pod ready for less time first, on a log2 scale with ties broken by uid', () => {
    const recent = pod({ name: 'recent', node: 'n', readyAgoMs: 10_000 });
    const old = pod({ name: 'old', node: 'n', readyAgoMs: 86_400_000 });
    expect(order([old, recent])).toEqual(['recent', 'old']);
    // 100 s and 110 s ago share a power-of-two bucket of nanoseconds: the uid decides, not the age.
    const a = pod({ name: 'a', uid: 'zzz', node: 'n', readyAgoMs: 100_000 });
    const b = pod({ name: 'b', uid: 'aaa', node: 'n', readyAgoMs: 110_000 });
    expect(order([a, b])).toEqual(['b', 'a']);
  });

  it('then deletes the pod with more restarts, then the newer one', () => {
    const calm = pod({ name: 'calm', node: 'n' });
    const crashy = pod({ name: 'crashy', node: 'n', restarts: 7 });
    expect(order([calm, crashy])).toEqual(['crashy', 'calm']);
    const newer = pod({ name: 'newer', node: 'n', createdAgoMs: 5_000 });
    const older = pod({ name: 'older', node: 'n', createdAgoMs: 5_000_000 });
    expect(order([older, newer])).toEqual(['newer', 'older']);
  });

  it('returns every pod unsorted when all are to go, and exactly diff otherwise', () => {
    const pods = [pod({ name: 'x', node: 'n' }), pod({ name: 'y' })];
    expect(podsToDelete(pods, [], 2, NOW).map((p) => p.metadata?.name)).toEqual(['x', 'y']);
    expect(podsToDelete(pods, [], 1, NOW).map((p) => p.metadata?.name)).toEqual(['y']);
  });
});
