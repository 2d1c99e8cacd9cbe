// The kubectl.kubernetes.io/last-applied-configuration annotation: what client-side apply last
// applied, kept on the object so the next apply knows which fields it owns. Written byte for byte
// as kubectl writes it (Go's encoding/json of the object without the annotation: keys sorted, no
// spaces, HTML characters escaped, a trailing newline), so that kubectl and superctl applying the
// same file see the same annotation and both say "unchanged".
import type { JsonObject } from '../../api/patch/json-value.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Go's json.Marshal of a decoded JSON value, with json.Encoder's newline. */
export function goCompactJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const key of keys) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

function metadataOf(object: JsonObject): JsonObject {
  const metadata = object['metadata'];
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? metadata : {};
}

/** The annotation's value on a live object, or undefined. */
export function lastAppliedOf(object: JsonObject): string | undefined {
  const annotations = metadataOf(object)['annotations'];
  if (typeof annotations !== 'object' || annotations === null || Array.isArray(annotations)) return undefined;
  const value = annotations[LAST_APPLIED_ANNOTATION];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The object as apply sends it (kubectl's GetModifiedConfiguration): the file's object with the
 * annotation set to the serialisation of the object without it. Like kubectl, an object with no
 * annotations gets an empty annotations map in the serialisation.
 */
export function withLastApplied(object: JsonObject): JsonObject {
  const metadata = { ...metadataOf(object) };
  const annotations = { ...((metadata['annotations'] as JsonObject | null | undefined) ?? {}) };
  delete annotations[LAST_APPLIED_ANNOTATION];
  const withoutAnnotation = { ...object, metadata: { ...metadata, annotations } };
  const serialised = goCompactJson(withoutAnnotation);
  return { ...object, metadata: { ...metadata, annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: serialised } } };
}

/** The last applied configuration parsed, or {} when there is none (or it is unreadable). */
export function originalOf(current: JsonObject): JsonObject {
  const text = lastAppliedOf(current);
  if (text === undefined || text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
  } catch {
    return {};
  }
}
