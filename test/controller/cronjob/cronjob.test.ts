// The CronJob controller against a real in-process API server, on a clock the test moves
// (context.now). The controller sleeps in real time until the next scheduled time it computed from
// that clock, so after a jump forward the test touches the CronJob (an annotation) to have it look
// again now; one test instead lets real time reach the schedule to show the requeue itself. Jobs
// are finished by writing their status, as the Job controller would.
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CronJobs, Jobs } from '../../../src/client/resource-types.js';
import { cronJobController } from '../../../src/controller/cronjob/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { eventsFor, newNamespace } from '../job/helpers.js';

let env: TestControllers;
let offsetMs = 0;
const now = (): Date => new Date(Date.now() + offsetMs);
let touches = 0;

beforeAll(async () => {
  env = await startTestControllers([cronJobController], { now });
});

afterAll(async () => {
  await env?.stop();
});

const MINUTE = 60_000;
const nextMinute = (ms: number): number => Math.floor(ms / MINUTE) * MINUTE + MINUTE;

function cronJobObject(name: string, namespace: string, spec: Partial<NonNullable<CronJob['spec']>> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace },
    spec: {
      schedule: '* * * * *',
      timeZone: 'Etc/UTC',
      jobTemplate: {
        metadata: { labels: { from: name }, annotations: { note: 'kept' } },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'supernetes.local/busybox:latest' }] } } },
      },
      ...spec,
    },
  };
}

/** Creates the CronJob with the clock at real time, so nothing is due yet; returns its first slot. */
async function create(ns: string, name: string, spec: Partial<NonNullable<CronJob['spec']>> = {}): Promise<{ cj: CronJob; firstSlot: number }> {
  offsetMs = 0;
  const cj = await env.client.create<CronJob>(CronJobs, cronJobObject(name, ns, spec));
  return { cj, firstSlot: nextMinute(Date.parse(cj.metadata?.creationTimestamp ?? '')) };
}

/** Moves the clock to `ms` and has the controller look at the CronJob again. */
async function advanceTo(ns: string, name: string, ms: number): Promise<void> {
  offsetMs = ms - Date.now();
  await env.client.patch(CronJobs, name, ns, { metadata: { annotations: { 'test/touch': String(++touches) } } }, 'merge');
}

async function jobsOf(ns: string): Promise<Job[]> {
  const { items } = await env.client.list<Job>(Jobs, { namespace: ns });
  return items.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

async function waitForJobs(ns: string, test: (jobs: Job[]) => boolean, what: string, timeoutMs = 10_000): Promise<Job[]> {
  let last: Job[] = [];
  try {
    return await waitFor(async () => {
      last = await jobsOf(ns);
      return test(last) ? last : undefined;
    }, { what, timeoutMs, intervalMs: 50 });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; jobs: ${last.map((j) => j.metadata?.name).join(', ')}`);
  }
}

async function waitForCronJob(ns: string, name: string, test: (cj: CronJob) => boolean, what: string): Promise<CronJob> {
  let last: CronJob | undefined;
  try {
    return await waitFor(async () => {
      last = await env.client.get<CronJob>(CronJobs, name, ns);
      return test(last) ? last : undefined;
    }, { what, timeoutMs: 10_000, intervalMs: 50 });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; status: ${JSON.stringify(last?.status)}`);
  }
}

async function waitForEvent(ns: string, name: string, event: string): Promise<string[]> {
  return waitFor(async () => {
    const events = await eventsFor(env.client, ns, name);
    return events.includes(event) ? events : undefined;
  }, { what: `event "${event}"`, timeoutMs: 10_000 });
}

