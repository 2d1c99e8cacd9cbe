// Path elements of structured-merge-diff (sigs.k8s.io/structured-merge-diff/fieldpath), kept in
// the serialized form managedFields use for them, so a path element is a plain string:
//   f:<name>          a field of a struct or a key of a map
//   k:<json object>   the item of an associative list whose key fields have these values
//   v:<json value>    the item of a set (a list of scalars)
//   i:<index>         the item of a list by position (never produced here; accepted when decoding)
// Keys of k: are sorted and values are written canonically, so equal elements are equal strings.

import { isJsonObject, type Json, type JsonObject } from '../../api/patch/json-value.js';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

export class FieldPathError extends Error {}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** The element of an associative-list item whose key fields have these values. */
export function keyElement(keys: readonly (readonly [string, Json])[]): PathElement {
  const sorted = [...keys].sort(([a], [b]) => compareStrings(a, b));
  return `k:{${sorted.map(([name, value]) => `${JSON.stringify(name)}:${canonicalJson(value)}`).join(',')}}`;
}

export function valueElement(value: Json): PathElement {
  return `v:${canonicalJson(value)}`;
}

/** JSON with object keys sorted, as Go writes a map: one spelling per value. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort(compareStrings);
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A serialized path element as found in fieldsV1, checked and in canonical form. */
export function parseElement(text: string): PathElement {
  const body = text.slice(2);
  switch (text.slice(0, 2)) {
    case 'f:':
      return text;
    case 'k:': {
      const parsed = parseJson(body, text);
      if (!isJsonObject(parsed)) throw new FieldPathError(`key element ${text} is not a JSON object`);
      return keyElement(Object.entries(parsed));
    }
    case 'v:':
      return valueElement(parseJson(body, text));
    case 'i:':
      if (!/^(0|[1-9][0-9]*)$/.test(body)) throw new FieldPathError(`index element ${text} is not an index`);
      return text;
    default:
      throw new FieldPathError(`unexpected path element ${JSON.stringify(text)}: must start with f:, k:, v: or i:`);
  }
}

function parseJson(body: string, element: string): Json {
  try {
    return JSON.parse(body) as Json;
  } catch {
    throw new FieldPathError(`path element ${element} does not hold valid JSON`);
  }
}

export function isFieldElement(element: PathElement): boolean {
  return element.startsWith('f:');
}

// ---- ordering (fieldpath.PathElement.Compare) ---------------------------------------------------

const RANK: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };
const parsedCache = new Map<string, Json>();

function parsedBody(element: PathElement): Json {
  let value = parsedCache.get(element);
  if (value === undefined) {
    value = JSON.parse(element.slice(2)) as Json;
    if (parsedCache.size > 10_000) parsedCache.clear();
    parsedCache.set(element, value);
  }
  return value;
}

/** Byte order of UTF-8 strings, as Go compares them (code points, not UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 units order as UTF-8 bytes do below the surrogates (U+D800): decide there when the
  // first difference is such a unit, and encode only otherwise.
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(i), 'utf8'), Buffer.from(b.slice(i), 'utf8'));
  }
  return a.length - b.length;
}

/** Upstream's total order of values: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: Json, b: Json): number {
  const rank = (v: Json): number =>
    typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : v === null ? 5 : 4;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return compareStrings(canonicalJson(a), canonicalJson(b));
}

export function compareElements(a: PathElement, b: PathElement): number {
  if (a === b) return 0;
  const ra = RANK[a[0] ?? ''] ?? 4;
  const rb = RANK[b[0] ?? ''] ?? 4;
  if (ra !== rb) return ra - rb;
  switch (a[0]) {
    case 'f':
      // Both start with "f:": comparing the whole strings orders the names.
      return compareStrings(a, b);
    case 'i':
      return Number(a.slice(2)) - Number(b.slice(2));
    case 'v':
      return compareValues(parsedBody(a), parsedBody(b));
    default:
      return compareKeys(parsedBody(a) as JsonObject, parsedBody(b) as JsonObject);
  }
}

/** Key field lists compare field by field (name, then value); a prefix sorts first. */
function compareKeys(a: JsonObject, b: JsonObject): number {
  const x = Object.keys(a);
  const y = Object.keys(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const byName = compareStrings(x[i] ?? '', y[i] ?? '');
    if (byName !== 0) return byName;
    const byValue = compareValues(a[x[i] ?? ''] ?? null, b[y[i] ?? ''] ?? null);
    if (byValue !== 0) return byValue;
  }
  return x.length - y.length;
}

// ---- printing (fieldpath.Path.String) -----------------------------------------------------------

function printValue(value: Json): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return canonicalJson(value);
  return String(value);
}

/** One element as upstream prints it in conflicts: .name, [key="x",port=80], [="v"], [0]. */
export function printElement(element: PathElement): string {
  switch (element[0]) {
    case 'f':
      return `.${element.slice(2)}`;
    case 'i':
      return `[${element.slice(2)}]`;
    case 'v':
      return `[=${printValue(parsedBody(element))}]`;
    default: {
      const keys = parsedBody(element) as JsonObject;
      return `[${Object.entries(keys).map(([name, value]) => `${name}=${printValue(value)}`).join(',')}]`;
    }
  }
}

export function printPath(path: FieldPath): string {
  return path.map(printElement).join('');
}
