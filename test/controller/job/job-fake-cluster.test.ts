// The Job controller on a whole cluster with the fake runtime: the scheduler binds the pods, a
// superlet "runs" them (FAKE_EXIT_CODE decides how each container ends) and writes their status,
// and the controller must drive Jobs to their end from what the superlet reports.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pods } from '../../../src/client/resource-types.js';
import { jobControllerWith, ttlAfterFinishedController } from '../../../src/controller/job/index.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { condition, createJob, jobObject, jobPods, newNamespace, waitForJob, waitForJobGone } from './helpers.js';

let cluster: TestCluster;
let env: TestControllers;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake' });
  env = await startTestControllers([jobControllerWith({ podFailureBackoffMs: 300 }), ttlAfterFinishedController], { plane: cluster.plane });
}, 120_000);

afterAll(async () => {
  await env?.stop();
  await cluster?.stop();
});

/** Watches the namespace's pods and keeps the highest number active at once. */
function watchActive(namespace: string): { max: () => number; stop: () => void } {
  const abort = new AbortController();
  const pods = new Map<string, Pod>();
  let max = 0;
  const active = (p: Pod): boolean => p.metadata?.deletionTimestamp === undefined && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
  void (async () => {
    try {
      for await (const event of cluster.client.watch<Pod>(Pods, { namespace, resourceVersion: '0', signal: abort.signal })) {
        const name = event.object.metadata?.name ?? '';
        if (event.type === 'DELETED') pods.delete(name);
        else if (event.type === 'ADDED' || event.type === 'MODIFIED') pods.set(name, event.object);
        max = Math.max(max, [...pods.values()].filter(active).length);
      }
    } catch {
      // Stopped.
    }
  })();
  return { max: () => max, stop: () => abort.abort() };
}

describe('Jobs on the fake runtime', () => {
  it('completes 3 completions with parallelism 2, never more than 2 pods active', async () => {
    const ns = await newNamespace(env.client, 'fake');
    const watch = watchActive(ns);
    // Each pod runs a moment, so two really run side by side.
    await createJob(env.client, jobObject('pair', ns, { completions: 3, parallelism: 2 }, { FAKE_EXIT_CODE: '0', FAKE_EXIT_AFTER_MS: '300' }));
    const job = await waitForJob(env.client, ns, 'pair', (j) => condition(j, 'Complete')?.status === 'True', 'Complete', 60_000);
    watch.stop();
    expect(job.status?.succeeded).toBe(3);
    expect(watch.max()).toBe(2);
    const pods = await jobPods(env.client, ns, 'pair');
    expect(pods.map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(pods.every((p) => (p.spec?.nodeName ?? '') !== '')).toBe(true);
  });

  it('completes an Indexed Job, one pod per index', async () => {
    const ns = await newNamespace(env.client, 'fake');
    await createJob(env.client, jobObject('idx', ns, { completions: 3, parallelism: 3, completionMode: 'Indexed' }, { FAKE_EXIT_CODE: '0' }));
    const job = await waitForJob(env.client, ns, 'idx', (j) => condition(j, 'Complete')?.status === 'True', 'Complete', 60_000);
    expect(job.status?.completedIndexes).toBe('0-2');
    const indexes = (await jobPods(env.client, ns, 'idx')).map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    expect(indexes).toEqual(['0', '1', '2']);
  });

  it('fails a Job whose pods keep failing once backoffLimit is passed', async () => {
    const ns = await newNamespace(env.client, 'fake');
    await createJob(env.client, jobObject('bad', ns, { backoffLimit: 1 }, { FAKE_EXIT_CODE: '1' }));
    const job = await waitForJob(env.client, ns, 'bad', (j) => condition(j, 'Failed')?.status === 'True', 'Failed', 60_000);
    expect(condition(job, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    expect(job.status?.failed).toBe(2);
    const pods = await jobPods(env.client, ns, 'bad');
    expect(pods.map((p) => p.status?.phase)).toEqual(['Failed', 'Failed']);
  });

  it('stops a Job past activeDeadlineSeconds, and marks it Failed once its pods are gone', async () => {
    const ns = await newNamespace(env.client, 'fake');
    await createJob(env.client, jobObject('long', ns, { activeDeadlineSeconds: 2, parallelism: 2, completions: 2 }, { FAKE_EXIT_CODE: '0', FAKE_EXIT_AFTER_MS: '600000' }));
    const target = await waitForJob(env.client, ns, 'long', (j) => condition(j, 'FailureTarget')?.status === 'True', 'FailureTarget', 30_000);
    expect(condition(target, 'FailureTarget')?.reason).toBe('DeadlineExceeded');
    const job = await waitForJob(env.client, ns, 'long', (j) => condition(j, 'Failed')?.status === 'True', 'Failed', 60_000);
    expect(condition(job, 'Failed')?.reason).toBe('DeadlineExceeded');
    expect(job.status?.active).toBe(0);
    expect(job.status?.terminating ?? 0).toBe(0);
    // No pod of the Job still runs.
    const running = (await jobPods(env.client, ns, 'long')).filter((p) => p.status?.phase === 'Running' && p.metadata?.deletionTimestamp === undefined);
    expect(running).toHaveLength(0);
  });

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    const ns = await newNamespace(env.client, 'fake');
    await createJob(env.client, jobObject('ttl', ns, { ttlSecondsAfterFinished: 1 }, { FAKE_EXIT_CODE: '0' }));
    await waitForJob(env.client, ns, 'ttl', (j) => condition(j, 'Complete')?.status === 'True', 'Complete', 60_000);
    await waitForJobGone(env.client, ns, 'ttl', 30_000);
  });
});
