import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { calculateStatus, nextAvailabilityCheckMs, statusUpToDate, timestamp } from './status.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');

function rs(extra: Partial<NonNullable<ReplicaSet['spec']>> = {}, status?: ReplicaSet['status']): ReplicaSet {
  return {
    metadata: { name: 'web', namespace: 'default', generation: 2 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' } } }, ...extra },
    ...(status !== undefined ? { status } : {}),
  };
}

function pod(labels: Record<string, string>, readySecondsAgo?: number): Pod {
  return {
    metadata: { name: 'p', labels },
    status:
      readySecondsAgo === undefined
        ? { phase: 'Pending' }
        : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: timestamp(NOW - readySecondsAgo * 1000) }] },
  };
}

const full = { app: 'web', tier: 'fe' };

describe('calculateStatus', () => {
  it('counts replicas, fully labeled, ready and available (minReadySeconds strictly exceeded)', () => {
    const pods = [pod(full, 100), pod({ app: 'web' }, 10), pod(full, 5), pod(full)];
    const status = calculateStatus(rs({ minReadySeconds: 10 }), pods, undefined, NOW);
    expect(status).toEqual({ replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 1 });
    expect(calculateStatus(rs(), pods, undefined, NOW).availableReplicas).toBe(3);
  });

  it('adds ReplicaFailure FailedCreate (or FailedDelete) on error, keeps it while failing, removes it on success', () => {
    const failing = calculateStatus(rs(), [pod(full)], new Error('pods "web-" is forbidden: exceeded quota'), NOW);
    expect(failing.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2024-06-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota' },
    ]);
    const later = calculateStatus(rs({}, failing), [pod(full)], new Error('another'), NOW + 60_000);
    expect(later.conditions).toEqual(failing.conditions);
    const surplus = calculateStatus(rs({ replicas: 0 }), [pod(full)], new Error('boom'), NOW);
    expect(surplus.conditions?.[0]?.reason).toBe('FailedDelete');
    const healed = calculateStatus(rs({}, failing), [pod(full), pod(full), pod(full)], undefined, NOW);
    expect(healed.conditions).toBeUndefined();
  });

  it('is up to date only when every counted field, the observed generation and the conditions match', () => {
    const status = { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 };
    expect(statusUpToDate(rs({}, status), { ...status })).toBe(true);
    expect(statusUpToDate(rs({}, { ...status, observedGeneration: 1 }), { ...status })).toBe(false);
    expect(statusUpToDate(rs({}, status), { ...status, readyReplicas: 2 })).toBe(false);
    expect(statusUpToDate(rs({}, status), { ...status, conditions: [{ type: 'ReplicaFailure', status: 'True' }] })).toBe(false);
  });

  it('tells when the next ready pod becomes available', () => {
    const pods = [pod(full, 2), pod(full, 7), pod(full, 100), pod(full)];
    expect(nextAvailabilityCheckMs(rs({ minReadySeconds: 10 }), pods, NOW)).toBe(3_001);
    expect(nextAvailabilityCheckMs(rs(), pods, NOW)).toBeUndefined();
  });
});
