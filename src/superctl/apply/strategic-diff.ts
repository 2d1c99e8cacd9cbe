// The diff half of strategic merge patch (k8s.io/apimachinery strategicpatch diffMaps/diffLists):
// the patch that turns one object into another, walking the per-type patch strategies the API
// server merges with (imported from src/api/patch, the one table of them). Lists that
// merge by key produce element patches, `$patch: delete` elements, `$setElementOrder/<list>`;
// primitive merge lists produce additions and `$deleteFromPrimitiveList/<list>`; fields marked
// retainKeys get `$retainKeys`. With a schema that knows no strategies, the result is a plain
// JSON merge patch (what kubectl sends for kinds it has no strategies for).
import { isJsonObject, jsonEqual, type Json, type JsonObject } from '../../api/patch/json-value.js';
import type { PatchSchema } from '../../api/patch/patch-strategies.js';

export const DIRECTIVE = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const SET_ELEMENT_ORDER = '$setElementOrder';
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

export interface DiffOptions {
  /** Leave out what original has and modified lacks (the current→modified half of a three-way patch). */
  readonly ignoreDeletions?: boolean;
  /** Only deletions (the original→modified half of a three-way patch). */
  readonly ignoreChangesAndAdditions?: boolean;
  readonly setElementOrder?: boolean;
  /** Set for the fields of a map whose field is tagged retainKeys. */
  readonly buildRetainKeys?: boolean;
}

export function diffMaps(original: JsonObject, modified: JsonObject, schema: PatchSchema, options: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  const retainKeys: string[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (options.buildRetainKeys === true && modifiedValue !== null) retainKeys.push(key);
    if (!Object.hasOwn(original, key)) {
      if (options.ignoreChangesAndAdditions !== true) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key] as Json;
    if (goKind(originalValue) !== goKind(modifiedValue)) {
      if (options.ignoreChangesAndAdditions !== true) patch[key] = modifiedValue;
      continue;
    }
    if (isJsonObject(originalValue) && isJsonObject(modifiedValue)) {
      diffMapField(key, originalValue, modifiedValue, patch, schema, options);
    } else if (Array.isArray(originalValue) && Array.isArray(modifiedValue)) {
      diffListField(key, originalValue, modifiedValue, patch, schema, options);
    } else {
      replaceIfNotEqual(key, originalValue, modifiedValue, patch, options);
    }
  }
  if (options.ignoreDeletions !== true) {
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasFieldModifiedLacks(original, modified))) {
    patch[RETAIN_KEYS] = retainKeys.sort();
  }
  return patch;
}

