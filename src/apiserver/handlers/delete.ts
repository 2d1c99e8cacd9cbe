// delete and deletecollection, with upstream's semantics: preconditions, finalizers (an object
// with finalizers only gets a deletionTimestamp), propagationPolicy (Foreground and Orphan become
// finalizers for the garbage collector), and graceful deletion where the resource wants it (pods).
import { badRequest, conflict, isApiError } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import { NoChange } from '../storage/resource-store.js';
import { apiVersionOf } from '../registry/resource.js';
import { decodeBody, mediaType, readBody } from '../http/body.js';
import { writeJson } from '../http/responses.js';
import { isDryRun, type Handler, type RequestContext } from './context.js';
import { timestamp } from './object-meta.js';
import { objectMatcher } from './selectors.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  /** DeleteOptions.dryRun: kubectl sends it in the body rather than as ?dryRun=. */
  dryRun?: string[];
}

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

async function deleteOptions(context: RequestContext): Promise<DeleteOptions> {
  const options: DeleteOptions = {};
  const body = await readBody(context.request);
  if (body.length > 0 && body.toString().trim() !== '') {
    const parsed = decodeBody(body, mediaType(context.request)) as Record<string, unknown> | null;
    if (parsed === null || typeof parsed !== 'object') throw badRequest('DeleteOptions must be an object');
    Object.assign(options, parsed);
    if (parsed.orphanDependents === true && options.propagationPolicy === undefined) options.propagationPolicy = 'Orphan';
  }
  const grace = context.query.get('gracePeriodSeconds');
  if (grace !== null) {
    const seconds = Number(grace);
    if (!Number.isInteger(seconds)) throw badRequest(`invalid gracePeriodSeconds: "${grace}"`);
    options.gracePeriodSeconds = seconds;
  }
  const policy = context.query.get('propagationPolicy');
  if (policy !== null) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (context.query.get('orphanDependents') === 'true' && options.propagationPolicy === undefined) options.propagationPolicy = 'Orphan';
  if (options.dryRun !== undefined) {
    if (!Array.isArray(options.dryRun)) throw badRequest('DeleteOptions.dryRun must be a list');
    for (const value of options.dryRun) {
      if (value !== 'All') throw badRequest(`dryRun: Unsupported value: "${String(value)}": supported values: "All"`);
    }
  }
  if (options.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(options.propagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${options.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  return options;
}

/** Deletes one object; returns the object when deletion is pending, or undefined when it is gone. */
export async function deleteObject(context: RequestContext, name: string, options: DeleteOptions): Promise<KubeObject | undefined> {
  const { descriptor, store } = context.resource;
  const namespace = context.info.namespace;
  const dryRun = isDryRun(context.query, 'DeleteOptions') || (options.dryRun ?? []).includes('All');
  for (let attempt = 0; ; attempt++) {
    const current = await store.get(namespace, name);
    const meta = current.metadata ?? {};
    const pre = options.preconditions;
    if (pre?.uid !== undefined && pre.uid !== meta.uid) {
      throw conflict(store.subject(name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        store.subject(name),
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
      );
    }
    const finalizers = new Set(meta.finalizers ?? []);
    if (options.propagationPolicy === 'Foreground') finalizers.add(FOREGROUND);
    if (options.propagationPolicy === 'Orphan') finalizers.add(ORPHAN);
    descriptor.strategy.checkDelete?.(current);
    const grace = descriptor.strategy.gracePeriod?.(current, options.gracePeriodSeconds) ?? 0;
    const held = descriptor.strategy.holdsDeletion?.(current) ?? false;
    if (finalizers.size === 0 && grace === 0 && !held) {
      if (dryRun) return undefined;
      try {
        await store.remove(current);
        return undefined;
      } catch (error) {
        if (isApiError(error, 'Conflict') && attempt < 20) continue;
        throw error;
      }
    }
    // Pending deletion: mark it; the finalizers' owners (or the superlet) finish the job.
    if (dryRun) return current;
    return store.update(namespace, name, (latest) => {
      const m = latest.metadata ?? {};
      const merged = new Set([...(m.finalizers ?? []), ...finalizers]);
      const alreadyDeleting = m.deletionTimestamp !== undefined;
      const shorter = alreadyDeleting && grace < (m.deletionGracePeriodSeconds ?? 0);
      if (alreadyDeleting && !shorter && merged.size === (m.finalizers ?? []).length) throw new NoChange();
      m.finalizers = [...merged];
      if (!alreadyDeleting || shorter) {
        m.deletionTimestamp = timestamp(new Date(Date.now() + grace * 1000));
        m.deletionGracePeriodSeconds = grace;
      }
      latest.metadata = m;
      if (!alreadyDeleting) descriptor.strategy.onDeletionStarted?.(latest);
      return latest;
    });
  }
}

function successStatus(context: RequestContext, object: KubeObject | undefined, name: string): object {
  const { descriptor } = context.resource;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name,
      ...(descriptor.group === '' ? {} : { group: descriptor.group }),
      kind: descriptor.plural,
      ...(object?.metadata?.uid === undefined ? {} : { uid: object.metadata.uid }),
    },
  };
}

export const deleteHandler: Handler = async (context) => {
  const name = context.info.name ?? '';
  const options = await deleteOptions(context);
  const before = await context.resource.store.get(context.info.namespace, name);
  const pending = await deleteObject(context, name, options);
  if (pending !== undefined) {
    writeJson(context.response, options.propagationPolicy === 'Foreground' ? 202 : 200, pending);
    return;
  }
  writeJson(context.response, 200, successStatus(context, before, name));
};

export const deleteCollectionHandler: Handler = async (context) => {
  const { descriptor, store } = context.resource;
  const options = await deleteOptions(context);
  const matches = objectMatcher(context.query, descriptor);
  const { items, revision } = await store.list({
    ...(context.info.namespace === undefined ? {} : { namespace: context.info.namespace }),
    ...(matches === undefined ? {} : { matches }),
  });
  const deleted: KubeObject[] = [];
  for (const item of items) {
    const name = item.metadata?.name ?? '';
    const itemContext = { ...context, info: { ...context.info, namespace: item.metadata?.namespace, name } };
    try {
      const pending = await deleteObject(itemContext, name, options);
      deleted.push(pending ?? item);
    } catch (error) {
      if (!isApiError(error, 'NotFound')) throw error;
    }
  }
  writeJson(context.response, 200, {
    kind: descriptor.listKind,
    apiVersion: apiVersionOf(descriptor),
    metadata: { resourceVersion: String(revision) },
    items: deleted,
  });
};
