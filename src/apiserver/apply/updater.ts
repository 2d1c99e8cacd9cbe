// The two operations of structured-merge-diff's Updater (merge/update.go), on JSON objects and
// managers: Update (a write computed by the client: who owns what afterwards) and Apply (merge a
// manager's configuration, drop what it stopped applying, refuse or take over other managers'
// fields that would change).

import type { JsonObject } from '../../api/patch/json-value.js';
import { jsonEqual } from '../../api/patch/json-value.js';
import { ApplyConflicts, listConflicts } from './conflicts.js';
import { FieldSet } from './field-set.js';
import { capUpdateManagers, managerId, stripEntry, type ManagerEntry, type Managers } from './managers.js';
import type { StructNode } from './schema.js';
import { compareValues, toFieldSet, type Comparison } from './typed-compare.js';
import { mergeObjects, pruneObject } from './typed-merge.js';

export interface UpdaterOptions {
  readonly schema: StructNode;
  /** Paths that no write through this endpoint owns (a status the main resource resets, ...). */
  readonly ignored: FieldSet;
  /** The apiVersion the request speaks. */
  readonly apiVersion: string;
  readonly subresource?: string;
  /** The time to stamp on an entry whose write changed the object. */
  readonly now: string;
}

function filtered(comparison: Comparison, ignored: FieldSet): Comparison {
  if (ignored.isEmpty()) return comparison;
  return {
    added: comparison.added.recursiveDifference(ignored),
    modified: comparison.modified.recursiveDifference(ignored),
    removed: comparison.removed.recursiveDifference(ignored),
  };
}

/**
 * Who owns what once `before` becomes `after` on behalf of `self` (merge/update.go update): any
 * other manager that owns a changed field conflicts; without `force` that is a 409, with it the
 * field is theirs no more. Removed fields are nobody's. Managers left with nothing go.
 */
function reconcile(
  before: JsonObject,
  after: JsonObject,
  managers: Managers,
  self: string,
  force: boolean,
  options: UpdaterOptions,
): { managers: Managers; comparison: Comparison } {
  const comparison = filtered(compareValues(before, after, options.schema), options.ignored);
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, { entry: ManagerEntry; fields: FieldSet }>();
  for (const [id, entry] of managers) {
    if (id === self) continue;
    const fields = entry.fields.intersection(changed);
    if (!fields.isEmpty()) conflicts.set(id, { entry, fields });
  }
  if (!force && conflicts.size > 0) throw new ApplyConflicts(listConflicts(conflicts));
  const out: Managers = new Map();
  for (const [id, entry] of managers) {
    let fields = entry.fields;
    if (id !== self) {
      const lost = conflicts.get(id)?.fields;
      if (lost !== undefined) fields = fields.difference(lost);
      fields = fields.difference(comparison.removed);
    }
    if (!fields.isEmpty()) out.set(id, fields === entry.fields ? entry : { ...entry, fields });
  }
  return { managers: out, comparison };
}

/**
 * An Update by `manager`: it comes to own what it added or changed (on top of what it owned),
 * taking it from other managers, and the entry's time moves when it changed anything.
 */
export function update(before: JsonObject, after: JsonObject, managers: Managers, manager: string, options: UpdaterOptions): Managers {
  const current = '\u0000current-operation';
  const { managers: out, comparison } = reconcile(before, after, managers, current, true, options);
  const changed = comparison.modified.union(comparison.added).recursiveDifference(options.ignored);
  const entry: Omit<ManagerEntry, 'fields'> = {
    manager,
    operation: 'Update',
    apiVersion: options.apiVersion,
    ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
  };
  out.set(current, { ...entry, fields: changed });
  stripEntry(out, current);
  const taken = out.get(current)?.fields;
  out.delete(current);
  if (taken !== undefined) {
    const id = managerId(entry);
    const previous = out.get(id)?.fields;
    out.set(id, { ...entry, time: options.now, fields: previous === undefined ? taken : taken.union(previous) });
  }
  capUpdateManagers(out);
  return out;
}

export interface ApplyResult {
  /** The object to store: the merged one, or `live` itself when the apply changes nothing. */
  readonly object: JsonObject;
  readonly managers: Managers;
  readonly changed: boolean;
}

/**
 * An Apply of `config` by `manager`: merged into `live`, with what the manager applied last time
 * and applies no more removed unless another manager owns it; the manager then owns exactly its
 * configuration. Throws ApplyConflicts unless `force`, and ApplyShapeError for a configuration
 * that does not fit the schema.
 */
export function apply(live: JsonObject, config: JsonObject, managers: Managers, manager: string, force: boolean, options: UpdaterOptions): ApplyResult {
  const applied = toFieldSet(config, options.schema).recursiveDifference(options.ignored);
  const entry: Omit<ManagerEntry, 'fields'> = {
    manager,
    operation: 'Apply',
    apiVersion: options.apiVersion,
    ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
  };
  const id = managerId(entry);
  const previous = managers.get(id);
  const next: Managers = new Map(managers);
  next.set(id, { ...entry, ...(previous?.time === undefined ? {} : { time: previous.time }), fields: applied });
  let owned = new FieldSet();
  for (const m of next.values()) owned = owned.union(m.fields);
  const merged = mergeObjects(live, config, options.schema);
  const pruned = previous === undefined ? merged : pruneObject(merged, previous.fields, owned, options.schema);
  const { managers: out } = reconcile(live, pruned, next, id, force, options);
  stripEntry(out, id);
  const changed = !jsonEqual(live, pruned);
  const mine = out.get(id);
  if (mine !== undefined && (changed || mine.time === undefined)) out.set(id, { ...mine, time: options.now });
  capUpdateManagers(out);
  return { object: changed ? pruned : live, managers: out, changed };
}