/** Plays the Job controller: the Job finished. */
async function finishJob(job: Job, type: 'Complete' | 'Failed', startedAt: number): Promise<void> {
  const at = new Date(startedAt + 1_000).toISOString().replace(/\.\d+Z$/, 'Z');
  await env.client.patch(Jobs, job.metadata?.name ?? '', job.metadata?.namespace, {
    status: {
      startTime: new Date(startedAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      ...(type === 'Complete' ? { completionTime: at, succeeded: 1 } : { failed: 1 }),
      conditions: [{ type, status: 'True', lastTransitionTime: at, lastProbeTime: at }],
    },
  }, 'merge', { subresource: 'status' });
}

const jobName = (cj: string, slot: number): string => `${cj}-${slot / MINUTE}`;

describe('a CronJob every minute', () => {
  it('starts its Job just after the scheduled time, on its own requeue', async () => {
    const ns = await newNamespace(env.client, 'cj');
    // The clock 1.5 s before a minute boundary, then running at real speed: no touch needed.
    const created = await env.client.create<CronJob>(CronJobs, cronJobObject('tick', ns));
    // The first minute boundary at least 2 s after creation. (nextMinute of a time that is itself a
    // boundary is the one after: a whole slot would then lie between creation and this clock, and
    // the controller rightly started it at once. CI met that once in 60.)
    const firstSlot = Math.ceil((Date.parse(created.metadata?.creationTimestamp ?? '') + 2_000) / MINUTE) * MINUTE;
    offsetMs = firstSlot - 1_500 - Date.now();
    await env.client.patch(CronJobs, 'tick', ns, { metadata: { annotations: { 'test/touch': String(++touches) } } }, 'merge');
    expect(await jobsOf(ns)).toHaveLength(0);
    const [job] = await waitForJobs(ns, (jobs) => jobs.length === 1, 'the Job of the first slot');
    expect(now().getTime()).toBeGreaterThanOrEqual(firstSlot);
    expect(job?.metadata?.name).toBe(jobName('tick', firstSlot));
    expect(job?.metadata?.annotations).toEqual({ note: 'kept', 'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(firstSlot).toISOString().replace('.000Z', 'Z') });
    expect(job?.metadata?.labels).toEqual({ from: 'tick' });
    expect(job?.metadata?.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: created.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    const cj = await waitForCronJob(ns, 'tick', (c) => (c.status?.active ?? []).length === 1, 'one active Job');
    expect(cj.status?.lastScheduleTime).toBe(new Date(firstSlot).toISOString().replace('.000Z', 'Z'));
    expect(cj.status?.active?.[0]).toMatchObject({ kind: 'Job', name: job?.metadata?.name, namespace: ns, uid: job?.metadata?.uid });
    await waitForEvent(ns, 'tick', `SuccessfulCreate: Created job ${jobName('tick', firstSlot)}`);
    await env.client.patch(CronJobs, 'tick', ns, { spec: { suspend: true } }, 'merge');
  });

  it('with Allow runs Jobs side by side and records completions', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { firstSlot } = await create(ns, 'many');
    await new Promise((r) => setTimeout(r, 300));
    expect(await jobsOf(ns)).toHaveLength(0);
    await advanceTo(ns, 'many', firstSlot + 5_000);
    await waitForJobs(ns, (jobs) => jobs.length === 1, 'the first Job');
    await advanceTo(ns, 'many', firstSlot + MINUTE + 5_000);
    const jobs = await waitForJobs(ns, (j) => j.length === 2, 'a second Job beside the first');
    expect(jobs.map((j) => j.metadata?.name)).toEqual([jobName('many', firstSlot), jobName('many', firstSlot + MINUTE)]);
    await waitForCronJob(ns, 'many', (c) => (c.status?.active ?? []).length === 2, 'two active');
    // A touch without a clock move starts nothing new.
    await advanceTo(ns, 'many', firstSlot + MINUTE + 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await jobsOf(ns)).toHaveLength(2);

    await finishJob(jobs[0] as Job, 'Complete', firstSlot);
    const cj = await waitForCronJob(ns, 'many', (c) => (c.status?.active ?? []).length === 1 && c.status?.lastSuccessfulTime !== undefined, 'one left active');
    expect(cj.status?.active?.[0]?.name).toBe(jobName('many', firstSlot + MINUTE));
    expect(cj.status?.lastSuccessfulTime).toBe(new Date(firstSlot + 1_000).toISOString().replace('.000Z', 'Z'));
    await waitForEvent(ns, 'many', `SawCompletedJob: Saw completed job: ${jobName('many', firstSlot)}, condition: Complete`);
    await env.client.patch(CronJobs, 'many', ns, { spec: { suspend: true } }, 'merge');
  });

  it('with Forbid skips a slot while a Job runs, and starts it late once the Job ends', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { firstSlot } = await create(ns, 'one', { concurrencyPolicy: 'Forbid' });
    await advanceTo(ns, 'one', firstSlot + 1_000);
    const [first] = await waitForJobs(ns, (jobs) => jobs.length === 1, 'the first Job');
    await waitForCronJob(ns, 'one', (c) => (c.status?.active ?? []).length === 1, 'one active');
    await advanceTo(ns, 'one', firstSlot + MINUTE + 1_000);
    await waitForEvent(ns, 'one', 'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid');
    expect(await jobsOf(ns)).toHaveLength(1);
    await finishJob(first as Job, 'Complete', firstSlot);
    const jobs = await waitForJobs(ns, (j) => j.length === 2, 'the skipped slot started late');
    expect(jobs[1]?.metadata?.name).toBe(jobName('one', firstSlot + MINUTE));
    await env.client.patch(CronJobs, 'one', ns, { spec: { suspend: true } }, 'merge');
  });

  it('with Replace deletes the running Job and starts the new one', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { firstSlot } = await create(ns, 'swap', { concurrencyPolicy: 'Replace' });
    await advanceTo(ns, 'swap', firstSlot + 1_000);
    await waitForJobs(ns, (jobs) => jobs.length === 1, 'the first Job');
    await waitForCronJob(ns, 'swap', (c) => (c.status?.active ?? []).length === 1, 'one active');
    await advanceTo(ns, 'swap', firstSlot + MINUTE + 1_000);
    const jobs = await waitForJobs(ns, (j) => j.length === 1 && j[0]?.metadata?.name === jobName('swap', firstSlot + MINUTE), 'only the new Job');
    const cj = await waitForCronJob(ns, 'swap', (c) => c.status?.active?.length === 1 && c.status.active[0]?.uid === jobs[0]?.metadata?.uid, 'the new Job active');
    expect(cj.status?.lastScheduleTime).toBe(new Date(firstSlot + MINUTE).toISOString().replace('.000Z', 'Z'));
    await waitForEvent(ns, 'swap', `SuccessfulDelete: Deleted job ${jobName('swap', firstSlot)}`);
    await env.client.patch(CronJobs, 'swap', ns, { spec: { suspend: true } }, 'merge');
  });

  it('keeps successfulJobsHistoryLimit and failedJobsHistoryLimit', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { firstSlot } = await create(ns, 'hist', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 });
    const slots = [0, 1, 2, 3, 4, 5].map((i) => firstSlot + i * MINUTE);
    for (const [i, slot] of slots.entries()) {
      await advanceTo(ns, 'hist', slot + 1_000);
      const jobs = await waitForJobs(ns, (js) => js.some((j) => j.metadata?.name === jobName('hist', slot)), `the Job of slot ${i}`);
      // Four successes, then two failures.
      await finishJob(jobs.find((j) => j.metadata?.name === jobName('hist', slot)) as Job, i < 4 ? 'Complete' : 'Failed', slot);
    }
    const kept = await waitForJobs(ns, (js) => js.length === 3, 'two successful and one failed Job left');
    expect(kept.map((j) => j.metadata?.name)).toEqual([jobName('hist', slots[2] as number), jobName('hist', slots[3] as number), jobName('hist', slots[5] as number)]);
    const events = await waitForEvent(ns, 'hist', `SuccessfulDelete: Deleted job ${jobName('hist', slots[4] as number)}`);
    expect(events).toContain(`SuccessfulDelete: Deleted job ${jobName('hist', slots[0] as number)}`);
    expect(events).toContain(`SuccessfulDelete: Deleted job ${jobName('hist', slots[1] as number)}`);
    await env.client.patch(CronJobs, 'hist', ns, { spec: { suspend: true } }, 'merge');
  });
});

