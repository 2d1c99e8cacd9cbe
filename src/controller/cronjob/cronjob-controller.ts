// The CronJob controller (upstream cronjob controller v2): for each CronJob, reconcile
// status.active with its Jobs, then, unless suspended, start the Job of the most recent scheduled
// time not yet started (named after that time, so a retry or a restart can never start it twice),
// honouring startingDeadlineSeconds and the concurrency policy, trim finished Jobs to the history
// limits, and sleep until just after the next scheduled time. All times come from context.now().
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { isAlreadyExists, isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { CronJobs, Jobs } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { timestamp } from '../job/conditions.js';
import { QueueController } from '../queue-controller.js';
import {
  cleanupFinishedJobs,
  controllerRefOf,
  deleteFromActiveList,
  deleteJob,
  finishedType,
  inActiveList,
  jobFromTemplate,
  referenceTo,
  SCHEDULED_TIMESTAMP_ANNOTATION,
} from './cronjob-jobs.js';
import { isValidTimeZone, parseSchedule, type Schedule } from './schedule.js';
import { jobNameFor, nextScheduleDelayMs, nextScheduleTime } from './schedule-times.js';

interface SyncResult {
  requeueAfterMs?: number;
  updateStatus: boolean;
  error?: Error;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class CronJobController extends QueueController {
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;

  constructor(context: ControllerContext) {
    super('cronjob-controller', context, { workers: 5 });
    this.cronJobs = context.informers.for<CronJob>(CronJobs);
    this.jobs = context.informers.for<Job>(Jobs);
    this.cronJobs.onAdd((cj) => this.enqueue(cj));
    this.cronJobs.onUpdate((_, cj) => this.enqueue(cj));
    this.jobs.onAdd((job) => this.enqueueOwner(job));
    this.jobs.onUpdate((old, job) => {
      if (controllerRefOf(old)?.uid !== controllerRefOf(job)?.uid) this.enqueueOwner(old);
      this.enqueueOwner(job);
    });
    this.jobs.onDelete((job) => this.enqueueOwner(job));
  }

  private enqueueOwner(job: Readonly<Job>): void {
    const ref = controllerRefOf(job);
    if (ref === undefined || ref.kind !== 'CronJob' || ref.apiVersion.split('/')[0] !== 'batch') return;
    const key = `${job.metadata?.namespace ?? ''}/${ref.name}`;
    if (this.cronJobs.get(key)?.metadata?.uid === ref.uid) this.queue.add(key);
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.cronJobs.get(key);
    if (cached === undefined) return;
    const cj = structuredClone(cached) as CronJob;
    cj.status ??= {};
    const uid = cj.metadata?.uid ?? '';
    const jobs = this.jobs.byIndex('namespace', cj.metadata?.namespace ?? '').filter((job) => controllerRefOf(job)?.uid === uid);

    let sync: SyncResult;
    try {
      sync = await this.sync(cj, jobs);
    } catch (error) {
      sync = { updateStatus: false, error: toError(error) };
    }
    const cleaned = await cleanupFinishedJobs(this.context, cj, jobs);
    if (sync.updateStatus || cleaned) {
      if (cj.status.active?.length === 0) delete cj.status.active;
      await this.context.client.update<CronJob>(CronJobs, cj, { subresource: 'status' });
    }
    if (sync.requeueAfterMs !== undefined) return { requeueAfterMs: sync.requeueAfterMs };
    if (sync.error !== undefined) throw sync.error;
  }

  private async sync(cj: CronJob, jobs: readonly Readonly<Job>[]): Promise<SyncResult> {
    const { recorder } = this.context;
    const now = this.context.now();
    let updateStatus = this.reconcileActive(cj, jobs);
    if (await this.dropMissingJobs(cj, jobs)) updateStatus = true;

    if (cj.metadata?.deletionTimestamp !== undefined) return { updateStatus };
    const zone = cj.spec?.timeZone ?? undefined;
    if (zone !== undefined && !isValidTimeZone(zone)) {
      recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${zone}": unknown time zone ${zone}`);
      return { updateStatus };
    }
    if (cj.spec?.suspend === true) return { updateStatus };

    const spec = cj.spec?.schedule ?? '';
    if (spec.includes('TZ')) {
      recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule "${spec}" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    let schedule: Schedule;
    try {
      schedule = parseSchedule(spec, zone);
    } catch (error) {
      // A user error: nothing to do until the spec changes.
      recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec}" : ${error instanceof Error ? error.message : String(error)}`);
      return { updateStatus };
    }
    let next: ReturnType<typeof nextScheduleTime>;
    try {
      next = nextScheduleTime(cj, now, schedule);
    } catch (error) {
      recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${spec} : ${error instanceof Error ? error.message : String(error)}`);
      return { updateStatus };
    }
    if (next.missed === 'many') {
      recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const later = (): SyncResult => ({ updateStatus, requeueAfterMs: nextScheduleDelayMs(cj, now, schedule) });
    const scheduled = next.scheduled;
    if (scheduled === undefined) return later();

    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduled.getTime() + deadline * 1000 < now.getTime()) {
      recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return later();
    }
    const name = jobNameFor(cj.metadata?.name ?? '', scheduled);
    const lastSchedule = cj.status?.lastScheduleTime;
    if ((cj.status?.active ?? []).some((ref) => ref.name === name) || (lastSchedule !== undefined && Date.parse(lastSchedule) === scheduled.getTime())) {
      return later();
    }
    if (cj.spec?.concurrencyPolicy === 'Forbid' && (cj.status?.active ?? []).length > 0) {
      recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return later();
    }
    if (cj.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of [...(cj.status?.active ?? [])]) {
        let job: Job;
        try {
          job = await this.context.client.get<Job>(Jobs, ref.name ?? '', ref.namespace ?? cj.metadata?.namespace);
        } catch (error) {
          recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${error instanceof Error ? error.message : String(error)}`);
          return { updateStatus, error: toError(error) };
        }
        if (!(await deleteJob(this.context, cj, job))) return { updateStatus, error: new Error(`could not replace job ${ref.namespace ?? ''}/${ref.name ?? ''}`) };
        updateStatus = true;
      }
    }

    const created = await this.createJob(cj, scheduled);
    if (created instanceof Error) return { updateStatus, error: created };
    if (created !== undefined && !inActiveList(cj, created.metadata?.uid ?? '') && finishedType(created) === undefined) {
      cj.status = { ...cj.status, active: [...(cj.status?.active ?? []), referenceTo(created)] };
    }
    cj.status = { ...cj.status, lastScheduleTime: timestamp(scheduled) };
    return { updateStatus: true, requeueAfterMs: nextScheduleDelayMs(cj, now, schedule) };
  }

  /**
   * Creates the Job for the scheduled time. One that already exists and is ours was created by an
   * earlier run that stopped before writing status: it is adopted as this time's Job, not retried.
   */
  private async createJob(cj: CronJob, scheduled: Date): Promise<Job | Error | undefined> {
    const { client, recorder } = this.context;
    const request = jobFromTemplate(cj, scheduled);
    try {
      const job = await client.create<Job>(Jobs, request);
      recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata?.name ?? ''}`);
      return job;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      if (isAlreadyExists(error)) {
        const existing = await client.get<Job>(Jobs, request.metadata?.name ?? '', request.metadata?.namespace);
        if (controllerRefOf(existing)?.uid === cj.metadata?.uid) return existing;
        // Someone else's Job holds the name: as upstream, leave it and try again later.
        return err;
      }
      if (!/because it is being terminated/.test(err.message)) recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err.message}`);
      return err;
    }
  }

  /** Moves finished Jobs out of status.active and records the latest success; returns whether status changed. */
  private reconcileActive(cj: CronJob, jobs: readonly Readonly<Job>[]): boolean {
    let changed = false;
    for (const job of jobs) {
      const uid = job.metadata?.uid ?? '';
      const found = inActiveList(cj, uid);
      const finished = finishedType(job);
      if (!found && finished === undefined) {
        // Ours and running but not in status: a run that stopped between creating the Job and
        // writing status, or a cache older than the Job's. Upstream only warns; taking the Job
        // back into active (and its time as the last schedule) keeps Forbid and Replace true and
        // the time from being started again. A stale cache just makes the status write conflict.
        const scheduledAt = Date.parse(job.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION] ?? '');
        if (Number.isNaN(scheduledAt)) {
          this.context.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata?.name ?? ''}`);
        } else {
          const last = Date.parse(cj.status?.lastScheduleTime ?? '');
          if (Number.isNaN(last) || scheduledAt > last) cj.status = { ...cj.status, lastScheduleTime: timestamp(new Date(scheduledAt)) };
        }
        cj.status = { ...cj.status, active: [...(cj.status?.active ?? []), referenceTo(job)] };
        changed = true;
      } else if (found && finished !== undefined) {
        deleteFromActiveList(cj, uid);
        this.context.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name ?? ''}, condition: ${finished}`);
        changed = true;
      }
      // Finished Jobs need not be in active: the latest completion is what counts.
      const completion = finished === 'Complete' ? job.status?.completionTime : undefined;
      const last = cj.status?.lastSuccessfulTime;
      if (completion !== undefined && (last === undefined || Date.parse(completion) > Date.parse(last))) {
        cj.status = { ...cj.status, lastSuccessfulTime: completion };
        changed = true;
      }
    }
    return changed;
  }

  /** Drops active references to Jobs that no longer exist (checked against the API server, not only the cache). */
  private async dropMissingJobs(cj: CronJob, jobs: readonly Readonly<Job>[]): Promise<boolean> {
    const children = new Set(jobs.map((j) => j.metadata?.uid ?? ''));
    let changed = false;
    for (const ref of [...(cj.status?.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        const job = await this.context.client.get<Job>(Jobs, ref.name ?? '', ref.namespace ?? cj.metadata?.namespace);
        // A Job of that name but another uid is not the one we started.
        if (job.metadata?.uid === ref.uid) continue;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      this.context.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
      deleteFromActiveList(cj, ref.uid ?? '');
      changed = true;
    }
    return changed;
  }
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

