// The bridge from client-side to server-side apply, for kubectl only (upstream's
// lastAppliedManager and lastAppliedUpdater): fields kubectl set through client-side apply, as
// its last-applied-configuration annotation records, do not conflict with kubectl's own server-side
// apply; and while that annotation exists, server-side applies by kubectl keep it up to date.

import { getField, isJsonObject, setField, type Json, type JsonObject } from '../../api/patch/json-value.js';
import { canonicalJson } from './field-path.js';
import type { FieldSet } from './field-set.js';
import type { StructNode } from './schema.js';
import { compareValues, toFieldSet } from './typed-compare.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The manager name both behaviours are reserved to. */
export const KUBECTL = 'kubectl';
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function annotationsOf(object: JsonObject): JsonObject | undefined {
  const meta = getField(object, 'metadata');
  const annotations = isJsonObject(meta ?? null) ? getField(meta as JsonObject, 'annotations') : undefined;
  return isJsonObject(annotations ?? null) ? (annotations as JsonObject) : undefined;
}

function lastAppliedOf(object: JsonObject): string | undefined {
  const value = annotationsOf(object)?.[LAST_APPLIED];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The fields of the live object that still have the value kubectl's last client-side apply gave
 * them; undefined when there is no usable annotation.
 */
export function allowedFromLastApplied(live: JsonObject, apiVersion: string, schema: StructNode): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (text === undefined) return undefined;
  try {
    const last = JSON.parse(text) as Json;
    if (!isJsonObject(last) || last['apiVersion'] !== apiVersion) return undefined;
    const comparison = compareValues(last, live, schema);
    return toFieldSet(last, schema).difference(comparison.modified).difference(comparison.added).difference(comparison.removed);
  } catch {
    return undefined;
  }
}

/** The annotation's value for an applied configuration, as Go's JSON encoder writes it. */
function encodeLastApplied(config: JsonObject): string {
  const copy = JSON.parse(JSON.stringify(config)) as JsonObject;
  const annotations = annotationsOf(copy);
  if (annotations !== undefined) delete annotations[LAST_APPLIED];
  const escaped = canonicalJson(copy).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${escaped}\n`;
}

/** `object` with its last-applied annotation (if it has one) set to `config`, as upstream keeps it in sync. */
export function syncLastApplied(object: JsonObject, config: JsonObject): JsonObject {
  if (lastAppliedOf(object) === undefined) return object;
  const meta = { ...(getField(object, 'metadata') as JsonObject) };
  const annotations: JsonObject = { ...annotationsOf(object), [LAST_APPLIED]: encodeLastApplied(config) };
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) size += Buffer.byteLength(key) + Buffer.byteLength(typeof value === 'string' ? value : '');
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED];
  setField(meta, 'annotations', annotations);
  const out = { ...object };
  setField(out, 'metadata', meta);
  return out;
}
