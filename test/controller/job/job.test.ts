// The Job controller against a real in-process API server. No superlet: the test plays it, writing
// each pod's phase through pods/status, so every step is under the test's control.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Jobs, Pods } from '../../../src/client/resource-types.js';
import { jobControllerWith, ttlAfterFinishedController } from '../../../src/controller/job/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { condition, createJob, eventsFor, finishPod, isActivePod, jobObject, jobPods, newNamespace, waitForJob, waitForJobGone } from './helpers.js';

const BACKOFF_MS = 1_500;
let env: TestControllers;

beforeAll(async () => {
  env = await startTestControllers([jobControllerWith({ podFailureBackoffMs: BACKOFF_MS }), ttlAfterFinishedController]);
});

afterAll(async () => {
  await env?.stop();
});

/** Waits until the Job has exactly `n` active pods and returns them. */
async function activePods(ns: string, job: string, n: number): Promise<Pod[]> {
  return waitFor(async () => {
    const active = (await jobPods(env.client, ns, job)).filter(isActivePod);
    return active.length === n ? active : undefined;
  }, { what: `${n} active pods of ${job}`, timeoutMs: 15_000 });
}

describe('a NonIndexed Job', () => {
  it('runs completions 3 with parallelism 2, never more than 2 at once, and completes', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('work', ns, { completions: 3, parallelism: 2 }));
    let maxActive = 0;
    for (let done = 0; done < 3; done++) {
      const want = Math.min(2, 3 - done);
      const active = await activePods(ns, 'work', want);
      // Let a sync that would over-create have its chance before counting.
      await new Promise((r) => setTimeout(r, 200));
      maxActive = Math.max(maxActive, (await jobPods(env.client, ns, 'work')).filter(isActivePod).length);
      await finishPod(env.client, active[0] as Pod, 'Succeeded');
    }
    const job = await waitForJob(env.client, ns, 'work', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    expect(maxActive).toBe(2);
    expect(job.status?.succeeded).toBe(3);
    expect(job.status?.active).toBe(0);
    expect(job.status?.failed).toBe(0);
    expect(job.status?.completionTime).toBeDefined();
    expect(job.status?.startTime).toBeDefined();
    expect(condition(job, 'SuccessCriteriaMet')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(condition(job, 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    const pods = await jobPods(env.client, ns, 'work');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(/^work-[a-z0-9]{5}$/);
      expect(pod.metadata?.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid: job.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      expect(pod.metadata?.labels).toMatchObject({ app: 'work', 'batch.kubernetes.io/controller-uid': job.metadata?.uid, 'controller-uid': job.metadata?.uid, 'job-name': 'work' });
      expect(pod.spec?.restartPolicy).toBe('Never');
    }
    await waitFor(async () => (await eventsFor(env.client, ns, 'work')).includes('Completed: Job completed'), { what: 'the Completed event' });
    const events = await eventsFor(env.client, ns, 'work');
    expect(events.filter((e) => e.startsWith('SuccessfulCreate: Created pod: work-'))).toHaveLength(3);
  });

  it('survives a controller restart without creating pods twice', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('steady', ns, { completions: 4, parallelism: 2 }));
    await activePods(ns, 'steady', 2);
    await env.stopControllers();
    await env.restartControllers();
    // The new controller lists the two pods and creates none.
    await new Promise((r) => setTimeout(r, 500));
    expect(await jobPods(env.client, ns, 'steady')).toHaveLength(2);
    const [first] = await activePods(ns, 'steady', 2);
    await finishPod(env.client, first as Pod, 'Succeeded');
    await waitForJob(env.client, ns, 'steady', (j) => j.status?.succeeded === 1 && j.status.active === 2, 'one succeeded, two active');
    expect(await jobPods(env.client, ns, 'steady')).toHaveLength(3);
  });
});

