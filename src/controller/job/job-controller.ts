// The Job controller (upstream pkg/controller/job, syncJob): runs a Job's pods to completion.
// Every sync recounts the Job from its pods (the legacy tracking, without the job-tracking
// finalizer: a finished pod counts while it exists, and the counters in status never go down, so a
// pod deleted after it finished is not forgotten), decides whether the Job succeeded, failed or is
// past its deadline, and otherwise creates or deletes pods as parallelism, completions, the
// completion mode, suspend and the pod-failure back-off say. As upstream since 1.31, the terminal
// Complete / Failed conditions come after the interim SuccessCriteriaMet / FailureTarget ones, once
// no pod of the Job is left terminating.
import type { Job, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Informer } from '../../client/informer.js';
import { Jobs } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { UIDTrackingControllerExpectations } from '../expectations.js';
import { QueueController } from '../queue-controller.js';
import { backoffRecordOf, DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS, remainingBackoffMs } from './backoff.js';
import {
  ensureCondition,
  findCondition,
  isJobFinished,
  MESSAGE_BACKOFF_LIMIT_EXCEEDED,
  MESSAGE_COMPLETIONS_REACHED,
  MESSAGE_DEADLINE_EXCEEDED,
  newCondition,
  REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED,
  timestamp,
} from './conditions.js';
import { completionIndexOf, formatIndexes, parseIndexes, totalOf, withIndexes, type OrderedIntervals } from './indexes.js';
import { JobPods } from './job-pod-informer.js';
import { JobPodControl } from './pod-control.js';
import { isActive, isReady, isTerminating } from './pod-state.js';
import { isIndexed, planPods } from './plan.js';

export interface JobControllerOptions {
  /** The first pod-failure back-off (default 10 s; tests shorten it). It doubles per failure in a row. */
  readonly podFailureBackoffMs?: number;
  /** The back-off cap (default 6 min). */
  readonly maxPodFailureBackoffMs?: number;
  /** Jobs synced at once (upstream --concurrent-job-syncs, default 5). */
  readonly workers?: number;
}

/** What one sync learned from the Job's pods. */
interface Counts {
  readonly pods: readonly Readonly<Pod>[];
  readonly active: readonly Readonly<Pod>[];
  readonly terminating: number;
  readonly ready: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly succeededIndexes?: OrderedIntervals;
}

/** The interim condition a finishing Job carries, and the terminal one it leads to. */
interface Finishing {
  readonly type: 'SuccessCriteriaMet' | 'FailureTarget';
  readonly reason: string;
  readonly message: string;
}

export class JobController extends QueueController {
  private readonly jobs: Informer<Job>;
  private readonly pods: JobPods;
  private readonly expectations = new UIDTrackingControllerExpectations();
  private readonly podControl: JobPodControl;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;

  constructor(context: ControllerContext, options: JobControllerOptions = {}) {
    super('job-controller', context, { workers: options.workers ?? 5 });
    this.backoffBaseMs = options.podFailureBackoffMs ?? DEFAULT_POD_FAILURE_BACKOFF_MS;
    this.backoffMaxMs = options.maxPodFailureBackoffMs ?? MAX_POD_FAILURE_BACKOFF_MS;
    this.podControl = new JobPodControl(context, this.expectations);
    this.jobs = context.informers.for<Job>(Jobs);
    this.jobs.onAdd((job) => this.enqueue(job));
    this.jobs.onUpdate((_, job) => this.enqueue(job));
    this.jobs.onDelete((job) => this.enqueue(job));
    this.pods = new JobPods({ informers: context.informers, jobs: this.jobs, expectations: this.expectations, enqueue: (key) => this.queue.add(key) });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.jobs.get(key);
    if (cached === undefined) {
      this.expectations.deleteExpectations(key);
      return;
    }
    // A finished Job is left alone; the TTL-after-finished controller may delete it.
    if (isJobFinished(cached)) return;
    if (!this.isOurs(cached, key)) return;
    const job = structuredClone(cached) as Job;
    const status: JobStatus = { ...(job.status ?? {}) };
    const now = this.context.now();
    const satisfied = this.expectations.satisfiedExpectations(key);
    const pods = await this.pods.claim(job, this.context.client);
    const counts = this.count(job, pods);
    const suspended = job.spec?.suspend === true;
    let requeueAfterMs: number | undefined;
    const requeue = (ms: number): void => {
      requeueAfterMs = Math.max(0, Math.min(requeueAfterMs ?? Infinity, ms));
    };

    if (status.startTime === undefined && !suspended) status.startTime = timestamp(now);

    let finishing = this.finishingFrom(job);
    let failed = counts.failed;
    if (finishing === undefined) {
      if (failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, counts.pods)) {
        finishing = { type: 'FailureTarget', reason: REASON_BACKOFF_LIMIT_EXCEEDED, message: MESSAGE_BACKOFF_LIMIT_EXCEEDED };
      } else if (this.pastActiveDeadline(job, status, now)) {
        finishing = { type: 'FailureTarget', reason: REASON_DEADLINE_EXCEEDED, message: MESSAGE_DEADLINE_EXCEEDED };
      } else if (job.spec?.activeDeadlineSeconds !== undefined && !suspended && status.startTime !== undefined) {
        requeue(job.spec.activeDeadlineSeconds * 1000 - (now.getTime() - Date.parse(status.startTime)));
      }
    }

