// Pure pieces of the node lifecycle controller: condition taints, taint swaps, tolerations, zones.
import type { Node } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { noScheduleTaintDiff, swappedTaints } from '../../../src/controller/nodelifecycle/taints.js';
import { matchingTolerations, minTolerationMs, withDefaultTolerations } from '../../../src/controller/nodelifecycle/tolerations.js';
import { computeZoneState, DisruptionTracker, TokenBucket, zoneKey } from '../../../src/controller/nodelifecycle/zone-state.js';

describe('condition taints', () => {
  it('derives the NoSchedule taints from conditions and unschedulable, touching only its own keys', () => {
    const node: Node = {
      metadata: { name: 'n' },
      spec: {
        unschedulable: true,
        taints: [
          { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
          { key: 'example.com/mine', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
        ],
      },
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'DiskPressure', status: 'True' },
          { type: 'MemoryPressure', status: 'False' },
        ],
      },
    };
    const { add, remove } = noScheduleTaintDiff(node);
    expect(add).toEqual([
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
    expect(remove).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
  });

  it('swaps taints by key and effect, keeping an identical one (and its timeAdded)', () => {
    const current = [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' },
      { key: 'x', effect: 'NoSchedule' },
    ];
    expect(swappedTaints(current, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }], [])).toBeUndefined();
    expect(swappedTaints(current, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }])).toEqual([
      { key: 'x', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    ]);
    expect(swappedTaints(undefined, [], [{ key: 'x', effect: 'NoSchedule' }])).toBeUndefined();
  });
});

describe('tolerations', () => {
  it('adds the default not-ready and unreachable tolerations unless the pod has its own', () => {
    expect(withDefaultTolerations(undefined, 300)).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const own = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }];
    expect(withDefaultTolerations(own, 300).map((t) => [t.key, t.tolerationSeconds])).toEqual([
      ['node.kubernetes.io/unreachable', 5],
      ['node.kubernetes.io/not-ready', 300],
    ]);
    // An empty key with Exists tolerates everything: nothing added.
    expect(withDefaultTolerations([{ operator: 'Exists' }], 300)).toEqual([{ operator: 'Exists' }]);
  });

  it('finds the toleration used for each taint and the shortest time', () => {
    const taints = [
      { key: 'a', effect: 'NoExecute' },
      { key: 'b', effect: 'NoExecute' },
    ];
    expect(matchingTolerations(taints, [{ key: 'a', operator: 'Exists' }]).all).toBe(false);
    const { all, used } = matchingTolerations(taints, [
      { key: 'a', operator: 'Exists', tolerationSeconds: 30 },
      { key: 'b', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
    ]);
    expect(all).toBe(true);
    expect(minTolerationMs(used)).toBe(10_000);
    expect(minTolerationMs([{ key: 'a', operator: 'Exists' }])).toBe(-1);
    expect(minTolerationMs([{ key: 'a', operator: 'Exists', tolerationSeconds: -5 }])).toBe(0);
    expect(minTolerationMs([])).toBe(0);
  });
});

describe('zones and disruption', () => {
  it('keys zones by region and zone labels', () => {
    expect(zoneKey({ metadata: { labels: {} } })).toBe('');
    expect(zoneKey({ metadata: { labels: { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' } } })).toBe('r:\u0000:z');
  });

  it('computes zone states as upstream', () => {
    expect(computeZoneState(['Unknown'], 0.55).state).toBe('FullDisruption');
    expect(computeZoneState(['True', 'Unknown', 'Unknown'], 0.55).state).toBe('Normal');
    expect(computeZoneState(['True', 'Unknown', 'Unknown', 'False'], 0.55).state).toBe('PartialDisruption');
    expect(computeZoneState(['True', 'True', 'True', 'Unknown', 'Unknown', 'Unknown', 'True', 'True'], 0.55).state).toBe('Normal');
  });

  it('stops tainting when every zone is down and resumes when one recovers', () => {
    const tracker = new DisruptionTracker({ evictionQps: 1, secondaryEvictionQps: 0.01, largeClusterThreshold: 50, unhealthyZoneThreshold: 0.55 });
    expect(tracker.update(new Map([['a', ['True']], ['b', ['Unknown']]]))).toEqual({ enteredFullDisruption: false, exitedFullDisruption: false });
    expect(tracker.admit('b', 0)).toBe(true);
    expect(tracker.admit('b', 100)).toBe(false);
    expect(tracker.admit('b', 1_100)).toBe(true);
    expect(tracker.update(new Map([['a', ['Unknown']], ['b', ['Unknown']]]))).toEqual({ enteredFullDisruption: true, exitedFullDisruption: false });
    expect(tracker.admit('b', 10_000)).toBe(false);
    expect(tracker.update(new Map([['a', ['Unknown']], ['b', ['Unknown']]]))).toEqual({ enteredFullDisruption: false, exitedFullDisruption: false });
    expect(tracker.update(new Map([['a', ['True']], ['b', ['Unknown']]]))).toEqual({ enteredFullDisruption: false, exitedFullDisruption: true });
    expect(tracker.admit('b', 20_000)).toBe(true);
  });

  it('stops tainting in a partly disrupted small zone', () => {
    const tracker = new DisruptionTracker({ evictionQps: 1, secondaryEvictionQps: 0.01, largeClusterThreshold: 50, unhealthyZoneThreshold: 0.55 });
    tracker.update(new Map([['z', ['True', 'Unknown', 'Unknown', 'Unknown']]]));
    expect(tracker.stateOf('z')).toBe('PartialDisruption');
    expect(tracker.admit('z', 0)).toBe(false);
  });

  it('rate-limits with a burst of one', () => {
    const bucket = new TokenBucket(0.5);
    expect(bucket.tryAccept(0)).toBe(true);
    expect(bucket.tryAccept(1_000)).toBe(false);
    expect(bucket.tryAccept(2_000)).toBe(true);
    expect(new TokenBucket(0).tryAccept(0)).toBe(false);
  });
});
