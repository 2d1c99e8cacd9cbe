// update (PUT) of an object or of its status: a read-modify-write under optimistic concurrency.
// A body with a resourceVersion is a precondition (409 if stale); without one the update is
// unconditional, as upstream allows. A write that changes nothing is skipped.
import { badRequest } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import { NoChange } from '../storage/resource-store.js';
import { decodeBody, mediaType, readBody } from '../http/body.js';
import { writeJson } from '../http/responses.js';
import { recordUpdate } from '../apply/field-manager.js';
import { writeManager } from '../apply/options.js';
import { checkFields, fieldValidationOf, warningHeaders } from '../openapi/index.js';
import { isDryRun, type Handler, type RequestContext } from './context.js';
import { asObjectOf, placeInNamespace, prepareForUpdate, sameObject, validate } from './object-meta.js';

/**
 * Writes the next state `compute` derives from the stored object, with the generic update rules.
 * An object being deleted whose last finalizer goes away is removed, as upstream's store does.
 */
export async function writeUpdate(
  context: RequestContext,
  compute: (current: KubeObject) => KubeObject | Promise<KubeObject>,
  expectedVersion?: string,
): Promise<KubeObject> {
  const { descriptor, store } = context.resource;
  const name = context.info.name ?? '';
  const dryRun = isDryRun(context.query);
  let dryResult: KubeObject | undefined;
  const updated = await store.update(
    context.info.namespace,
    name,
    async (current) => {
      // compute gets its own copy: `current` must stay as stored to compare against.
      const next = prepareForUpdate(descriptor, await compute(structuredClone(current)), current, context.info.subresource, context.registry);
      validate(descriptor, next, current);
      if (sameObject(next, current)) throw new NoChange();
      if (dryRun) {
        dryResult = next;
        throw new NoChange();
      }
      return next;
    },
    expectedVersion,
  );
  if (dryResult !== undefined) return dryResult;
  const meta = updated.metadata ?? {};
  const held = descriptor.strategy.holdsDeletion?.(updated) ?? false;
  if (meta.deletionTimestamp !== undefined && (meta.finalizers ?? []).length === 0 && (meta.deletionGracePeriodSeconds ?? 0) === 0 && !held) {
    return store.remove(updated);
  }
  return updated;
}

export const updateHandler: Handler = async (context) => {
  const { descriptor } = context.resource;
  const body = asObjectOf(descriptor, decodeBody(await readBody(context.request), mediaType(context.request)));
  const warnings = checkFields(context.registry, descriptor, body, fieldValidationOf(context.query));
  if (warnings.length > 0) context.response.setHeader('Warning', warningHeaders(warnings));
  const name = context.info.name ?? '';
  if (body.metadata?.name !== undefined && body.metadata.name !== '' && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  placeInNamespace(descriptor, body, context.info.namespace);
  const expected = body.metadata?.resourceVersion;
  const manager = writeManager(context.query, context.request.headers['user-agent'], 'UpdateOptions');
  const subresource = context.info.subresource;
  const updated = await writeUpdate(
    context,
    (current) => recordUpdate(descriptor, current, structuredClone(body), { manager, ...(subresource === undefined ? {} : { subresource }) }),
    expected,
  );
  writeJson(context.response, 200, updated);
};