    let active = counts.active.length;
    let ready = counts.ready;
    let terminating = counts.terminating;
    let conditions = [...(status.conditions ?? [])];
    let writeError: Error | undefined;
    let suspendEvent: [string, string] | undefined;

    if (finishing === undefined) {
      let managed = false;
      if (satisfied && job.metadata?.deletionTimestamp === undefined) {
        managed = true;
        const plan = planPods({
          job,
          active: counts.active,
          terminating: counts.terminating,
          succeeded: counts.succeeded,
          ...(counts.succeededIndexes === undefined ? {} : { succeededIndexes: counts.succeededIndexes }),
          backoffRemainingMs: remainingBackoffMs(backoffRecordOf(counts.pods), now.getTime(), this.backoffBaseMs, this.backoffMaxMs),
        });
        if (plan.kind === 'delete') {
          const result = await this.podControl.deletePods(job, key, plan.pods);
          active -= result.done;
          ready -= result.readyDone;
          terminating += result.done;
          writeError = result.error;
        } else if (plan.kind === 'create') {
          const result = await this.podControl.createPods(job, key, plan.count, plan.indexes);
          active += result.done;
          writeError = result.error;
        } else if (plan.kind === 'backoff') {
          requeue(plan.remainingMs);
        }
      }
      const completions = job.spec?.completions;
      const complete = completions === undefined || completions === null ? counts.succeeded > 0 && active === 0 : counts.succeeded >= completions && active === 0;
      if (complete) {
        finishing = { type: 'SuccessCriteriaMet', reason: REASON_COMPLETIONS_REACHED, message: MESSAGE_COMPLETIONS_REACHED };
      } else if (managed) {
        // Conditions and events about suspension only from a sync that managed the pods, as upstream.
        const wanted = suspended ? (['True', 'JobSuspended', 'Job suspended'] as const) : (['False', 'JobResumed', 'Job resumed'] as const);
        const ensured = ensureCondition(conditions, 'Suspended', wanted[0], wanted[1], wanted[2], now);
        if (ensured.changed) {
          conditions = ensured.conditions;
          suspendEvent = suspended ? ['Suspended', 'Job suspended'] : ['Resumed', 'Job resumed'];
          // activeDeadlineSeconds counts continuous activity: a resumed Job starts its clock again.
          if (!suspended) status.startTime = timestamp(now);
        }
      }
    }

    let finishedNow: 'Complete' | 'Failed' | undefined;
    if (finishing !== undefined) {
      // Lingering pods go: a failed Job's because it failed, a succeeded one's because it is done.
      // (A Job found complete in this very sync has none left: complete means no pod is active.)
      if (active > 0) {
        const result = await this.podControl.deletePods(job, key, counts.active, false);
        // Upstream counts the pods a failing Job ends as failed.
        if (finishing.type === 'FailureTarget' && findCondition(job, 'FailureTarget') === undefined) failed += result.done;
        active -= result.done;
        ready -= result.readyDone;
        terminating += result.done;
        writeError = result.error;
      }
      if (!conditions.some((c) => c.type === finishing.type && c.status === 'True')) conditions.push(newCondition(finishing.type, 'True', finishing.reason, finishing.message, now));
      if (active === 0 && terminating === 0 && satisfied && writeError === undefined) {
        finishedNow = finishing.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed';
        conditions = ensureCondition(conditions, finishedNow, 'True', finishing.reason, finishing.message, now).conditions;
        if (finishedNow === 'Complete') status.completionTime = timestamp(now);
      }
    }