describe('missed schedules', () => {
  it('starts only the most recent missed slot, and warns past 100 missed', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { firstSlot } = await create(ns, 'late');
    // Three hours late: 180 slots missed; one Job, for the latest.
    const latest = firstSlot + 180 * MINUTE;
    await advanceTo(ns, 'late', latest + 30_000);
    const jobs = await waitForJobs(ns, (js) => js.length === 1, 'one Job for the latest slot');
    expect(jobs[0]?.metadata?.name).toBe(jobName('late', latest));
    await waitForEvent(ns, 'late', 'TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    await env.client.patch(CronJobs, 'late', ns, { spec: { suspend: true } }, 'merge');
  });

  it('with startingDeadlineSeconds does not start a slot older than the deadline', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { firstSlot } = await create(ns, 'strict', { startingDeadlineSeconds: 10 });
    await advanceTo(ns, 'strict', firstSlot + 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await jobsOf(ns)).toHaveLength(0);
    await advanceTo(ns, 'strict', firstSlot + MINUTE + 5_000);
    const jobs = await waitForJobs(ns, (js) => js.length === 1, 'the Job of the next slot, within the deadline');
    expect(jobs[0]?.metadata?.name).toBe(jobName('strict', firstSlot + MINUTE));
    await env.client.patch(CronJobs, 'strict', ns, { spec: { suspend: true } }, 'merge');
  });

  it('starts nothing while suspended and the missed slot on resume', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { firstSlot } = await create(ns, 'paused', { suspend: true });
    await advanceTo(ns, 'paused', firstSlot + 1_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await jobsOf(ns)).toHaveLength(0);
    await env.client.patch(CronJobs, 'paused', ns, { spec: { suspend: false } }, 'merge');
    const jobs = await waitForJobs(ns, (js) => js.length === 1, 'the Job on resume');
    expect(jobs[0]?.metadata?.name).toBe(jobName('paused', firstSlot));
    await env.client.patch(CronJobs, 'paused', ns, { spec: { suspend: true } }, 'merge');
  });
});

