// RFC 7386 JSON Merge Patch (application/merge-patch+json): null deletes a member, objects merge
// recursively, anything else (arrays included) replaces. As in evanphx/json-patch, which
// kube-apiserver uses, nulls inside a value that replaces are dropped rather than stored, and a
// patch that is not an object is refused with 400.

import { cloneJson, getField, goJsonKind, isJsonObject, setField, type Json, type JsonObject } from './json-value.js';
import { patchBadRequest } from './patch-error.js';

/** Applies `patch` (the parsed body) to a copy of `original`; neither argument is modified. */
export function applyMergePatch(original: JsonObject, patch: Json): JsonObject {
  if (patch === null) throw patchBadRequest('Invalid JSON Patch');
  if (!isJsonObject(patch)) {
    // The wording of the strict decode kubectl asks for (fieldValidation=Strict is its default).
    throw patchBadRequest(
      `error decoding patch: json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`,
    );
  }
  return mergeInto(cloneJson(original), patch);
}

function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = getField(target, key);
    const merged = isJsonObject(current) && isJsonObject(value) ? mergeInto(current, value) : withoutNulls(value);
    setField(target, key, merged);
  }
  return target;
}

/** A copy of `value` without null members at any depth; null array elements stay, as in Go. */
export function withoutNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map((item) => (item === null ? null : withoutNulls(item)));
  if (!isJsonObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) setField(copy, key, withoutNulls(item));
  }
  return copy;
}
