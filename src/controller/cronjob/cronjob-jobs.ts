// The Jobs of a CronJob (upstream cronjob controller v2 helpers): the Job made for a scheduled
// time, the references kept in status.active, deleting a Job as upstream does (Background, with
// its event), and trimming finished Jobs to the history limits, oldest start first.
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound } from '../../client/client-errors.js';
import { Jobs } from '../../client/resource-types.js';
import type { ControllerContext } from '../controller.js';
import { finishedCondition } from '../job/conditions.js';
import { formatInZone, jobNameFor } from './schedule-times.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export function controllerRefOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** The Job for one scheduled time (upstream getJobFromTemplate2): the template's labels, annotations and spec. */
export function jobFromTemplate(cj: Readonly<CronJob>, scheduled: Date): Job {
  const template = structuredClone(cj.spec?.jobTemplate ?? {});
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = formatInZone(scheduled, cj.spec?.timeZone ?? undefined);
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata?.name ?? '', scheduled),
      namespace: cj.metadata?.namespace ?? 'default',
      annotations,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata?.name ?? '', uid: cj.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
  };
  if (template.metadata?.labels !== undefined) job.metadata = { ...job.metadata, labels: template.metadata.labels };
  if (template.spec !== undefined) job.spec = template.spec;
  return job;
}

/** The reference status.active keeps (upstream ref.GetReference). */
export function referenceTo(job: Readonly<Job>): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata?.name ?? '',
    namespace: job.metadata?.namespace ?? '',
    uid: job.metadata?.uid ?? '',
    resourceVersion: job.metadata?.resourceVersion ?? '',
  };
}

export function inActiveList(cj: Readonly<CronJob>, uid: string): boolean {
  return (cj.status?.active ?? []).some((ref) => ref.uid === uid);
}

export function deleteFromActiveList(cj: CronJob, uid: string): void {
  if (cj.status?.active === undefined) return;
  cj.status.active = cj.status.active.filter((ref) => ref.uid !== uid);
}

/** Complete or Failed, if finished. */
export function finishedType(job: Readonly<Job>): 'Complete' | 'Failed' | undefined {
  const c = finishedCondition(job);
  return c === undefined ? undefined : (c.type as 'Complete' | 'Failed');
}

/**
 * Deletes a Job with propagation Background and drops it from status.active (upstream deleteJob).
 * A Job already gone counts as deleted. Returns whether the status changed.
 */
export async function deleteJob(context: ControllerContext, cj: CronJob, job: Readonly<Job>): Promise<boolean> {
  const name = job.metadata?.name ?? '';
  try {
    await context.client.delete(Jobs, name, job.metadata?.namespace, { propagationPolicy: 'Background' });
  } catch (error) {
    if (!isNotFound(error)) {
      context.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    deleteFromActiveList(cj, job.metadata?.uid ?? '');
    return true;
  }
  deleteFromActiveList(cj, job.metadata?.uid ?? '');
  context.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  return true;
}

/** Oldest start first; Jobs never started last; ties by name (upstream byJobStartTime). */
export function byStartTime(a: Readonly<Job>, b: Readonly<Job>): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb || (sa !== undefined && sb !== undefined && Date.parse(sa) === Date.parse(sb))) return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  return Date.parse(sa ?? '') - Date.parse(sb ?? '');
}

/** Deletes finished Jobs beyond the history limits (upstream cleanupFinishedJobs); returns whether the status changed. */
export async function cleanupFinishedJobs(context: ControllerContext, cj: CronJob, jobs: readonly Readonly<Job>[]): Promise<boolean> {
  const successfulLimit = cj.spec?.successfulJobsHistoryLimit;
  const failedLimit = cj.spec?.failedJobsHistoryLimit;
  if ((successfulLimit ?? undefined) === undefined && (failedLimit ?? undefined) === undefined) return false;
  // Jobs already being deleted are on their way out; deleting them again would only add noise.
  const live = jobs.filter((j) => j.metadata?.deletionTimestamp === undefined);
  let changed = false;
  for (const [type, limit] of [['Complete', successfulLimit], ['Failed', failedLimit]] as const) {
    if (limit === undefined || limit === null) continue;
    const finished = live.filter((j) => finishedType(j) === type).sort(byStartTime);
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
      if (await deleteJob(context, cj, job)) changed = true;
    }
  }
  return changed;
}