describe('restarts and bad specs', () => {
  it('after a restart between creating a Job and writing status, starts nothing twice', async () => {
    const ns = await newNamespace(env.client, 'cj');
    const { cj, firstSlot } = await create(ns, 'crash', { concurrencyPolicy: 'Forbid' });
    // What a controller killed right after its create leaves behind: the Job, and no status.
    await env.stopControllers();
    const orphaned = await env.client.create<Job>(Jobs, {
      metadata: {
        name: jobName('crash', firstSlot),
        namespace: ns,
        annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(firstSlot).toISOString().replace('.000Z', 'Z') },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'crash', uid: cj.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: structuredClone(cj.spec?.jobTemplate.spec),
    });
    offsetMs = firstSlot + MINUTE + 1_000 - Date.now();
    await env.restartControllers();
    const back = await waitForCronJob(ns, 'crash', (c) => c.status?.active?.[0]?.uid === orphaned.metadata?.uid, 'the Job back in active');
    expect(back.status?.lastScheduleTime).toBe(new Date(firstSlot).toISOString().replace('.000Z', 'Z'));
    // Forbid holds: the next slot is not started beside it.
    await waitForEvent(ns, 'crash', 'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid');
    expect(await jobsOf(ns)).toHaveLength(1);
    await env.client.patch(CronJobs, 'crash', ns, { spec: { suspend: true } }, 'merge');
  });

  it('reports an unknown time zone and an unparseable schedule', async () => {
    const ns = await newNamespace(env.client, 'cj');
    await create(ns, 'zone', { timeZone: 'Mars/Olympus' });
    await waitForEvent(ns, 'zone', 'UnknownTimeZone: invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus');
    await create(ns, 'bad', { schedule: '0 0 L * *' });
    const events = await waitFor(async () => {
      const e = await eventsFor(env.client, ns, 'bad');
      return e.some((x) => x.startsWith('UnparseableSchedule: unparseable schedule: "0 0 L * *" : ')) ? e : undefined;
    }, { what: 'UnparseableSchedule' });
    expect(events.length).toBeGreaterThan(0);
    expect(await jobsOf(ns)).toHaveLength(0);
  });
});