describe('pods the Job did not create', () => {
  it('adopts a matching orphan instead of creating a pod, and releases a pod relabelled away', async () => {
    const ns = await newNamespace(env.client, 'job');
    const orphan = await env.client.create<Pod>(Pods, {
      metadata: { name: 'stray', namespace: ns, labels: { app: 'adopter' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'supernetes.local/busybox:latest' }] },
    });
    const job = await createJob(env.client, { ...jobObject('adopter', ns, { manualSelector: true, selector: { matchLabels: { app: 'adopter' } } }) });
    const adopted = await waitFor(async () => {
      const pod = await env.client.get<Pod>(Pods, 'stray', ns);
      return pod.metadata?.ownerReferences?.[0]?.uid === job.metadata?.uid ? pod : undefined;
    }, { what: 'the orphan adopted' });
    expect(adopted.metadata?.uid).toBe(orphan.metadata?.uid);
    expect(adopted.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'adopter', controller: true, blockOwnerDeletion: true });
    await waitForJob(env.client, ns, 'adopter', (j) => j.status?.active === 1, 'the adopted pod active');
    expect((await env.client.list<Pod>(Pods, { namespace: ns })).items).toHaveLength(1);
    // Relabelled out of the selector: released, and a replacement made.
    await env.client.patch(Pods, 'stray', ns, { metadata: { labels: { app: 'elsewhere' } } }, 'merge');
    await waitFor(async () => ((await env.client.get<Pod>(Pods, 'stray', ns)).metadata?.ownerReferences ?? []).length === 0, { what: 'the pod released' });
    await waitFor(async () => (await env.client.list<Pod>(Pods, { namespace: ns, labelSelector: 'app=adopter' })).items.length === 1, { what: 'a replacement pod' });
  });
});

