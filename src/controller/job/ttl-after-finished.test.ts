import type { Job } from 'kubernetes-types/batch/v1.js';
import { describe, expect, it } from 'vitest';
import { timeLeftMs } from './ttl-after-finished.js';

const job = (ttl: number | undefined, condition?: { type: string; at: string }): Job => ({
  metadata: { name: 'j' },
  spec: { ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }), template: {} },
  status: condition === undefined ? {} : { conditions: [{ type: condition.type, status: 'True', lastTransitionTime: condition.at }] },
});

describe('time left before a finished Job is deleted', () => {
  it('counts the TTL from the Complete or Failed condition', () => {
    const now = new Date('2024-01-01T00:01:00Z');
    expect(timeLeftMs(job(100, { type: 'Complete', at: '2024-01-01T00:00:00Z' }), now)).toBe(40_000);
    expect(timeLeftMs(job(30, { type: 'Failed', at: '2024-01-01T00:00:00Z' }), now)).toBe(-30_000);
    expect(timeLeftMs(job(0, { type: 'Complete', at: '2024-01-01T00:01:00Z' }), now)).toBe(0);
  });

  it('has nothing to say about a running Job or one without a TTL', () => {
    const now = new Date('2024-01-01T00:01:00Z');
    expect(timeLeftMs(job(10), now)).toBeUndefined();
    expect(timeLeftMs(job(10, { type: 'SuccessCriteriaMet', at: '2024-01-01T00:00:00Z' }), now)).toBeUndefined();
    expect(timeLeftMs(job(undefined, { type: 'Complete', at: '2024-01-01T00:00:00Z' }), now)).toBeUndefined();
  });
});
