// etcd's key-range conventions: a missing end is one key, "\0" is "everything from key on",
// anything else is the half-open interval [key, end). Keys compare as strings; for the ASCII keys
// Kubernetes uses this is the same order as etcd's byte order.
import type { KeyRange } from './backend.js';

export const ALL_FROM_KEY = '\0';

/** The range holding every key that starts with `prefix` (every key at all for ""). */
export function prefixRange(prefix: string): Required<KeyRange> {
  if (prefix === '') return { key: ALL_FROM_KEY, rangeEnd: ALL_FROM_KEY };
  return { key: prefix, rangeEnd: prefixEnd(prefix) };
}

/** The first key after every key starting with `prefix`, as etcd's clientv3.GetPrefixRangeEnd. */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return ALL_FROM_KEY;
}

export function isSingleKey(range: KeyRange): boolean {
  return range.rangeEnd === undefined || range.rangeEnd === '';
}

export function keyInRange(key: string, range: KeyRange): boolean {
  if (isSingleKey(range)) return key === range.key;
  if (key < range.key) return false;
  return range.rangeEnd === ALL_FROM_KEY || key < (range.rangeEnd as string);
}
