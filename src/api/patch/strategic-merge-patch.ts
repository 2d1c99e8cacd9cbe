// Kubernetes strategic merge patch (application/strategic-merge-patch+json), the server half of
// k8s.io/apimachinery/pkg/util/strategicpatch (StrategicMergeMapPatch): a JSON merge patch in which
// lists tagged "merge" merge element-wise (strategic-merge-list.ts), plus the directives kubectl
// sends: $patch (replace or delete a map; delete an element or replace a whole list),
// $retainKeys, $setElementOrder/<list> and $deleteFromPrimitiveList/<list>. Which list merges by
// which key comes from the PatchSchema of the object's kind (patch-strategies.ts).

import { cloneJson, getField, goJsonKind, isJsonObject, setField, type Json, type JsonObject } from './json-value.js';
import { patchBadRequest, type PatchError } from './patch-error.js';
import type { PatchSchema } from './patch-strategies.js';
import {
  cleanAddedList,
  cleanAddedValue,
  DELETE_FROM_PRIMITIVE_LIST,
  DIRECTIVE,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
} from './strategic-merge-clean.js';
import { badArgType, badPatchFormat, badPatchType } from './strategic-merge-errors.js';
import { mergeList } from './strategic-merge-list.js';
import {
  checkElementOrder,
  elementKind,
  normalizeElementOrder,
  partitionByMergeKey,
  partitionPrimitives,
} from './strategic-merge-order.js';

/**
 * Applies `patch` (the parsed body) to a copy of `original`, walking `schema` (see
 * patchSchemaForKind); neither argument is modified.
 */
export function applyStrategicMergePatch(original: JsonObject, patch: Json, schema: PatchSchema): JsonObject {
  // Go decodes a "null" body into a nil map, which patches nothing.
  if (patch === null) return cloneJson(original);
  if (!isJsonObject(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(cloneJson(original), cloneJson(patch), schema);
}

/** Merges `patch` into `original`, both private copies that this may modify. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject {
  const directive = getField(patch, DIRECTIVE);
  if (directive !== undefined) return mapDirective(directive, patch);
  applyRetainKeys(original, patch);
  applyElementOrders(original, patch, schema);

  for (const [patchKey, value] of Object.entries(patch)) {
    const deleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const key = deleteList
      ? directiveTarget(patchKey, DELETE_FROM_PRIMITIVE_LIST, badPatchFormat.primitiveList)
      : patchKey;
    if (value === null) {
      delete original[key];
      continue;
    }
    const current = getField(original, key);
    if (current === undefined || !sameKind(current, value)) {
      // Nothing to merge with: take the patch's value, unless it lists deletions from nothing.
      if (!deleteList) setOrDelete(original, key, cleanAddedValue(value));
      continue;
    }
    const field = schema.field(key);
    if (isJsonObject(current) && isJsonObject(value)) {
      if (field.strategy === 'replace') setOrDelete(original, key, cleanAddedValue(value));
      else setField(original, key, mergeMap(current, value, field.schema));
    } else if (Array.isArray(current) && Array.isArray(value)) {
      // A deletion list removes from its list whatever the list's own strategy.
      const merges = field.strategy === 'merge' || deleteList;
      setField(original, key, merges ? mergeList(current, value, field, deleteList, mergeMap) : cleanAddedList(value));
    } else {
      setField(original, key, value);
    }
  }
  return original;
}

/** "$patch: replace" makes the map exactly the patch's other members; "$patch: delete" empties it. */
function mapDirective(directive: Json, patch: JsonObject): JsonObject {
  if (directive === 'delete') return {};
  if (directive !== 'replace') throw badPatchType(directive, patch);
  const replacement = cleanAddedValue(patch);
  return isJsonObject(replacement) ? replacement : {};
}

/**
 * $retainKeys lists the members the map keeps: the others are removed before the merge. Every
 * member the patch sets must be in the list, or the patch contradicts itself.
 */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const retain = getField(patch, RETAIN_KEYS);
  if (retain === undefined) return;
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badPatchFormat.retainKeys();
  const kept = new Set<Json>(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!kept.has(key)) throw badPatchFormat.retainKeys();
  }
  for (const key of Object.keys(original)) {
    if (!kept.has(key)) delete original[key];
  }
}

/**
 * mergePatchIntoOriginal: each $setElementOrder/<list> is handled together with the patch's
 * <list>, which is merged here and removed from the patch; the order list then decides the order
 * of the elements it names, the live list the order of the others.
 */
function applyElementOrders(original: JsonObject, patch: JsonObject, schema: PatchSchema): void {
  for (const orderKey of Object.keys(patch)) {
    if (!orderKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = getField(patch, orderKey) ?? null;
    delete patch[orderKey];
    if (!Array.isArray(order)) throw badArgType([], order);
    const key = directiveTarget(orderKey, SET_ELEMENT_ORDER, badPatchFormat.setElementOrderList);
    const live = listOrUndefined(getField(original, key));
    const patched = listOrUndefined(getField(patch, key));
    const field = schema.field(key);
    checkElementOrder(patched ?? [], order, field.mergeKey);

    let merged: Json[];
    if (live !== undefined && patched !== undefined) {
      merged = field.strategy === 'merge' ? mergeList(live, patched, field, false, mergeMap) : cleanAddedList(patched);
    } else if (live !== undefined) {
      merged = live;
    } else if (patched !== undefined) {
      merged = cleanAddedList(patched);
    } else {
      continue;
    }
    const [named, serverOnly] = field.mergeKey
      ? partitionByMergeKey(merged, order, field.mergeKey)
      : partitionPrimitives(merged, order);
    const kind = elementKind(live ?? [], patched ?? []);
    setField(original, key, normalizeElementOrder(named, serverOnly, order, live ?? [], field.mergeKey, kind));
    delete patch[key];
  }
}

function listOrUndefined(value: Json | undefined): Json[] | undefined {
  if (value === undefined || Array.isArray(value)) return value;
  throw badArgType([], value);
}

/** "<prefix>/<field>" → "<field>". */
function directiveTarget(key: string, prefix: string, malformed: () => PatchError): string {
  const slash = key.indexOf('/');
  if (slash === -1 || key.slice(0, slash) !== prefix) throw malformed();
  return key.slice(slash + 1);
}

/** Go compares reflect types: objects, lists, strings, numbers and booleans only match their own. */
function sameKind(a: Json, b: Json): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b);
  if (a === null || b === null) return a === b;
  return typeof a === typeof b;
}

function setOrDelete(object: JsonObject, key: string, value: Json | undefined): void {
  if (value === undefined) delete object[key];
  else setField(object, key, value);
}
