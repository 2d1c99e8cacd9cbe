// The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted that long after its Complete or Failed condition, with
// propagation Background so the garbage collector removes its pods. Before deleting it re-reads the
// Job from the API server, so a TTL changed meanwhile (or a Job recreated under the same name) is
// honoured, and deletes with the read resourceVersion as a precondition.
import type { Job } from 'kubernetes-types/batch/v1.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { splitKey } from '../../client/informer.js';
import { Jobs } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { QueueController } from '../queue-controller.js';
import { finishedCondition, isJobFinished } from './conditions.js';

function needsCleanup(job: Readonly<Job>): boolean {
  return job.spec?.ttlSecondsAfterFinished !== undefined && job.spec.ttlSecondsAfterFinished !== null && isJobFinished(job);
}

/** Milliseconds until the Job expires (≤ 0: expired), or undefined when it is not due for cleanup. */
export function timeLeftMs(job: Readonly<Job>, now: Date): number | undefined {
  if (!needsCleanup(job)) return undefined;
  const finishedAt = Date.parse(finishedCondition(job)?.lastTransitionTime ?? '');
  // Upstream refuses a finished Job without a finish time; it is retried, here it waits for an update.
  if (Number.isNaN(finishedAt)) return undefined;
  return finishedAt + (job.spec?.ttlSecondsAfterFinished ?? 0) * 1000 - now.getTime();
}

export class TTLAfterFinishedController extends QueueController {
  private readonly jobs: Informer<Job>;

  constructor(context: ControllerContext) {
    super('ttl-after-finished-controller', context, { workers: 5 });
    this.jobs = context.informers.for<Job>(Jobs);
    const maybeEnqueue = (job: Readonly<Job>): void => {
      if (job.metadata?.deletionTimestamp === undefined && needsCleanup(job)) this.enqueue(job);
    };
    this.jobs.onAdd(maybeEnqueue);
    this.jobs.onUpdate((_, job) => maybeEnqueue(job));
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.jobs.get(key);
    if (cached === undefined || cached.metadata?.deletionTimestamp !== undefined) return;
    const left = timeLeftMs(cached, this.context.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };

    // The cache may be stale: decide on a fresh read.
    const { namespace, name } = splitKey(key);
    let fresh: Job;
    try {
      fresh = await this.context.client.get<Job>(Jobs, name, namespace);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    if (fresh.metadata?.deletionTimestamp !== undefined) return;
    const freshLeft = timeLeftMs(fresh, this.context.now());
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfterMs: freshLeft };
    this.context.logger.info('cleaning up a finished job after its TTL', { job: key });
    try {
      await this.context.client.delete(Jobs, name, namespace, {
        propagationPolicy: 'Background',
        preconditions: { resourceVersion: fresh.metadata?.resourceVersion ?? '' },
      });
    } catch (error) {
      if (isNotFound(error)) return;
      // Changed since the read: the update event brings the Job back with its new state.
      if (isConflict(error)) return;
      throw error;
    }
  }
}
