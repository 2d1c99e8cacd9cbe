// JSON values as the patch code sees them: what JSON.parse produces, nothing else. Objects coming
// from a request body may carry an own "__proto__" key, so writes go through setField, which never
// touches the prototype chain, and reads go through getField, which ignores inherited properties.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The own property `key` of `object`, or undefined when it has none. */
export function getField(object: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Sets an own data property, even for "__proto__" (plain assignment would replace the prototype). */
export function setField(object: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

export function cloneJson<T extends Json>(value: T): T;
export function cloneJson(value: Json): Json {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item));
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) setField(copy, key, cloneJson(item));
    return copy;
  }
  return value;
}

export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i] ?? null));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => {
      const other = getField(b, key);
      return other !== undefined && jsonEqual(a[key] ?? null, other);
    });
  }
  return false;
}

/** The JSON kind Go's encoding/json names in its "cannot unmarshal X into ..." messages. */
export function goJsonKind(value: Json): 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'string' ? 'string' : 'number';
}
