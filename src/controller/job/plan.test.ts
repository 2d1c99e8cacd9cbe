import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { pastBackoffLimitOnFailure } from './job-controller.js';
import { planPods, wantActive } from './plan.js';

const job = (spec: Partial<NonNullable<Job['spec']>>): Job => ({ metadata: { name: 'j', uid: 'u' }, spec: { template: { spec: { containers: [] } }, ...spec } });
const pod = (name: string, extra: Partial<Pod> = {}, index?: number): Pod => ({
  metadata: { name, creationTimestamp: '2024-01-01T00:00:00Z', ...(index === undefined ? {} : { annotations: { 'batch.kubernetes.io/job-completion-index': String(index) } }) },
  status: { phase: 'Pending' },
  ...extra,
});

describe('how many pods a Job wants', () => {
  it('never more than parallelism nor than the completions left', () => {
    expect(wantActive(job({ parallelism: 2, completions: 3 }), 0, 0)).toBe(2);
    expect(wantActive(job({ parallelism: 2, completions: 3 }), 2, 2)).toBe(1);
    expect(wantActive(job({ parallelism: 2, completions: 3 }), 0, 3)).toBe(0);
  });

  it('a work queue (no completions) stops starting pods after the first success', () => {
    expect(wantActive(job({ parallelism: 3 }), 1, 0)).toBe(3);
    expect(wantActive(job({ parallelism: 3 }), 2, 1)).toBe(2);
  });
});

describe('planPods', () => {
  const base = { terminating: 0, succeeded: 0, backoffRemainingMs: 0 };

  it('creates the missing pods unless the back-off runs', () => {
    expect(planPods({ ...base, job: job({ parallelism: 2, completions: 3 }), active: [pod('a')] })).toEqual({ kind: 'create', count: 1 });
    expect(planPods({ ...base, job: job({ parallelism: 2, completions: 3 }), active: [], backoffRemainingMs: 500 })).toEqual({ kind: 'backoff', remainingMs: 500 });
  });

  it('deletes the surplus, unscheduled and not ready first', () => {
    const running = pod('running', { spec: { nodeName: 'n', containers: [] }, status: { phase: 'Running' } });
    const pending = pod('pending');
    const plan = planPods({ ...base, job: job({ parallelism: 1, completions: 5 }), active: [running, pending] });
    expect(plan.kind === 'delete' && plan.pods.map((p) => p.metadata?.name)).toEqual(['pending']);
  });

  it('deletes every active pod of a suspended Job', () => {
    const plan = planPods({ ...base, job: job({ parallelism: 2, completions: 2, suspend: true }), active: [pod('a'), pod('b')] });
    expect(plan.kind === 'delete' && plan.pods.length).toBe(2);
  });

  it('gives an Indexed Job the lowest free indexes, and removes a repeated index first', () => {
    const indexed = job({ parallelism: 3, completions: 5, completionMode: 'Indexed' });
    expect(planPods({ ...base, job: indexed, active: [pod('a', {}, 1)], succeededIndexes: [{ first: 0, last: 0 }], succeeded: 1 })).toEqual({ kind: 'create', count: 2, indexes: [2, 3] });
    const plan = planPods({ ...base, job: indexed, active: [pod('a', {}, 1), pod('b', {}, 1)] });
    expect(plan.kind === 'delete' && plan.pods.length).toBe(1);
  });

  it('waits for terminating pods only when told to replace failed pods only', () => {
    const input = { ...base, active: [], terminating: 1 };
    expect(planPods({ ...input, job: job({ parallelism: 1, completions: 1 }) })).toEqual({ kind: 'create', count: 1 });
    expect(planPods({ ...input, job: job({ parallelism: 1, completions: 1, podReplacementPolicy: 'Failed' }) })).toEqual({ kind: 'none' });
  });
});

describe('backoffLimit with restartPolicy OnFailure', () => {
  const onFailure = (backoffLimit: number): Job => ({ metadata: { name: 'j' }, spec: { backoffLimit, template: { spec: { restartPolicy: 'OnFailure', containers: [] } } } });
  const restarted = (phase: string, restartCount: number): Pod => ({
    metadata: { name: 'p' },
    status: { phase, containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount }] },
  });

  it('counts container restarts of running and pending pods against the limit', () => {
    expect(pastBackoffLimitOnFailure(onFailure(3), [restarted('Running', 2)])).toBe(false);
    expect(pastBackoffLimitOnFailure(onFailure(3), [restarted('Running', 2), restarted('Pending', 1)])).toBe(true);
    // Finished pods' restarts do not count.
    expect(pastBackoffLimitOnFailure(onFailure(3), [restarted('Failed', 5)])).toBe(false);
    // A limit of 0 means any restart.
    expect(pastBackoffLimitOnFailure(onFailure(0), [restarted('Running', 1)])).toBe(true);
    expect(pastBackoffLimitOnFailure(job({ backoffLimit: 0 }), [restarted('Running', 9)])).toBe(false);
  });
});
