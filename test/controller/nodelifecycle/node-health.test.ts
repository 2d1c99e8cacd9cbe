// The heartbeat bookkeeping and the Unknown conditions, on a fake clock.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { NodeHealthTracker, unknownConditions } from '../../../src/controller/nodelifecycle/node-health.js';

const node = (heartbeat?: string, created = '2024-01-01T00:00:00Z'): Node => ({
  metadata: { name: 'n', creationTimestamp: created },
  status: heartbeat === undefined ? {} : { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: heartbeat, lastTransitionTime: '2024-01-01T00:00:00Z' }] },
});
const lease = (renewTime: string): Lease => ({ metadata: { name: 'n' }, spec: { renewTime } });

describe('NodeHealthTracker', () => {
  const options = { gracePeriodMs: 40_000, startupGracePeriodMs: 60_000 };

  it('counts from its own clock when the heartbeat or the lease last moved, never from their values', () => {
    const tracker = new NodeHealthTracker(options);
    // The node's clock is a year behind: irrelevant.
    expect(tracker.observe(node('2023-01-01T00:00:00Z'), undefined, 1_000).stale).toBe(false);
    expect(tracker.observe(node('2023-01-01T00:00:00Z'), undefined, 41_000).stale).toBe(false);
    expect(tracker.observe(node('2023-01-01T00:00:00Z'), undefined, 41_001).stale).toBe(true);
    // A new heartbeat value: alive again from now.
    expect(tracker.observe(node('2023-01-01T00:00:10Z'), undefined, 50_000)).toMatchObject({ stale: false, probeMs: 50_000 });
    // The lease renewing is enough.
    expect(tracker.observe(node('2023-01-01T00:00:10Z'), lease('2023-01-01T00:00:00.000000Z'), 80_000)).toMatchObject({ stale: false, probeMs: 80_000 });
    expect(tracker.observe(node('2023-01-01T00:00:10Z'), lease('2023-01-01T00:00:00.000000Z'), 121_000).stale).toBe(true);
    expect(tracker.observe(node('2023-01-01T00:00:10Z'), lease('2023-01-01T00:00:01.000000Z'), 122_000).stale).toBe(false);
  });

  it('gives a node that never posted Ready the startup grace from its creation', () => {
    const tracker = new NodeHealthTracker(options);
    const created = Date.parse('2024-01-01T00:00:00Z');
    expect(tracker.observe(node(undefined), undefined, created + 59_000)).toMatchObject({ stale: false, gracePeriodMs: 60_000 });
    expect(tracker.observe(node(undefined), undefined, created + 61_000).stale).toBe(true);
  });

  it('does not take its own status write for a heartbeat, and resets on leaving disruption mode', () => {
    const tracker = new NodeHealthTracker(options);
    tracker.observe(node('2024-01-01T00:00:00Z'), undefined, 0);
    expect(tracker.observe(node('2024-01-01T00:00:00Z'), undefined, 50_000).stale).toBe(true);
    const written: Node = {
      ...node('2024-01-01T00:00:00Z'),
      status: { conditions: [{ type: 'Ready', status: 'Unknown', lastHeartbeatTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-06-01T00:00:00Z' }] },
    };
    tracker.wrote(written, 50_000);
    expect(tracker.observe(written, undefined, 60_000).stale).toBe(true);
    tracker.resetProbes(60_000);
    expect(tracker.observe(written, undefined, 70_000).stale).toBe(false);
  });
});

describe('unknownConditions', () => {
  it('turns Ready and the pressure conditions Unknown in upstream words, keeping heartbeats, and adds missing ones', () => {
    const n: Node = {
      metadata: { name: 'n', creationTimestamp: '2024-01-01T00:00:00Z' },
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2024-01-01T00:01:00Z', lastTransitionTime: '2024-01-01T00:00:30Z' },
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: '2024-01-01T00:01:00Z' },
          { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' },
        ],
      },
    };
    const conditions = unknownConditions(n, '2024-01-01T00:05:00Z') ?? [];
    const by = (type: string) => conditions.find((c) => c.type === type);
    expect(by('Ready')).toEqual({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastHeartbeatTime: '2024-01-01T00:01:00Z',
      lastTransitionTime: '2024-01-01T00:05:00Z',
    });
    expect(by('MemoryPressure')?.status).toBe('Unknown');
    expect(by('DiskPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: '2024-01-01T00:00:00Z' });
    expect(by('PIDPressure')?.status).toBe('Unknown');
    expect(by('NetworkUnavailable')?.status).toBe('False');
    // Already Unknown: nothing to write.
    expect(unknownConditions({ ...n, status: { conditions } }, '2024-01-01T00:06:00Z')).toBeUndefined();
  });
});
