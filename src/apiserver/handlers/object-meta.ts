// The generic part of create and update (upstream's rest.BeforeCreate / BeforeUpdate): the body
// must be an object of this resource in this namespace; the server owns uid, creationTimestamp,
// generation and resourceVersion; the resource's strategy adds defaults and its own checks.
import { randomUUID } from 'node:crypto';
import { badRequest, forbidden, invalid, notFound, type FieldCause } from '../../api/api-errors.js';
import type { KubeObject, ResourceDescriptor } from '../registry/resource.js';
import { apiVersionOf } from '../registry/resource.js';
import type { Registry } from '../registry/registry.js';
import { generateName } from '../../api/validation/name-rules.js';
import { validateMetadata } from './metadata-validation.js';

/** Timestamps as Kubernetes writes them: RFC 3339, whole seconds, UTC. */
export function timestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The body must be a JSON object whose kind and apiVersion, when given, are this resource's. */
export function asObjectOf(descriptor: ResourceDescriptor, body: unknown): KubeObject {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`the body of the request must be a ${descriptor.kind} object`);
  }
  const object = body as KubeObject;
  const expected = apiVersionOf(descriptor);
  if (object.apiVersion !== undefined && object.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (object.kind !== undefined && object.kind !== descriptor.kind) {
    throw badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${descriptor.kind})`);
  }
  if (object.metadata !== undefined && (typeof object.metadata !== 'object' || object.metadata === null || Array.isArray(object.metadata))) {
    throw badRequest('metadata must be an object');
  }
  return { ...object, apiVersion: expected, kind: descriptor.kind, metadata: { ...object.metadata } };
}

/** The namespace of the URL wins; a different one in the body is an error, as upstream. */
export function placeInNamespace(descriptor: ResourceDescriptor, object: KubeObject, namespace: string | undefined): void {
  const meta = object.metadata ?? {};
  if (!descriptor.namespaced) {
    delete meta.namespace;
    return;
  }
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (namespace !== undefined) meta.namespace = namespace;
  object.metadata = meta;
}

/** Writes into a namespace that is missing or terminating are refused. */
export async function checkNamespaceOpen(registry: Registry, descriptor: ResourceDescriptor, object: KubeObject): Promise<void> {
  if (!descriptor.namespaced) return;
  const namespace = object.metadata?.namespace ?? '';
  const namespaces = registry.lookup('', 'v1', 'namespaces');
  if (namespaces === undefined) return;
  // The cache answers at once when it has the namespace; only a miss waits for it to catch up.
  let ns = namespaces.store.cache.get(namespaces.store.key(undefined, namespace));
  if (ns === undefined) {
    try {
      ns = await namespaces.store.getCached(undefined, namespace);
    } catch {
      throw notFound({ group: '', resource: 'namespaces', name: namespace });
    }
  }
  const status = ns.status as { phase?: string } | undefined;
  if (status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp !== undefined) {
    throw forbidden(
      { group: descriptor.group, resource: descriptor.plural, name: object.metadata?.name ?? '' },
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}

export function prepareForCreate(descriptor: ResourceDescriptor, object: KubeObject): KubeObject {
  const meta = object.metadata ?? {};
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
    throw badRequest('resourceVersion should not be set on objects to be created');
  }
  if ((meta.name === undefined || meta.name === '') && meta.generateName !== undefined && meta.generateName !== '') {
    meta.name = generateName(meta.generateName, Math.random);
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp();
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (descriptor.hasStatus) meta.generation = 1;
  else delete meta.generation;
  object.metadata = meta;
  if (descriptor.hasStatus) delete object.status;
  descriptor.strategy.defaults?.(object);
  return object;
}

/**
 * The next state of an object from what the client sent (`next`) and what is stored (`current`):
 * identity fields stay; the main resource cannot change status and the status subresource can
 * change nothing else; generation moves when the spec does.
 */
export function prepareForUpdate(descriptor: ResourceDescriptor, next: KubeObject, current: KubeObject, subresource?: string, registry?: Registry): KubeObject {
  const meta = { ...(next.metadata ?? {}) };
  const old = current.metadata ?? {};
  for (const field of ['name', 'namespace', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (old[field] === undefined) delete meta[field];
    else (meta as Record<string, unknown>)[field] = old[field];
  }
  // A missing uid means "the same object"; a different one is refused by validation (immutable).
  if (meta.uid === undefined || meta.uid === '') meta.uid = old.uid;
  // No resourceVersion: an unconditional update (every built-in strategy allows it upstream, whose
  // store then fills in the stored version before validating).
  if (meta.resourceVersion === undefined || meta.resourceVersion === '') meta.resourceVersion = old.resourceVersion;
  let result: KubeObject;
  if (subresource === 'status') {
    // Only status changes; the rest (metadata included) stays as stored.
    result = { ...current, status: next.status };
    const managedFields = next.metadata?.managedFields;
    if (managedFields !== undefined) result.metadata = { ...current.metadata, managedFields };
    return result;
  }
  if (subresource === 'finalize') {
    // namespaces/finalize: only spec.finalizers changes (upstream's finalize strategy).
    const finalizers = (next.spec as { finalizers?: unknown } | undefined)?.finalizers ?? [];
    result = { ...current, spec: { ...(current.spec as object | undefined), finalizers } };
    const managedFields = next.metadata?.managedFields;
    if (managedFields !== undefined) result.metadata = { ...current.metadata, managedFields };
    return result;
  }
  result = { ...next, metadata: meta };
  if (descriptor.hasStatus) {
    if (current.status === undefined) delete result.status;
    else result.status = current.status;
  }
  descriptor.strategy.defaults?.(result);
  descriptor.strategy.prepareForUpdate?.(result, current, registry);
  if (descriptor.hasStatus && specChanged(result, current)) meta.generation = (old.generation ?? 0) + 1;
  return result;
}

function specChanged(next: KubeObject, current: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(rest);
  };
  return strip(next) !== strip(current);
}

/** Generic metadata checks plus the resource's own; 422 with every problem at once. */
export function validate(descriptor: ResourceDescriptor, object: KubeObject, old?: KubeObject): void {
  const causes: FieldCause[] = [...validateMetadata(descriptor, object, old)];
  causes.push(...(descriptor.strategy.validate?.(object) ?? []));
  if (old !== undefined) causes.push(...(descriptor.strategy.validateUpdate?.(object, old) ?? []));
  if (causes.length > 0) throw invalid(descriptor.kind, descriptor.group, object.metadata?.name ?? '', causes);
}

/** Deep equality of two JSON objects, ignoring resourceVersion (a no-op write is skipped). */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const norm = (o: KubeObject): string => JSON.stringify(sortKeys({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } }));
  return norm(a) === norm(b);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
