// What a strategic merge patch stores when it adds a value the live object did not have (or
// replaces one of another type). Upstream drops null members (discardNullValuesFromPatch) and
// anything carrying $patch (removeDirectives), then decodes into a Go struct, which also sheds the
// other $-directives. We store JSON without that decode, so the cleaning does it all:
// - null members are dropped (nothing to delete in a new value);
// - list elements carrying $patch are dropped (a directive about a list that does not exist yet);
// - a map carrying "$patch: replace" is its other members, any other $patch drops the map;
// - $retainKeys, $setElementOrder/* and $deleteFromPrimitiveList/* members are dropped.
// Upstream drops a "$patch: replace" map too (removeDirectives does not look at the value); keeping
// its content is what the client asked for and what a later merge into an existing map gives.

import { getField, isJsonObject, setField, type Json, type JsonObject } from './json-value.js';

export const DIRECTIVE = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const SET_ELEMENT_ORDER = '$setElementOrder';
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/** The value to store for a map member, or undefined when the member should not exist. */
export function cleanAddedValue(value: Json): Json | undefined {
  if (Array.isArray(value)) return cleanAddedList(value);
  if (!isJsonObject(value)) return value;
  const directive = getField(value, DIRECTIVE);
  if (directive !== undefined) return directive === 'replace' ? cleanMembers(value) : undefined;
  return cleanMembers(value);
}

export function cleanAddedList(list: readonly Json[]): Json[] {
  const kept: Json[] = [];
  for (const item of list) {
    if (isJsonObject(item) && Object.hasOwn(item, DIRECTIVE)) continue;
    const cleaned = cleanAddedValue(item);
    if (cleaned !== undefined) kept.push(cleaned);
  }
  return kept;
}

function cleanMembers(object: JsonObject): JsonObject {
  const cleaned: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || isDirectiveKey(key)) continue;
    const kept = cleanAddedValue(value);
    if (kept !== undefined) setField(cleaned, key, kept);
  }
  return cleaned;
}

function isDirectiveKey(key: string): boolean {
  return (
    key === DIRECTIVE ||
    key === RETAIN_KEYS ||
    key.startsWith(`${SET_ELEMENT_ORDER}/`) ||
    key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`)
  );
}
