import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { backoffDurationMs, backoffRecordOf, DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS, remainingBackoffMs } from './backoff.js';

const finished = (phase: 'Succeeded' | 'Failed', at: number): Pod => ({
  metadata: { name: `${phase}-${at}`, creationTimestamp: new Date(0).toISOString() },
  status: { phase, containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: new Date(at).toISOString() } } }] },
});

describe('pod-failure back-off', () => {
  it('is 10 s, doubling per failure in a row, capped at 6 min', () => {
    const d = (n: number): number => backoffDurationMs(n, DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(d)).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000, 360_000]);
  });

  it('counts only failures after the last success, from the latest failure', () => {
    const pods = [finished('Failed', 1_000), finished('Succeeded', 2_000), finished('Failed', 3_000), finished('Failed', 5_000)];
    expect(backoffRecordOf(pods)).toEqual({ failuresAfterLastSuccess: 2, lastFailureTime: 5_000 });
    expect(backoffRecordOf([finished('Failed', 1_000), finished('Succeeded', 2_000)])).toEqual({ failuresAfterLastSuccess: 0 });
  });

  it('leaves what is left of the back-off at a given time', () => {
    const record = { failuresAfterLastSuccess: 2, lastFailureTime: 5_000 };
    expect(remainingBackoffMs(record, 5_000, 10_000, 360_000)).toBe(20_000);
    expect(remainingBackoffMs(record, 15_000, 10_000, 360_000)).toBe(10_000);
    expect(remainingBackoffMs(record, 25_000, 10_000, 360_000)).toBe(0);
    expect(remainingBackoffMs({ failuresAfterLastSuccess: 0 }, 0, 10_000, 360_000)).toBe(0);
  });

  it('dates a failure without container states by Ready=False, then by creation', () => {
    const byCondition: Pod = { metadata: { creationTimestamp: new Date(1_000).toISOString() }, status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: new Date(7_000).toISOString() }] } };
    const bare: Pod = { metadata: { creationTimestamp: new Date(4_000).toISOString() }, status: { phase: 'Failed' } };
    expect(backoffRecordOf([byCondition]).lastFailureTime).toBe(7_000);
    expect(backoffRecordOf([bare]).lastFailureTime).toBe(4_000);
  });
});
