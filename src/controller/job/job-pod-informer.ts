// The Job controller's view of pods (upstream addPod/updatePod/deletePod and getPodsForJob): pod
// events lower the expectations of the Job that controls the pod and queue it; orphans queue every
// Job whose selector matches them. claim() returns a Job's pods, adopting matching orphans and
// releasing owned pods that no longer match (upstream PodControllerRefManager).
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../client/client-errors.js';
import { type Informer, keyOf } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { Jobs, Pods } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { UIDTrackingControllerExpectations } from '../expectations.js';
import { controllerRefOf, controllerRefTo, jobSelector } from './job-pods.js';

/** The shared pods index by controller uid (upstream PodControllerUIDIndex); orphans under one key. */
export const POD_CONTROLLER_UID_INDEX = 'podControllerUID';
export const ORPHAN_POD_INDEX_KEY = '_ORPHAN_POD';

function podControllerUID(pod: Pod): string[] {
  const ref = controllerRefOf(pod);
  return ref === undefined ? [ORPHAN_POD_INDEX_KEY] : [ref.uid];
}

export interface JobPodsOptions {
  readonly informers: InformerFactory;
  readonly jobs: Informer<Job>;
  readonly expectations: UIDTrackingControllerExpectations;
  readonly enqueue: (jobKey: string) => void;
}

export class JobPods {
  private readonly informer: Informer<Pod>;
  private readonly indexed: boolean;
  private readonly jobs: Informer<Job>;
  private readonly expectations: UIDTrackingControllerExpectations;
  private readonly enqueue: (jobKey: string) => void;

  constructor(options: JobPodsOptions) {
    this.jobs = options.jobs;
    this.expectations = options.expectations;
    this.enqueue = options.enqueue;
    // The factory keeps the indexers of the first controller that asked for pods; one that asked
    // without this index leaves us scanning the namespace instead (correct, only slower).
    let informer: Informer<Pod>;
    let indexed = true;
    try {
      informer = options.informers.for<Pod>(Pods, { [POD_CONTROLLER_UID_INDEX]: podControllerUID });
    } catch {
      informer = options.informers.for<Pod>(Pods);
      indexed = false;
    }
    this.informer = informer;
    this.indexed = indexed;
    informer.onAdd((pod) => this.added(pod));
    informer.onUpdate((old, pod) => this.updated(old, pod));
    informer.onDelete((pod) => this.deleted(pod));
  }

  /**
   * The Job's pods: those it controls that match its selector, plus matching orphans it adopts.
   * Controlled pods that stopped matching are released.
   */
  async claim(job: Readonly<Job>, client: RestClient): Promise<Readonly<Pod>[]> {
    const namespace = job.metadata?.namespace ?? '';
    const uid = job.metadata?.uid ?? '';
    const selector = jobSelector(job);
    const deleting = job.metadata?.deletionTimestamp !== undefined;
    const claimed: Readonly<Pod>[] = [];
    let canAdopt: boolean | undefined;
    for (const pod of this.candidates(namespace, uid)) {
      const ref = controllerRefOf(pod);
      const matches = selector.matches(pod.metadata?.labels);
      if (ref !== undefined) {
        if (matches) claimed.push(pod);
        else if (!deleting) await this.release(client, job, pod);
        continue;
      }
      if (!matches || deleting || pod.metadata?.deletionTimestamp !== undefined) continue;
      // Adopt only for a Job that still is what the cache says (upstream's fresh-read check).
      canAdopt ??= await this.stillExists(client, job);
      if (!canAdopt) continue;
      const adopted = await this.adopt(client, job, pod);
      if (adopted !== undefined) claimed.push(adopted);
    }
    return claimed;
  }

  private candidates(namespace: string, uid: string): Readonly<Pod>[] {
    if (!this.indexed) {
      return this.informer.byIndex('namespace', namespace).filter((pod) => {
        const key = podControllerUID(pod)[0];
        return key === uid || key === ORPHAN_POD_INDEX_KEY;
      });
    }
    const inNamespace = (pod: Readonly<Pod>): boolean => (pod.metadata?.namespace ?? '') === namespace;
    return this.informer.byIndex(POD_CONTROLLER_UID_INDEX, uid).filter(inNamespace).concat(this.informer.byIndex(POD_CONTROLLER_UID_INDEX, ORPHAN_POD_INDEX_KEY).filter(inNamespace));
  }

  private async stillExists(client: RestClient, job: Readonly<Job>): Promise<boolean> {
    try {
      const fresh = await client.get<Job>(Jobs, job.metadata?.name ?? '', job.metadata?.namespace);
      return fresh.metadata?.uid === job.metadata?.uid && fresh.metadata?.deletionTimestamp === undefined;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async adopt(client: RestClient, job: Readonly<Job>, pod: Readonly<Pod>): Promise<Pod | undefined> {
    const patch = { metadata: { ownerReferences: [controllerRefTo(job)], uid: pod.metadata?.uid } };
    try {
      return await client.patch<Pod>(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace, patch, 'strategic');
    } catch (error) {
      // Gone meanwhile: nothing to adopt.
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async release(client: RestClient, job: Readonly<Job>, pod: Readonly<Pod>): Promise<void> {
    const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: job.metadata?.uid }], uid: pod.metadata?.uid } };
    try {
      await client.patch<Pod>(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace, patch, 'strategic');
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** The Job a controller reference names, if it is that very Job (same uid). */
  private resolve(namespace: string, pod: Readonly<Pod>): string | undefined {
    const ref = controllerRefOf(pod);
    if (ref === undefined || ref.kind !== 'Job' || ref.apiVersion.split('/')[0] !== 'batch') return undefined;
    const key = `${namespace}/${ref.name}`;
    const job = this.jobs.get(key);
    return job?.metadata?.uid === ref.uid ? key : undefined;
  }

  private enqueueMatchingJobs(pod: Readonly<Pod>): void {
    const namespace = pod.metadata?.namespace ?? '';
    for (const job of this.jobs.byIndex('namespace', namespace)) {
      if (jobSelector(job).matches(pod.metadata?.labels)) this.enqueue(keyOf(job));
    }
  }

  private added(pod: Readonly<Pod>): void {
    // A pod that arrives already being deleted (a relist) counts as a deletion.
    if (pod.metadata?.deletionTimestamp !== undefined) return this.deleted(pod);
    if (controllerRefOf(pod) === undefined) return this.enqueueMatchingJobs(pod);
    const key = this.resolve(pod.metadata?.namespace ?? '', pod);
    if (key === undefined) return;
    this.expectations.creationObserved(key);
    this.enqueue(key);
  }

  private updated(old: Readonly<Pod>, pod: Readonly<Pod>): void {
    // Resyncs change nothing about pods.
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const namespace = pod.metadata?.namespace ?? '';
    const oldKey = this.resolve(namespace, old);
    const key = this.resolve(namespace, pod);
    // A graceful delete is seen first as a deletionTimestamp: replacements need not wait for the end.
    if (pod.metadata?.deletionTimestamp !== undefined && key !== undefined) this.expectations.deletionOf(key, keyOf(pod));
    if (oldKey !== undefined && oldKey !== key) this.enqueue(oldKey);
    if (key !== undefined) return this.enqueue(key);
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
    if (controllerRefOf(pod) === undefined && (labelsChanged || controllerRefOf(old) !== undefined)) this.enqueueMatchingJobs(pod);
  }

  private deleted(pod: Readonly<Pod>): void {
    const key = this.resolve(pod.metadata?.namespace ?? '', pod);
    if (key === undefined) return;
    this.expectations.deletionOf(key, keyOf(pod));
    this.enqueue(key);
  }
}
