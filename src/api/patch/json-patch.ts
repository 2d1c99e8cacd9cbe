// RFC 6902 JSON Patch (application/json-patch+json), applied with fast-json-patch. What is ours is
// the error mapping: kube-apiserver (evanphx/json-patch underneath) answers 400 when the body is not
// a list of operation objects, 413 past 10,000 operations, and 422 with a fixed message plus a
// cause such as "testing value /x failed: test failed" when an operation does not apply.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { cloneJson, getField, goJsonKind, isJsonObject, type Json, type JsonObject } from './json-value.js';
import { patchBadRequest, patchRejected, patchResultInvalid, patchTooLarge } from './patch-error.js';

/** kube-apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

const OPERATIONS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Applies `patch` (the parsed body) to a copy of `original`; `original` is left untouched. */
export function applyJsonPatch(original: JsonObject, patch: Json): JsonObject {
  const operations = decodeOperations(patch);
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw patchTooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
    );
  }
  let document: Json = cloneJson(original);
  operations.forEach((raw, index) => {
    const operation = checkOperation(raw);
    try {
      document = jsonpatch.applyOperation(document, operation, true, true, true, index).newDocument;
    } catch (error) {
      throw patchRejected(describeFailure(operation, error), error);
    }
  });
  if (!isJsonObject(document)) {
    throw patchResultInvalid(JSON.stringify(document), 'the patched object must be a JSON object');
  }
  return document;
}

/** jsonpatch.DecodePatch: the body must be a JSON array of objects (null elements pass, as in Go). */
function decodeOperations(patch: Json): (JsonObject | null)[] {
  if (!Array.isArray(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  return patch.map((operation) => {
    if (operation === null || isJsonObject(operation)) return operation;
    throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(operation)} into Go value of type jsonpatch.Operation`);
  });
}

/**
 * Checks what fast-json-patch would either accept wrongly (its op lookup also matches "_get" and
 * Object.prototype names) or report in its own words, and copies the value so the result never
 * shares objects with the request.
 */
function checkOperation(raw: JsonObject | null): Operation {
  const op = raw === null ? undefined : getField(raw, 'op');
  if (typeof op !== 'string' || !OPERATIONS.has(op)) {
    throw patchRejected(`Unexpected kind: ${typeof op === 'string' ? op : 'unknown'}`);
  }
  const fields = raw ?? {};
  const path = getField(fields, 'path');
  if (typeof path !== 'string') throw patchRejected(`${op} operation failed to decode path: missing value`);
  if (path !== '' && !path.startsWith('/')) throw patchRejected(missingPath(op, path));
  const operation: JsonObject = { op, path };
  if (op === 'move' || op === 'copy') {
    const from = getField(fields, 'from');
    if (typeof from !== 'string') throw patchRejected(`${op} operation failed to decode from: missing value`);
    operation['from'] = from;
  }
  if (op === 'add' || op === 'replace' || op === 'test') {
    // evanphx/json-patch reads an absent value as null rather than refusing the operation.
    operation['value'] = cloneJson(getField(fields, 'value') ?? null);
  }
  return operation as unknown as Operation;
}

function describeFailure(operation: Operation, error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const { op, path } = operation;
  const last = path.slice(path.lastIndexOf('/') + 1);
  const from = 'from' in operation ? operation.from : '';
  switch (name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing from path: ${from}: missing value`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `error in ${op} for path: '${path}': value was not a proper array index: '${last}'`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `error in ${op} for path: '${path}': Unable to access invalid index: ${last}: invalid index referenced`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_PATH_INVALID':
      return missingPath(op, path);
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** evanphx/json-patch's wording when the target of an operation does not exist. */
function missingPath(op: string, path: string): string {
  switch (op) {
    case 'replace':
      return `replace operation does not apply: doc is missing key: ${path}: missing value`;
    case 'test':
      return `test operation does not apply: is missing path: ${path}: missing value`;
    case 'move':
    case 'copy':
      return `${op} operation does not apply: doc is missing destination path: ${path}: missing value`;
    default:
      return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
  }
}
