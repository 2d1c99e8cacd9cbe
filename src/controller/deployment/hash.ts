// The pod-template-hash: names a Deployment's ReplicaSets ("<deployment>-<hash>") and labels their
// selector, template and pods, so that ReplicaSets of different templates never select each other's
// pods. Upstream hashes the template with FNV-32a (over Go's spew dump of it; ours is canonical
// JSON, so the values differ from Go's but are just as stable), adds collisionCount when a name was
// already taken by a different template, and renders the decimal number through the "safe"
// alphabet of k8s.io/apimachinery/pkg/util/rand, which has no vowels (no words) and no 0/1/3 (no
// look-alikes).
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level, so the same template always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a, 32 bits (Go's hash/fnv New32a), continuing from `hash`. */
export function fnv32a(bytes: Uint8Array, hash = FNV32_OFFSET): number {
  let h = hash >>> 0;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h;
}

/** rand.SafeEncodeString: each character mapped into the safe alphabet by its code. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHANUMS[(ch.codePointAt(0) ?? 0) % SAFE_ALPHANUMS.length] ?? '';
  return out;
}

/** Upstream's ComputeHash: the template's hash, with collisionCount (as 8 little-endian bytes) if set. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let hash = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
