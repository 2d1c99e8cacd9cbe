// Errors of strategic merge patch, worded as k8s.io/apimachinery's strategicpatch and mergepatch
// packages word them (Go's %v rendering of maps and lists included), with the status codes
// kube-apiserver's interpretStrategicMergePatchError gives them. Upstream lets the remaining,
// unclassified errors (a missing merge key, mismatched element types, ...) through as 500s; they
// are all caused by the patch, so they are 400 BadRequest here.

import { isJsonObject, type Json } from './json-value.js';
import { PatchError, patchBadRequest, patchRejected } from './patch-error.js';

/** mergepatch sentinel errors that kube-apiserver maps to 400 BadRequest. */
export const badPatchFormat = {
  primitiveList: (): PatchError => patchBadRequest('invalid patch format of primitive list'),
  retainKeys: (): PatchError => patchBadRequest('invalid patch format of retainKeys'),
  setElementOrderList: (): PatchError => patchBadRequest('invalid patch format of setElementOrder list'),
};

/** mergepatch.ErrNoListOfLists, which kube-apiserver maps to 422. */
export function noListOfLists(): PatchError {
  return patchRejected('lists of lists are not supported');
}

/** Any other failure of the merge. */
export function mergeFailure(message: string): PatchError {
  return patchBadRequest(message);
}

export function noMergeKey(element: Json, mergeKey: string): PatchError {
  return mergeFailure(`map: ${goFormat(element)} does not contain declared merge key: ${mergeKey}`);
}

export function badArgType(expected: Json, actual: Json | undefined): PatchError {
  return mergeFailure(`expected a ${goType(expected)}, but received a ${goType(actual ?? null)}`);
}

export function badPatchType(directive: Json, map: Json): PatchError {
  return mergeFailure(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(map)}`);
}

/** The reflect type name Go prints for a decoded JSON value. */
function goType(value: Json): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (isJsonObject(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** Go's fmt %v of a decoded JSON value: map[k:v ...] with sorted keys, [a b], <nil>. */
export function goFormat(value: Json): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isJsonObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${key}:${goFormat(value[key] ?? null)}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}
