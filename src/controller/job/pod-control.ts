// Creating and deleting a Job's pods (upstream PodControl as the Job controller uses it): creates go
// out in "slow start" batches of 1, 2, 4, ... so a Job that cannot create pods (quota, a bad
// template) fails once instead of hundreds of times; each write is recorded as upstream words it,
// and every create or delete that will not show up in the informer lowers the expectations.
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../client/client-errors.js';
import { keyOf } from '../../client/informer.js';
import { Pods } from '../../client/resource-types.js';
import type { ControllerContext } from '../controller.js';
import type { UIDTrackingControllerExpectations } from '../expectations.js';
import { podForJob } from './job-pods.js';
import { isReady } from './pod-state.js';

/** Upstream SlowStartInitialBatchSize. */
const SLOW_START_INITIAL_BATCH = 1;

export interface PodWriteResult {
  /** Writes that went through. */
  readonly done: number;
  /** Of the deleted pods, those that were ready (the status' ready count drops by these). */
  readonly readyDone: number;
  /** The first error, if any write failed. */
  readonly error?: Error;
}

export class JobPodControl {
  constructor(
    private readonly context: ControllerContext,
    private readonly expectations: UIDTrackingControllerExpectations,
  ) {}

  /** Creates `count` pods (for these indexes, if Indexed), after raising the expectations. */
  async createPods(job: Readonly<Job>, jobKey: string, count: number, indexes?: readonly number[]): Promise<PodWriteResult> {
    this.expectations.expectCreations(jobKey, count);
    const pending = indexes === undefined ? undefined : [...indexes];
    let remaining = count;
    let done = 0;
    let firstError: Error | undefined;
    for (let batch = Math.min(remaining, SLOW_START_INITIAL_BATCH); remaining > 0; batch = Math.min(2 * batch, remaining)) {
      const results = await Promise.all(Array.from({ length: batch }, () => this.createOne(job, jobKey, pending?.shift())));
      const errors = results.filter((r): r is Error => r instanceof Error);
      done += batch - errors.length;
      remaining -= batch;
      if (errors.length > 0) {
        firstError ??= errors[0];
        // The pods never attempted will not be observed either; the next sync tries again.
        for (let i = 0; i < remaining; i++) this.expectations.creationObserved(jobKey);
        break;
      }
    }
    return firstError === undefined ? { done, readyDone: 0 } : { done, readyDone: 0, error: firstError };
  }

  /**
   * Deletes the pods, expecting their deletions first unless `expect` is false (the deletions of
   * a finished Job that no later sync waits for, as upstream's deleteActivePods).
   */
  async deletePods(job: Readonly<Job>, jobKey: string, pods: readonly Readonly<Pod>[], expect = true): Promise<PodWriteResult> {
    if (expect) this.expectations.expectDeletionsOf(jobKey, pods.map((p) => keyOf(p)));
    const results = await Promise.all(pods.map((pod) => this.deleteOne(job, jobKey, pod, expect)));
    let done = 0;
    let readyDone = 0;
    let firstError: Error | undefined;
    results.forEach((result, i) => {
      if (result instanceof Error) {
        firstError ??= result;
        return;
      }
      done++;
      if (isReady(pods[i] as Pod)) readyDone++;
    });
    return firstError === undefined ? { done, readyDone } : { done, readyDone, error: firstError };
  }

  private async createOne(job: Readonly<Job>, jobKey: string, index: number | undefined): Promise<Error | undefined> {
    const { client, recorder, logger } = this.context;
    try {
      const created = await client.create<Pod>(Pods, podForJob(job, index));
      recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`);
      return undefined;
    } catch (error) {
      this.expectations.creationObserved(jobKey);
      const err = error instanceof Error ? error : new Error(String(error));
      // A namespace being torn down refuses every create: nothing to report (as upstream).
      if (!/because it is being terminated/.test(err.message)) recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${err.message}`);
      logger.warn('failed to create a pod for a job', { job: jobKey, error: err.message });
      return err;
    }
  }

  private async deleteOne(job: Readonly<Job>, jobKey: string, pod: Readonly<Pod>, expected: boolean): Promise<Error | undefined> {
    const { client, recorder } = this.context;
    const name = pod.metadata?.name ?? '';
    try {
      await client.delete(Pods, name, pod.metadata?.namespace, { preconditions: { uid: pod.metadata?.uid ?? '' } });
      recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      return undefined;
    } catch (error) {
      // The informer will not show a delete that did not happen.
      if (expected) this.expectations.deletionOf(jobKey, keyOf(pod));
      // Already gone is what we wanted.
      if (isNotFound(error)) return undefined;
      const err = error instanceof Error ? error : new Error(String(error));
      recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${err.message}`);
      return err;
    }
  }
}