/** Go's reflect.TypeOf as JSON decoding makes it: numbers are all float64. */
function goKind(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasFieldModifiedLacks(original: JsonObject, modified: JsonObject): boolean {
  return Object.entries(original).some(([key, value]) => value !== null && !Object.hasOwn(modified, key));
}

function replaceIfNotEqual(key: string, original: Json, modified: Json, patch: JsonObject, options: DiffOptions): void {
  if (options.ignoreChangesAndAdditions === true || jsonEqual(original, modified)) return;
  patch[key] = modified;
}

function diffMapField(key: string, original: JsonObject, modified: JsonObject, patch: JsonObject, schema: PatchSchema, options: DiffOptions): void {
  const field = schema.field(key);
  if (field.strategy === 'replace') {
    if (options.ignoreChangesAndAdditions !== true) patch[key] = modified;
    return;
  }
  const value = diffMaps(original, modified, field.schema, { ...options, buildRetainKeys: field.retainKeys });
  if (Object.keys(value).length > 0) patch[key] = value;
}

function diffListField(key: string, original: Json[], modified: Json[], patch: JsonObject, schema: PatchSchema, options: DiffOptions): void {
  const field = schema.field(key);
  if (field.strategy !== 'merge') {
    replaceIfNotEqual(key, original, modified, patch, options);
    return;
  }
  const elementOptions = { ...options, buildRetainKeys: field.retainKeys };
  const elementIsMap = [...original, ...modified].some((element) => isJsonObject(element));
  if (elementIsMap) {
    const mergeKey = field.mergeKey;
    if (mergeKey === undefined) throw new Error(`the list ${key} merges but has no merge key`);
    const { changed, deletions } = diffListsOfMaps(original, modified, field.schema, mergeKey, elementOptions);
    const ordered = orderLike(changed, modified, (element) => keyString(element, mergeKey));
    const patchList = [...ordered, ...deletions];
    if (patchList.length > 0) patch[key] = patchList;
    const orderSame = sameOrder(original, modified, mergeKey);
    const wantOrder =
      options.setElementOrder === true &&
      ((options.ignoreChangesAndAdditions !== true && (patchList.length > 0 || !orderSame)) || (options.ignoreDeletions !== true && patchList.length > 0));
    if (wantOrder) {
      patch[`${SET_ELEMENT_ORDER}/${key}`] = modified.map((element) => ({ [mergeKey]: isJsonObject(element) ? (element[mergeKey] ?? null) : null }));
    }
    return;
  }
  const { added, deleted } = diffListsOfScalars(original, modified, options);
  const ordered = orderLike(added, modified, (element) => scalarString(element));
  if (ordered.length > 0) patch[key] = ordered;
  if (deleted.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}/${key}`] = deleted;
  const wantOrder =
    options.setElementOrder === true &&
    ((options.ignoreDeletions !== true && deleted.length > 0) || (options.ignoreChangesAndAdditions !== true && !jsonEqual(original, modified)));
  if (wantOrder) patch[`${SET_ELEMENT_ORDER}/${key}`] = modified;
}

/** Both lists sorted by merge key and walked together, as upstream does (string order of %v). */
function diffListsOfMaps(
  original: Json[],
  modified: Json[],
  schema: PatchSchema,
  mergeKey: string,
  options: DiffOptions,
): { changed: Json[]; deletions: Json[] } {
  const changed: Json[] = [];
  const deletions: Json[] = [];
  const sortByKey = (list: Json[]): JsonObject[] =>
    list.filter((element): element is JsonObject => isJsonObject(element)).sort((a, b) => compareStrings(keyString(a, mergeKey), keyString(b, mergeKey)));
  const originalSorted = sortByKey(original);
  const modifiedSorted = sortByKey(modified);
  let o = 0;
  let m = 0;
  while (o < originalSorted.length || m < modifiedSorted.length) {
    const originalElement = originalSorted[o];
    const modifiedElement = modifiedSorted[m];
    if (originalElement !== undefined && modifiedElement !== undefined) {
      const order = compareStrings(keyString(originalElement, mergeKey), keyString(modifiedElement, mergeKey));
      if (order === 0) {
        const value = diffMaps(originalElement, modifiedElement, schema, options);
        if (Object.keys(value).length > 0) changed.push({ ...value, [mergeKey]: modifiedElement[mergeKey] ?? null });
        o++;
        m++;
        continue;
      }
      if (order > 0) {
        if (options.ignoreChangesAndAdditions !== true) changed.push(modifiedElement);
        m++;
        continue;
      }
      if (options.ignoreDeletions !== true) deletions.push({ [DIRECTIVE]: 'delete', [mergeKey]: originalElement[mergeKey] ?? null });
      o++;
      continue;
    }
    if (modifiedElement !== undefined) {
      if (options.ignoreChangesAndAdditions !== true) changed.push(modifiedElement);
      m++;
    } else if (originalElement !== undefined) {
      if (options.ignoreDeletions !== true) deletions.push({ [DIRECTIVE]: 'delete', [mergeKey]: originalElement[mergeKey] ?? null });
      o++;
    }
  }
  return { changed, deletions };
}

function diffListsOfScalars(original: Json[], modified: Json[], options: DiffOptions): { added: Json[]; deleted: Json[] } {
  const sort = (list: Json[]): Json[] => [...list].sort((a, b) => compareStrings(scalarString(a), scalarString(b)));
  const originalSorted = sort(original);
  const modifiedSorted = sort(modified);
  const added: Json[] = [];
  const deleted: Json[] = [];
  let o = 0;
  let m = 0;
  while (o < originalSorted.length || m < modifiedSorted.length) {
    const originalElement = o < originalSorted.length ? scalarString(originalSorted[o] ?? null) : undefined;
    const modifiedElement = m < modifiedSorted.length ? scalarString(modifiedSorted[m] ?? null) : undefined;
    if (originalElement !== undefined && modifiedElement !== undefined && originalElement === modifiedElement) {
      o++;
      m++;
    } else if (originalElement === undefined || (modifiedElement !== undefined && originalElement > modifiedElement)) {
      if (options.ignoreChangesAndAdditions !== true) added.push(modifiedSorted[m] ?? null);
      m++;
    } else {
      if (options.ignoreDeletions !== true) deleted.push(originalSorted[o] ?? null);
      o++;
    }
  }
  return { added, deleted };
}

/** The patch's elements in the order modified has them (upstream's normalizeSliceOrder). */
function orderLike(patchList: Json[], modified: Json[], keyOf: (element: Json) => string): Json[] {
  const position = new Map<string, number>();
  modified.forEach((element, index) => position.set(keyOf(element), index));
  return [...patchList].sort((a, b) => (position.get(keyOf(a)) ?? Number.MAX_SAFE_INTEGER) - (position.get(keyOf(b)) ?? Number.MAX_SAFE_INTEGER));
}

function sameOrder(original: Json[], modified: Json[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  return original.every((element, index) => keyString(element, mergeKey) === keyString(modified[index] ?? null, mergeKey));
}

function keyString(element: Json, mergeKey: string): string {
  return isJsonObject(element) ? scalarString(element[mergeKey] ?? null) : scalarString(element);
}

/** fmt.Sprintf("%v") of a JSON scalar, which is what upstream sorts and matches by. */
function scalarString(value: Json): string {
  if (value === null) return '<nil>';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