    status.active = Math.max(0, active);
    status.ready = Math.max(0, ready);
    status.terminating = Math.max(0, terminating);
    status.succeeded = counts.succeeded;
    status.failed = failed;
    if (counts.succeededIndexes !== undefined) status.completedIndexes = formatIndexes(counts.succeededIndexes);
    status.conditions = conditions;
    if (status.conditions.length === 0) delete status.conditions;
    if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) {
      job.status = status;
      await this.context.client.update<Job>(Jobs, job, { subresource: 'status' });
    }
    if (suspendEvent !== undefined) this.context.recorder.event(job, 'Normal', suspendEvent[0], suspendEvent[1]);
    if (finishedNow === 'Complete') {
      const completions = job.spec?.completions;
      if (completions !== undefined && completions !== null && counts.succeeded > completions) {
        this.context.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.context.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else if (finishedNow === 'Failed' && finishing !== undefined) {
      this.context.recorder.event(job, 'Warning', finishing.reason, finishing.message);
    }
    if (writeError !== undefined) throw writeError;
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  }

  /** Jobs managed by someone else, or in a mode this controller does not know, are skipped (as upstream). */
  private isOurs(job: Readonly<Job>, key: string): boolean {
    const managedBy = job.spec?.managedBy;
    if (managedBy !== undefined && managedBy !== 'kubernetes.io/job-controller') return false;
    const mode = job.spec?.completionMode ?? 'NonIndexed';
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.context.logger.info('skipping a job with an unknown completion mode', { job: key, completionMode: mode });
      return false;
    }
    if (mode === 'Indexed' && (job.spec?.completions ?? undefined) === undefined) {
      this.context.logger.warn('skipping an Indexed job without completions', { job: key });
      return false;
    }
    return true;
  }

  /** The interim condition an earlier sync already wrote: the Job is finishing, whatever the pods say now. */
  private finishingFrom(job: Readonly<Job>): Finishing | undefined {
    for (const type of ['SuccessCriteriaMet', 'FailureTarget'] as const) {
      const c = findCondition(job, type);
      if (c?.status === 'True') return { type, reason: c.reason ?? '', message: c.message ?? '' };
    }
    return undefined;
  }

  private count(job: Readonly<Job>, pods: readonly Readonly<Pod>[]): Counts {
    const active = pods.filter(isActive);
    const terminating = pods.filter(isTerminating).length;
    const ready = active.filter(isReady).length;
    const finishedPods = (phase: string): Readonly<Pod>[] => pods.filter((p) => p.status?.phase === phase);
    const failed = Math.max(job.status?.failed ?? 0, finishedPods('Failed').length);
    if (!isIndexed(job)) {
      return { pods, active, terminating, ready, failed, succeeded: Math.max(job.status?.succeeded ?? 0, finishedPods('Succeeded').length) };
    }
    const completions = job.spec?.completions ?? 0;
    const newIndexes: number[] = [];
    for (const pod of finishedPods('Succeeded')) {
      const index = completionIndexOf(pod);
      if (index !== undefined && index < completions) newIndexes.push(index);
    }
    const succeededIndexes = withIndexes(parseIndexes(job.status?.completedIndexes, completions), newIndexes);
    return { pods, active, terminating, ready, failed, succeeded: totalOf(succeededIndexes), succeededIndexes };
  }

  private pastActiveDeadline(job: Readonly<Job>, status: JobStatus, now: Date): boolean {
    const seconds = job.spec?.activeDeadlineSeconds;
    if (seconds === undefined || status.startTime === undefined || job.spec?.suspend === true) return false;
    return now.getTime() - Date.parse(status.startTime) >= seconds * 1000;
  }
}

/** With restartPolicy OnFailure, failures are container restarts in running pods (upstream pastBackoffLimitOnFailure). */
export function pastBackoffLimitOnFailure(job: Readonly<Job>, pods: readonly Readonly<Pod>[]): boolean {
  if (job.spec?.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    for (const s of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}
