// Creating and deleting a controller's pods, and the events that say so (upstream RealPodControl
// and slowStartBatch in controller_utils.go). Event reasons and messages are upstream's, since
// `kubectl describe rs` readers and tools match on them.
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { ApiError } from '../../client/client-errors.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { Pods } from '../../client/resource-types.js';
import type { KubeObject, RestClient } from '../../client/rest-client.js';

export const FAILED_CREATE_POD_REASON = 'FailedCreate';
export const SUCCESSFUL_CREATE_POD_REASON = 'SuccessfulCreate';
export const FAILED_DELETE_POD_REASON = 'FailedDelete';
export const SUCCESSFUL_DELETE_POD_REASON = 'SuccessfulDelete';

/** Upstream SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** The status cause the API server gives a create refused in a terminating namespace. */
const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

/** A create refused because the namespace is being deleted: expected, not worth an event or a condition. */
export function isNamespaceTerminating(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if ((error.statusObject?.details?.causes ?? []).some((c) => c.reason === NAMESPACE_TERMINATING_CAUSE)) return true;
  return error.status === 403 && error.message.includes('because it is being terminated');
}

/** The owner reference a controller puts on what it creates: controller and blockOwnerDeletion, as upstream. */
export function controllerRef(owner: Readonly<KubeObject>, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/**
 * "<name>-" for generateName, or the bare name when the dash would make it too long for a pod
 * name (upstream getPodsPrefix checks the prefix is a valid name).
 */
export function podNamePrefix(controllerName: string): string {
  return controllerName.length + 1 <= 253 ? `${controllerName}-` : controllerName;
}

/** The pod a controller creates from its template (upstream GetPodFromTemplate). */
export function podFromTemplate(template: Readonly<PodTemplateSpec>, parent: Readonly<KubeObject>, ref: OwnerReference | undefined): Pod {
  const source = structuredClone(template) as PodTemplateSpec;
  const meta = source.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(parent.metadata?.name ?? ''),
      namespace: parent.metadata?.namespace ?? '',
      labels: { ...meta.labels },
      annotations: { ...meta.annotations },
      ...(meta.finalizers !== undefined && meta.finalizers.length > 0 ? { finalizers: [...meta.finalizers] } : {}),
      ...(ref !== undefined ? { ownerReferences: [ref] } : {}),
    },
    ...(source.spec !== undefined ? { spec: source.spec } : {}),
  };
  return pod;
}

export interface PodControlOptions {
  readonly client: RestClient;
  readonly recorder: EventRecorder;
}

export class PodControl {
  constructor(private readonly options: PodControlOptions) {}

  /** Creates one pod from the template, recording SuccessfulCreate or FailedCreate on the parent. */
  async createPod(template: Readonly<PodTemplateSpec>, parent: Readonly<KubeObject>, ref: OwnerReference): Promise<Pod> {
    const pod = podFromTemplate(template, parent, ref);
    if (Object.keys(pod.metadata?.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
    let created: Pod;
    try {
      created = await this.options.client.create<Pod>(Pods, pod);
    } catch (error) {
      if (!isNamespaceTerminating(error)) {
        this.options.recorder.event(parent, 'Warning', FAILED_CREATE_POD_REASON, `Error creating: ${messageOf(error)}`);
      }
      throw error;
    }
    this.options.recorder.event(parent, 'Normal', SUCCESSFUL_CREATE_POD_REASON, `Created pod: ${created.metadata?.name ?? ''}`);
    return created;
  }

  /** Deletes a pod by name. A NotFound is rethrown without an event (someone was faster). */
  async deletePod(namespace: string, name: string, parent: Readonly<KubeObject>): Promise<void> {
    try {
      await this.options.client.delete(Pods, name, namespace);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) throw error;
      this.options.recorder.event(parent, 'Warning', FAILED_DELETE_POD_REASON, `Error deleting: ${messageOf(error)}`);
      throw new Error(`unable to delete pods: ${messageOf(error)}`, { cause: error });
    }
    this.options.recorder.event(parent, 'Normal', SUCCESSFUL_DELETE_POD_REASON, `Deleted pod: ${name}`);
  }
}

export function messageOf(error: unknown): string {
  return toError(error).message;
}

/** What was thrown, as an Error (anything else is wrapped with its JSON). */
export function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(typeof error === 'string' ? error : JSON.stringify(error), { cause: error });
}

/**
 * Calls `fn` `count` times in batches of 1, 2, 4, ... run concurrently, and stops after the first
 * batch with a failure (upstream slowStartBatch). A template that cannot work (a quota, an
 * invalid spec) then costs one failed request, not hundreds. `stop` ends the burst between
 * batches (the controller shutting down, as a cancelled context does upstream). Returns how many
 * calls succeeded and the first error.
 */
export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => Promise<void>,
  stop?: AbortSignal,
): Promise<{ successes: number; error?: Error }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    if (stop?.aborted === true) return { successes, error: new Error('controller is stopping') };
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failures.length;
    const first = failures[0];
    if (first !== undefined) return { successes, error: toError(first.reason) };
    remaining -= size;
  }
  return { successes };
}
