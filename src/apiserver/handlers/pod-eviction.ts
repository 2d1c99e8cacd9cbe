// pods/eviction: a policy/v1 (or v1beta1) Eviction deletes the pod with the eviction's
// deleteOptions, after marking it DisruptionTarget=True as upstream does. PodDisruptionBudgets do
// not exist yet, so no budget can refuse an eviction: it always succeeds (201, Status Success).
import { badRequest, conflict, isApiError } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import { NoChange } from '../storage/resource-store.js';
import { writeJson } from '../http/responses.js';
import type { Handler, RequestContext } from './context.js';
import { deleteObject, type DeleteOptions } from './delete.js';
import { updatePodCondition } from './pod-condition.js';
import { createdStatus, readSubresourceBody } from './subresource-body.js';

interface EvictionDeleteOptions extends DeleteOptions {
  dryRun?: string[];
}

const POLICIES = ['Orphan', 'Background', 'Foreground'];

function deleteOptionsOf(eviction: KubeObject): EvictionDeleteOptions {
  const raw = eviction.deleteOptions;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('deleteOptions must be an object');
  const options = structuredClone(raw) as EvictionDeleteOptions & { orphanDependents?: boolean };
  if (options.gracePeriodSeconds !== undefined && !Number.isInteger(options.gracePeriodSeconds)) {
    throw badRequest(`invalid deleteOptions.gracePeriodSeconds: ${JSON.stringify(options.gracePeriodSeconds)}`);
  }
  if (options.orphanDependents === true && options.propagationPolicy === undefined) options.propagationPolicy = 'Orphan';
  if (options.propagationPolicy !== undefined && !POLICIES.includes(options.propagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${String(options.propagationPolicy)}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (options.dryRun !== undefined && !Array.isArray(options.dryRun)) throw badRequest('deleteOptions.dryRun must be a list');
  return options;
}

/** ?dryRun on the request and deleteOptions.dryRun in the body must agree, as upstream's propagateDryRun. */
function dryRunOf(query: URLSearchParams, options: EvictionDeleteOptions): string[] {
  const fromQuery = query.getAll('dryRun');
  const fromBody = options.dryRun ?? [];
  if (fromBody.length > 0 && fromQuery.length > 0 && fromBody.join() !== fromQuery.join()) {
    throw badRequest(`Non-matching dry-run options in request and content: [${fromQuery.join(' ')}] and [${fromBody.join(' ')}]`);
  }
  return fromBody.length > 0 ? fromBody : fromQuery;
}

const terminal = (pod: KubeObject): boolean => {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
};

/** Marks the pod as about to be disrupted, then deletes it; preconditions hold for both writes. */
async function markAndDelete(context: RequestContext, name: string, options: EvictionDeleteOptions, dryRun: boolean): Promise<void> {
  const { store } = context.resource;
  let deleteWith: DeleteOptions = options;
  if (!dryRun) {
    const updated = await store.update(context.info.namespace, name, (pod) => {
      const meta = pod.metadata ?? {};
      const pre = options.preconditions;
      if (pre?.uid !== undefined && pre.uid !== '' && pre.uid !== meta.uid) {
        throw conflict(store.subject(name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
      }
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== '' && pre.resourceVersion !== meta.resourceVersion) {
        throw conflict(
          store.subject(name),
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
        );
      }
      const before = JSON.stringify(pod.status ?? null);
      updatePodCondition(pod, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
      if (JSON.stringify(pod.status) === before) throw new NoChange();
      return pod;
    });
    // Our own write moved the version the caller (or we) pinned.
    if (options.preconditions?.resourceVersion !== undefined) {
      deleteWith = { ...options, preconditions: { ...options.preconditions, resourceVersion: updated.metadata?.resourceVersion ?? '' } };
    }
  }
  const query = new URLSearchParams(context.query);
  query.delete('dryRun');
  if (dryRun) query.set('dryRun', 'All');
  await deleteObject({ ...context, query, info: { ...context.info, name, subresource: undefined } }, name, deleteWith);
}

export const evictionHandler: Handler = async (context) => {
  const { object, name } = await readSubresourceBody(context, 'Eviction', ['policy/v1', 'policy/v1beta1']);
  const original = deleteOptionsOf(object);
  const dryRunValues = dryRunOf(context.query, original);
  const unknown = dryRunValues.find((v) => v !== 'All');
  if (unknown !== undefined) throw badRequest(`dryRun: Unsupported value: "${unknown}": supported values: "All"`);
  const dryRun = dryRunValues.length > 0;
  const pinned = original.preconditions?.resourceVersion !== undefined;
  for (let attempt = 0; ; attempt++) {
    const pod = await context.resource.store.get(context.info.namespace, name);
    let options = original;
    // A running pod is deleted only as it was when the eviction was judged (no budget can be
    // consulted yet, but the check against a concurrent change stays, as upstream's).
    if (!pinned && !terminal(pod) && pod.metadata?.deletionTimestamp === undefined) {
      options = { ...original, preconditions: { ...original.preconditions, resourceVersion: pod.metadata?.resourceVersion ?? '' } };
    }
    try {
      await markAndDelete(context, name, options, dryRun);
      break;
    } catch (error) {
      // Upstream retries conflicts (20 times) unless the caller pinned a resourceVersion.
      if (pinned || !isApiError(error, 'Conflict') || attempt >= 19) throw error;
    }
  }
  writeJson(context.response, 201, createdStatus());
};
