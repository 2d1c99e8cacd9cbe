// What the handlers call: applyConfiguration for server-side apply, recordUpdate for every other
// write (create, update, patch) so that the fields it sets get an owner that later applies
// conflict with. Both return the object to store with its metadata.managedFields set.

import { badRequest } from '../../api/api-errors.js';
import { apiVersionOf, type KubeObject, type ResourceDescriptor } from '../registry/resource.js';
import { isJsonObject, jsonEqual, type Json, type JsonObject } from '../../api/patch/json-value.js';
import { fieldElement } from './field-path.js';
import { FieldSet } from './field-set.js';
import { ApplyShapeError } from './list-items.js';
import {
  BEFORE_FIRST_APPLY,
  decodeManagedFields,
  encodeManagedFields,
  isResetManagedFields,
  type ManagerEntry,
  type Managers,
} from './managers.js';
import { schemaForKind } from './schema.js';
import { ApplyConflicts, conflictError } from './conflicts.js';
import { allowedFromLastApplied, KUBECTL, syncLastApplied } from './last-applied.js';
import { apply, update, type ApplyResult, type UpdaterOptions } from './updater.js';

/** What the field manager needs to know about a resource. */
export type ManagedResource = Pick<ResourceDescriptor, 'group' | 'version' | 'kind' | 'hasStatus' | 'strategy'>;

export interface WriteInfo {
  /** The field manager: ?fieldManager=, or for non-apply writes the User-Agent's prefix. */
  readonly manager: string;
  /** The subresource written through ("status", "scale"), if any. */
  readonly subresource?: string;
  /** The clock (tests fix it). */
  readonly now?: Date;
  /** The written object already has the resource's defaults (a create has been through them). */
  readonly defaulted?: boolean;
}

export interface ApplyInfo extends WriteInfo {
  readonly force: boolean;
}

/** Timestamps as managedFields carry them: RFC 3339, whole seconds, UTC. */
function stamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function metadataOf(object: KubeObject | JsonObject | undefined): JsonObject {
  const meta = object?.['metadata'];
  return isJsonObject(meta) ? meta : {};
}

/** A JSON copy of the object without metadata.managedFields: what ownership is computed over. */
function body(object: KubeObject): JsonObject {
  const copy = JSON.parse(JSON.stringify(object)) as Json;
  if (!isJsonObject(copy)) return {};
  const meta = copy['metadata'];
  if (isJsonObject(meta)) delete meta['managedFields'];
  return copy;
}

/** The object without metadata.managedFields, sharing everything else with it (read only). */
function bodyView(object: KubeObject): JsonObject {
  const { managedFields: _managedFields, ...meta } = metadataOf(object);
  return { ...(object as JsonObject), metadata: meta };
}

/** The paths a write through this endpoint never owns: status for the main resource, the rest for /status. */
function ignoredFields(resource: ManagedResource, subresource: string | undefined, ...objects: JsonObject[]): FieldSet {
  if (subresource === 'status') {
    const names = new Set(objects.flatMap((o) => Object.keys(o)));
    names.delete('status');
    return FieldSet.of([...names].map((name) => [fieldElement(name)]));
  }
  return resource.hasStatus ? FieldSet.of([[fieldElement('status')]]) : new FieldSet();
}

function optionsFor(resource: ManagedResource, info: WriteInfo, ...objects: JsonObject[]): UpdaterOptions {
  return {
    schema: schemaForKind({ group: resource.group, kind: resource.kind }),
    ignored: ignoredFields(resource, info.subresource, ...objects),
    apiVersion: apiVersionOf(resource),
    ...(info.subresource === undefined ? {} : { subresource: info.subresource }),
    now: stamp(info.now ?? new Date()),
  };
}

function withManagedFields<T extends KubeObject | JsonObject>(object: T, managers: Managers): T {
  const meta: JsonObject = { ...metadataOf(object) };
  const entries = encodeManagedFields(managers);
  if (entries === undefined) delete meta['managedFields'];
  else meta['managedFields'] = entries;
  return { ...object, metadata: meta };
}

/** `default/web; apps/v1, Kind=Deployment`, as upstream names the object in these errors. */
function describeObject(resource: ManagedResource, config: JsonObject): string {
  const meta = metadataOf(config);
  const text = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
  return `${text(meta['namespace'])}/${text(meta['name'])}; ${resource.group}/${resource.version}, Kind=${resource.kind}`;
}

/**
 * Server-side apply of `config` by `info.manager` to `live` (undefined: the object is created).
 * Returns the object to write, managedFields included; the live object itself (managedFields
 * aside) when the configuration changes nothing, so such an apply writes nothing. Errors are
 * ApiErrors: 400 for a configuration of another kind or version, with managedFields, or that
 * does not fit the type; 409 with one FieldManagerConflict cause per conflicting field.
 */
