// Jobs and CronJobs on the real Docker daemon with every SuperController controller running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { CronJobs, Jobs, Pods } from '../../src/client/resource-types.js';
import { allControllers } from '../../src/controller/all-controllers.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startTestControllers, type TestControllers } from '../support/controllers.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;
let controllers: TestControllers;
const watching = new AbortController();
let maxActive = 0;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
  controllers = await startTestControllers(allControllers(), { plane: cluster.plane });
  // Pods of the job "count" that are neither finished nor deleted, on every watch event.
  void (async () => {
    const active = new Set<string>();
    for await (const event of cluster.client.watch<Pod>(Pods, { namespace: 'default', labelSelector: 'job-name=count', signal: watching.signal })) {
      const pod = event.object;
      const uid = pod.metadata?.uid ?? '';
      const done = event.type === 'DELETED' || pod.metadata?.deletionTimestamp !== undefined || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      if (done) active.delete(uid);
      else active.add(uid);
      maxActive = Math.max(maxActive, active.size);
    }
  })().catch(() => undefined);
});

afterAll(async () => {
  watching.abort();
  await controllers?.stop();
  await cluster?.stop();
});

describe('Jobs and CronJobs on Docker', { timeout: 300_000 }, () => {
  it('completes a Job with completions 3 and parallelism 2, never more than 2 pods at once', async () => {
    await cluster.kubectl.ok(['apply', '-f', '-'], `
apiVersion: batch/v1
kind: Job
metadata: {name: count}
spec:
  completions: 3
  parallelism: 2
  template:
    metadata: {labels: {job-name: count}}
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - {name: work, image: supernetes.local/busybox:latest, command: ["sh", "-c", "sleep 1; echo done"]}
`);
    await cluster.kubectl.ok(['wait', '--for=condition=complete', 'job/count', '--timeout=240s']);
    const job = await cluster.client.get<Job>(Jobs, 'count', 'default');
    expect(job.status?.succeeded).toBe(3);
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(maxActive).toBeGreaterThan(0);
    const pods = (await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'job-name=count' })).items;
    expect(pods.filter((p) => p.status?.phase === 'Succeeded')).toHaveLength(3);
    expect(await cluster.kubectl.ok(['logs', pods[0]!.metadata!.name!])).toBe('done\n');
  });

  it('runs a CronJob every minute and keeps only successfulJobsHistoryLimit finished jobs', async () => {
    await cluster.kubectl.ok(['apply', '-f', '-'], `
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - {name: tick, image: supernetes.local/busybox:latest, command: ["echo", "tick"]}
`);
    const seen = new Set<string>();
    await waitFor(async () => {
      const jobs = (await cluster.client.list<Job>(Jobs, { namespace: 'default' })).items.filter((j) => j.metadata?.ownerReferences?.some((o) => o.name === 'tick'));
      for (const job of jobs) seen.add(job.metadata!.name!);
      const cron = await cluster.client.get<CronJob>(CronJobs, 'tick', 'default');
      // Two scheduled runs have finished, and the first one's Job was cleaned away.
      return seen.size >= 2 && jobs.length === 1 && jobs[0]?.status?.succeeded === 1 && cron.status?.lastSuccessfulTime !== undefined;
    }, { what: 'two runs of the CronJob, the older one cleaned up', timeoutMs: 200_000, intervalMs: 1000 });
    for (const name of seen) expect(name).toMatch(/^tick-\d+$/);
  });
});
