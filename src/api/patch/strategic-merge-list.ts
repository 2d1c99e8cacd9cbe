// Merging a list whose field has patch strategy "merge" (upstream's mergeSlice). Lists of objects
// merge element-wise by the merge key, with "$patch: delete" elements removing every live element
// with that key and a "$patch: replace" element turning the patch into the whole new list. Lists of
// scalars are a set union, or, for a $deleteFromPrimitiveList/<field> list, a set difference.

import { getField, isJsonObject, type Json, type JsonObject } from './json-value.js';
import type { FieldPatch, PatchSchema } from './patch-strategies.js';
import { cleanAddedValue, DIRECTIVE } from './strategic-merge-clean.js';
import { badPatchType, mergeFailure, noMergeKey } from './strategic-merge-errors.js';
import {
  elementKind,
  findByMergeKey,
  normalizeElementOrder,
  partitionByMergeKey,
  partitionPrimitives,
} from './strategic-merge-order.js';

/** Merges one live element with the patch element of the same key (mergeMap, passed in). */
export type MergeElement = (original: JsonObject, patch: JsonObject, schema: PatchSchema) => JsonObject;

export function mergeList(
  original: Json[],
  patch: Json[],
  field: FieldPatch,
  deleteList: boolean,
  mergeElement: MergeElement,
): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const { mergeKey } = field;
  // Elements taken from the patch as they are, to be cleaned once the order is settled (cleaning
  // earlier could drop the merge key the ordering looks them up by).
  const added = new Set<Json>();
  let base = original;
  let patchItems = patch;
  let merged: Json[];
  if (kind !== 'object') {
    if (deleteList) return deleteScalars(original, patch);
    merged = uniqueScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw mergeFailure(`cannot merge lists without merge key for ${field.schema.name}`);
    ({ base, patchItems } = applyListDirectives(original, patch as JsonObject[], mergeKey, added));
    merged = mergeByKey(base, patchItems as JsonObject[], mergeKey, field.schema, mergeElement, added);
  }
  const [inPatch, serverOnly] = mergeKey
    ? partitionByMergeKey(merged, patchItems, mergeKey)
    : partitionPrimitives(merged, patchItems);
  const ordered = normalizeElementOrder(inPatch, serverOnly, patchItems, base, mergeKey, kind);
  return ordered.flatMap((item) => {
    if (!added.has(item)) return [item];
    const cleaned = cleanAddedValue(item);
    return cleaned === undefined ? [] : [cleaned];
  });
}

/**
 * mergeSliceWithSpecialElements: applies the elements carrying $patch and returns the live list
 * left after deletions with the rest of the patch, or, after "$patch: replace", the rest of the
 * patch as the whole list.
 */
function applyListDirectives(
  original: Json[],
  patch: JsonObject[],
  mergeKey: string,
  added: Set<Json>,
): { base: Json[]; patchItems: Json[] } {
  const rest: JsonObject[] = [];
  let base = original;
  let replace = false;
  for (const item of patch) {
    const directive = getField(item, DIRECTIVE);
    if (directive === undefined) {
      rest.push(item);
    } else if (directive === 'delete') {
      const value = getField(item, mergeKey);
      if (value === undefined) throw noMergeKey(item, mergeKey);
      base = base.filter((live) => !(isJsonObject(live) && Object.hasOwn(live, mergeKey) && live[mergeKey] === value));
    } else if (directive === 'replace') {
      replace = true; // keep going: the other directive elements must not end up in the list
    } else if (directive === 'merge') {
      throw mergeFailure('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, item);
    }
  }
  if (!replace) return { base, patchItems: rest };
  for (const item of rest) added.add(item);
  return { base: rest, patchItems: [] };
}

/** mergeSliceWithoutSpecialElements: merge into the first live element with the same key, or append. */
function mergeByKey(
  base: Json[],
  patch: JsonObject[],
  mergeKey: string,
  schema: PatchSchema,
  mergeElement: MergeElement,
  added: Set<Json>,
): Json[] {
  const merged = [...base];
  for (const item of patch) {
    const value = getField(item, mergeKey);
    if (value === undefined) throw noMergeKey(item, mergeKey);
    const at = findByMergeKey(merged, mergeKey, value);
    const live = merged[at];
    if (at >= 0 && isJsonObject(live)) {
      merged[at] = mergeElement(live, item, schema);
    } else {
      merged.push(item);
      added.add(item);
    }
  }
  return merged;
}

function uniqueScalars(items: Json[]): Json[] {
  return [...new Set(items)];
}

function deleteScalars(current: Json[], toDelete: Json[]): Json[] {
  const doomed = new Set(toDelete);
  return current.filter((item) => !doomed.has(item));
}