describe('an Indexed Job', () => {
  it('gives each pod its index and reports completed indexes as ranges', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('idx', ns, { completions: 4, parallelism: 4, completionMode: 'Indexed' }));
    const pods = await activePods(ns, 'idx', 4);
    const byIndex = new Map(pods.map((p) => [p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    expect([...byIndex.keys()].sort()).toEqual(['0', '1', '2', '3']);
    for (const [index, pod] of byIndex) {
      expect(pod.metadata?.name).toMatch(new RegExp(`^idx-${index}-[a-z0-9]{5}$`));
      expect(pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe(index);
      expect(pod.spec?.hostname).toBe(`idx-${index}`);
      const indexEnv = pod.spec?.containers[0]?.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX');
      expect(indexEnv?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }
    await finishPod(env.client, byIndex.get('1') as Pod, 'Succeeded');
    await waitForJob(env.client, ns, 'idx', (j) => j.status?.completedIndexes === '1', 'completedIndexes "1"');
    // A failed index gets a new pod with the same index.
    await finishPod(env.client, byIndex.get('2') as Pod, 'Failed');
    const replaced = await waitFor(async () => {
      const active = (await jobPods(env.client, ns, 'idx')).filter(isActivePod);
      const two = active.find((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] === '2');
      return active.length === 3 && two !== undefined ? two : undefined;
    }, { what: 'a new pod for index 2', timeoutMs: 15_000 });
    await finishPod(env.client, byIndex.get('3') as Pod, 'Succeeded');
    await waitForJob(env.client, ns, 'idx', (j) => j.status?.completedIndexes === '1,3', 'completedIndexes "1,3"');
    await finishPod(env.client, byIndex.get('0') as Pod, 'Succeeded');
    await finishPod(env.client, replaced, 'Succeeded');
    const job = await waitForJob(env.client, ns, 'idx', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    expect(job.status?.completedIndexes).toBe('0-3');
    expect(job.status?.succeeded).toBe(4);
    expect(job.status?.failed).toBe(1);
  });
});

describe('failures', () => {
  it('backs off after a failure and fails the Job past backoffLimit', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('flaky', ns, { backoffLimit: 1 }));
    const [first] = await activePods(ns, 'flaky', 1);
    await finishPod(env.client, first as Pod, 'Failed');
    const failedAt = Date.now();
    const [second] = await activePods(ns, 'flaky', 1);
    // The replacement waited out the back-off, counted from the failure's finish time.
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(BACKOFF_MS - 200);
    await waitForJob(env.client, ns, 'flaky', (j) => j.status?.failed === 1 && j.status.active === 1, 'failed 1, active 1');
    await finishPod(env.client, second as Pod, 'Failed');
    const job = await waitForJob(env.client, ns, 'flaky', (j) => condition(j, 'Failed')?.status === 'True', 'Failed');
    expect(condition(job, 'FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(condition(job, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(job.status?.failed).toBe(2);
    expect(job.status?.completionTime).toBeUndefined();
    await waitFor(async () => (await eventsFor(env.client, ns, 'flaky')).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'), { what: 'the BackoffLimitExceeded event' });
    // No third pod.
    expect(await jobPods(env.client, ns, 'flaky')).toHaveLength(2);
  });

  it('fails a Job past activeDeadlineSeconds and deletes its pods', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('slow', ns, { activeDeadlineSeconds: 2, parallelism: 2, completions: 2 }));
    await activePods(ns, 'slow', 2);
    const job = await waitForJob(env.client, ns, 'slow', (j) => condition(j, 'Failed')?.status === 'True', 'Failed', 15_000);
    expect(condition(job, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    const failedAt = job.status?.conditions?.find((c) => c.type === 'Failed')?.lastTransitionTime ?? '';
    expect(Date.parse(failedAt) - Date.parse(job.status?.startTime ?? '')).toBeGreaterThanOrEqual(2_000);
    // The active pods were deleted and count as failed, as upstream.
    expect(await jobPods(env.client, ns, 'slow')).toHaveLength(0);
    expect(job.status?.failed).toBe(2);
    expect(job.status?.active).toBe(0);
    const events = await waitFor(async () => {
      const e = await eventsFor(env.client, ns, 'slow');
      return e.includes('DeadlineExceeded: Job was active longer than specified deadline') ? e : undefined;
    }, { what: 'the DeadlineExceeded event' });
    expect(events.filter((e) => e.startsWith('SuccessfulDelete: Deleted pod: slow-'))).toHaveLength(2);
  });
});

describe('suspend', () => {
  it('creates no pods while suspended, starts on resume, deletes them when suspended again', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('sus', ns, { suspend: true, parallelism: 2, completions: 2 }));
    let job = await waitForJob(env.client, ns, 'sus', (j) => condition(j, 'Suspended')?.status === 'True', 'Suspended');
    expect(condition(job, 'Suspended')).toMatchObject({ reason: 'JobSuspended', message: 'Job suspended' });
    expect(job.status?.startTime).toBeUndefined();
    expect(await jobPods(env.client, ns, 'sus')).toHaveLength(0);

    await env.client.patch(Jobs, 'sus', ns, { spec: { suspend: false } }, 'merge');
    await activePods(ns, 'sus', 2);
    job = await waitForJob(env.client, ns, 'sus', (j) => condition(j, 'Suspended')?.status === 'False' && j.status?.active === 2, 'resumed');
    expect(condition(job, 'Suspended')).toMatchObject({ reason: 'JobResumed', message: 'Job resumed' });
    expect(job.status?.startTime).toBeDefined();

    await env.client.patch(Jobs, 'sus', ns, { spec: { suspend: true } }, 'merge');
    job = await waitForJob(env.client, ns, 'sus', (j) => condition(j, 'Suspended')?.status === 'True' && j.status?.active === 0, 'suspended again');
    expect(await jobPods(env.client, ns, 'sus')).toHaveLength(0);
    expect(job.status?.failed ?? 0).toBe(0);
    const events = await waitFor(async () => {
      const e = await eventsFor(env.client, ns, 'sus');
      return e.filter((x) => x === 'Suspended: Job suspended').length === 1 && e.includes('Resumed: Job resumed') ? e : undefined;
    }, { what: 'Suspended and Resumed events' });
    expect(events.filter((e) => e.startsWith('SuccessfulDelete: Deleted pod: sus-'))).toHaveLength(2);
  });
});

describe('ttlSecondsAfterFinished', () => {
  it('deletes a finished Job once its TTL has passed', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('brief', ns, { ttlSecondsAfterFinished: 1 }));
    const [pod] = await activePods(ns, 'brief', 1);
    await finishPod(env.client, pod as Pod, 'Succeeded');
    const job = await waitForJob(env.client, ns, 'brief', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    const finishedAt = Date.parse(job.status?.completionTime ?? '');
    await waitForJobGone(env.client, ns, 'brief', 15_000);
    // Not before the TTL (timestamps have whole seconds).
    expect(Date.now()).toBeGreaterThanOrEqual(finishedAt + 1_000);
  });

  it('leaves a finished Job without a TTL alone', async () => {
    const ns = await newNamespace(env.client, 'job');
    await createJob(env.client, jobObject('keep', ns, {}));
    const [pod] = await activePods(ns, 'keep', 1);
    await finishPod(env.client, pod as Pod, 'Succeeded');
    await waitForJob(env.client, ns, 'keep', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    await new Promise((r) => setTimeout(r, 1_500));
    await waitForJob(env.client, ns, 'keep', () => true, 'still there');
  });
});
