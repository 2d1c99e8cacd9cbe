// metadata.managedFields and the managers they stand for (managedfields/internal): decoding,
// encoding in upstream's order, identities (BuildManagerIdentifier), the fields nobody owns
// (stripMetaManager) and the cap on Update entries (capManagersManager).

import { isJsonObject, type JsonObject } from '../../api/patch/json-value.js';
import { fieldElement } from './field-path.js';
import { FieldSet } from './field-set.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly subresource?: string;
  /** RFC 3339, whole seconds; absent when the entry never changed the object. */
  readonly time?: string;
  readonly fields: FieldSet;
}

/** Entries by identity: one entry per manager, operation, subresource and (for Update) version. */
export type Managers = Map<string, ManagerEntry>;

export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** The identity of an entry, as upstream's BuildManagerIdentifier spells it. */
export function managerId(entry: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify({
    ...(entry.manager === '' ? {} : { manager: entry.manager }),
    operation: entry.operation,
    ...(entry.operation === 'Update' ? { apiVersion: entry.apiVersion } : {}),
    ...(entry.subresource === undefined || entry.subresource === '' ? {} : { subresource: entry.subresource }),
  });
}

/** Identity and bookkeeping metadata that no manager owns. */
export const STRIP_SET = FieldSet.of([
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (name) => [fieldElement('metadata'), fieldElement(name)],
  ),
]);

/**
 * The managers of stored managedFields. Entries that cannot be read (a client wrote nonsense
 * through an update) are left out rather than failing every later write of the object.
 */
export function decodeManagedFields(entries: unknown): Managers {
  const managers: Managers = new Map();
  if (!Array.isArray(entries)) return managers;
  for (const raw of entries as unknown[]) {
    if (!isJsonObject(raw)) continue;
    const { manager, operation, apiVersion, subresource, time, fieldsType, fieldsV1 } = raw;
    if (operation !== 'Apply' && operation !== 'Update') continue;
    if (typeof apiVersion !== 'string' || apiVersion === '' || fieldsType !== 'FieldsV1') continue;
    let fields: FieldSet;
    try {
      fields = fieldsV1 === undefined || fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(fieldsV1);
    } catch {
      continue;
    }
    const entry: ManagerEntry = {
      manager: typeof manager === 'string' ? manager : '',
      operation,
      apiVersion,
      ...(typeof subresource === 'string' && subresource !== '' ? { subresource } : {}),
      ...(typeof time === 'string' && time !== '' ? { time } : {}),
      fields,
    };
    managers.set(managerId(entry), entry);
  }
  return managers;
}

/** managedFields: [] or [{}] asks an update to forget every manager. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  const [first] = entries as unknown[];
  return entries.length === 0 || (entries.length === 1 && isJsonObject(first) && Object.keys(first).length === 0);
}

function seconds(time: string | undefined): number {
  const ms = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** The entries to store, in upstream's order: operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managers): JsonObject[] | undefined {
  if (managers.size === 0) return undefined;
  const entries = [...managers.values()].sort(
    (a, b) =>
      compare(a.operation, b.operation) ||
      seconds(a.time) - seconds(b.time) ||
      compare(a.manager, b.manager) ||
      compare(a.apiVersion, b.apiVersion) ||
      compare(a.subresource ?? '', b.subresource ?? ''),
  );
  return entries.map((entry) => ({
    ...(entry.manager === '' ? {} : { manager: entry.manager }),
    operation: entry.operation,
    apiVersion: entry.apiVersion,
    ...(entry.time === undefined ? {} : { time: entry.time }),
    fieldsType: 'FieldsV1',
    fieldsV1: entry.fields.toFieldsV1(),
    ...(entry.subresource === undefined ? {} : { subresource: entry.subresource }),
  }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Drops the stripped fields from one entry, and the entry when nothing is left. */
export function stripEntry(managers: Managers, id: string): void {
  const entry = managers.get(id);
  if (entry === undefined) return;
  const fields = entry.fields.difference(STRIP_SET);
  if (fields.isEmpty()) managers.delete(id);
  else managers.set(id, { ...entry, fields });
}

/**
 * At most MAX_UPDATE_MANAGERS Update entries: the oldest are merged, per apiVersion, into an
 * "ancient-changes" entry (the first of each version becomes the bucket's start).
 */
export function capUpdateManagers(managers: Managers): void {
  const updaters = [...managers.entries()].filter(([, entry]) => entry.operation === 'Update').map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort((a, b) => seconds(managers.get(a)?.time) - seconds(managers.get(b)?.time) || compare(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (const id of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const entry = managers.get(id);
    if (entry === undefined) continue;
    const first = firstByVersion.get(entry.apiVersion);
    if (first === undefined) {
      firstByVersion.set(entry.apiVersion, id);
      continue;
    }
    const bucketEntry = { manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: entry.apiVersion } as const;
    const bucket = managerId(bucketEntry);
    const start = managers.get(bucket) ?? managers.get(first);
    if (!managers.has(bucket)) managers.delete(first);
    managers.set(bucket, {
      ...bucketEntry,
      fields: entry.fields.union(start?.fields ?? new FieldSet()),
      ...(entry.time === undefined ? {} : { time: entry.time }),
    });
    managers.delete(id);
    length--;
  }
}