export function applyConfiguration(resource: ManagedResource, live: KubeObject | undefined, config: JsonObject, info: ApplyInfo): KubeObject {
  const apiVersion = apiVersionOf(resource);
  const kind = typeof config['kind'] === 'string' ? config['kind'] : '';
  const version = typeof config['apiVersion'] === 'string' ? config['apiVersion'] : '';
  if (version !== apiVersion || kind !== resource.kind) {
    const [group, ver] = version.includes('/') ? version.split('/', 2) : ['', version];
    throw badRequest(`invalid object type: ${group ?? ''}/${ver ?? ''}, Kind=${kind}`);
  }
  const configMeta = config['metadata'];
  if (isJsonObject(configMeta) && configMeta['managedFields'] !== undefined && configMeta['managedFields'] !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const liveBody: JsonObject = live === undefined ? {} : body(live);
  const options = optionsFor(resource, info, liveBody, config);
  let managers: Managers = live === undefined ? new Map<string, ManagerEntry>() : decodeManagedFields(metadataOf(live)['managedFields']);
  if (live !== undefined && managers.size === 0) {
    // An object nobody tracked yet: everything it has belongs to "before-first-apply".
    const zero = { apiVersion, kind: resource.kind };
    managers = update(zero, liveBody, managers, BEFORE_FIRST_APPLY, { ...options, subresource: undefined });
  }
  try {
    let result: ApplyResult;
    try {
      result = apply(liveBody, config, managers, info.manager, info.force, options);
    } catch (error) {
      if (!(error instanceof ApplyConflicts)) throw error;
      result = forgiveLastApplied(error, liveBody, config, managers, info, options);
    }
    const object = info.manager === KUBECTL ? syncLastApplied(result.object, config) : result.object;
    // Unchanged: the stored object itself, so that nothing but a new ownership is written.
    const unchanged = live !== undefined && jsonEqual(object, liveBody);
    return withManagedFields(unchanged ? live : (object as KubeObject), result.managers);
  } catch (error) {
    if (error instanceof ApplyShapeError) throw badRequest(`failed to create typed patch object (${describeObject(resource, config)}): ${error.message}`);
    if (error instanceof ApplyConflicts) throw conflictError(error.conflicts);
    throw error;
  }
}

/**
 * kubectl's conflicts with fields that still have the value its last client-side apply gave them
 * are no conflicts: the apply is then forced. Other conflicts stand.
 */
function forgiveLastApplied(
  error: ApplyConflicts,
  live: JsonObject,
  config: JsonObject,
  managers: Managers,
  info: ApplyInfo,
  options: UpdaterOptions,
): ApplyResult {
  if (info.manager !== KUBECTL) throw error;
  const allowed = allowedFromLastApplied(live, options.apiVersion, options.schema);
  if (allowed === undefined) throw error;
  const remaining = error.conflicts.filter((c) => !allowed.has(c.path));
  if (remaining.length > 0) throw new ApplyConflicts(remaining);
  return apply(live, config, managers, info.manager, true, options);
}

/**
 * Records a write that is not an apply (create, update, patch) by `info.manager`: it comes to own
 * the fields it added or changed, other managers lose them, and nobody keeps removed fields.
 * `live` is undefined for a create. Returns `next` with its managedFields. As upstream: a write
 * may set managedFields itself (an empty list resets them), except through a subresource; and an
 * existing object without managedFields stays untracked until its first apply.
 */
export function recordUpdate<T extends KubeObject>(resource: ManagedResource, live: KubeObject | undefined, next: T, info: WriteInfo): T {
  const provided = metadataOf(next)['managedFields'];
  const liveManagers = (): Managers => decodeManagedFields(metadataOf(live)['managedFields']);
  let managers: Managers;
  if (info.subresource !== undefined) managers = liveManagers();
  else if (isResetManagedFields(provided)) managers = new Map<string, ManagerEntry>();
  else {
    managers = decodeManagedFields(provided);
    if (managers.size === 0) managers = liveManagers();
  }
  if (live !== undefined && managers.size === 0) return withManagedFields(next, managers);
  // Upstream decodes the request into a defaulted object before it records who set what, so
  // the writer also owns the defaults its write brought in.
  let after: JsonObject;
  if (info.defaulted === true) after = bodyView(next);
  else {
    after = body(next);
    resource.strategy.defaults?.(after);
  }
  const before = live === undefined ? {} : body(live);
  return withManagedFields(next, update(before, after, managers, info.manager, optionsFor(resource, info, before, after)));
}
