// Turns a decoded protobuf message into exactly what Go's encoding/json prints for the same object:
// - a non-pointer scalar is always on the wire (gogo writes it set or not), so a zero one is left
//   out unless the field is marked (keep) (a Go pointer, or no omitempty in its json tag);
// - a message on the wire is printed even when empty ({}), as Go prints non-pointer structs;
// - (inline) fields merge into their parent (Go's embedded structs);
// - bytes become base64, int64 become numbers, maps become objects;
// - the apimachinery types with their own MarshalJSON print as Go prints them.
import protobuf from 'protobufjs';
import type { Field, Type } from 'protobufjs';
import { ProtobufDecodeError } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
type Fields = Record<string, unknown>;

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
/** Go's zero time.Time, 0001-01-01T00:00:00Z, in Unix seconds: prints as null, like an empty Time. */
const ZERO_TIME_SECONDS = -62135596800;

const SPECIAL: ReadonlyMap<string, (fields: Fields) => Json> = new Map<string, (fields: Fields) => Json>([
  [`${META}.Time`, (f) => timeJson(f, false)],
  [`${META}.MicroTime`, (f) => timeJson(f, true)],
  [`${META}.Duration`, (f) => goDuration(int64(f.duration))],
  [`${META}.FieldsV1`, (f) => rawJson(f.Raw, 'FieldsV1')],
  ['.k8s.io.apimachinery.pkg.runtime.RawExtension', (f) => rawJson(f.raw, 'RawExtension')],
  ['.k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrStringJson],
  // Quantity's zero value prints as "0".
  ['.k8s.io.apimachinery.pkg.api.resource.Quantity', (f) => (typeof f.string === 'string' && f.string !== '' ? f.string : '0')],
]);

export function messageToJson(type: Type, message: unknown): Json {
  const fields = asFields(message);
  const special = SPECIAL.get(type.fullName);
  if (special !== undefined) return special(fields);
  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(fields, field.name)) continue;
    const value = fields[field.name];
    if (field.map) {
      const entries = Object.entries(asFields(value));
      if (entries.length > 0) out[field.name] = Object.fromEntries(entries.map(([key, v]) => [key, valueJson(field, v)]));
      continue;
    }
    if (field.repeated) {
      if (Array.isArray(value) && value.length > 0) out[field.name] = value.map((item: unknown) => valueJson(field, item));
      continue;
    }
    const json = valueJson(field, value);
    if (field.resolvedType instanceof protobuf.Type) {
      if (option(field, '(inline)') && isObject(json)) {
        Object.assign(out, json);
        continue;
      }
    } else if (isZero(json) && !option(field, '(keep)')) {
      continue;
    }
    out[field.name] = json;
  }
  return out;
}

function valueJson(field: Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value ?? {});
  return scalarJson(field.type, value);
}

function scalarJson(type: string, value: unknown): Json {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : '';
    case 'bool':
      return value === true;
    case 'bytes':
      return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : '';
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return Number(int64(value));
    case 'uint64':
    case 'fixed64':
      return Number(BigInt.asUintN(64, int64(value)));
    default:
      return typeof value === 'number' ? value : 0;
  }
}

/** protobufjs hands int64 out as a Long ({low, high}) when the long package is there, else a number. */
function int64(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value);
  if (typeof value === 'object' && value !== null) {
    const { low, high } = value as { low?: unknown; high?: unknown };
    if (typeof low === 'number' && typeof high === 'number') {
      return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
    }
  }
  return 0n;
}

function timeJson(fields: Fields, micro: boolean): Json {
  // An empty message is Go's zero time (metav1.Time marshals it to no bytes at all).
  if (!has(fields, 'seconds') && !has(fields, 'nanos')) return null;
  const seconds = Number(int64(fields.seconds));
  const nanos = typeof fields.nanos === 'number' ? fields.nanos : 0;
  if (seconds === ZERO_TIME_SECONDS && nanos === 0) return null;
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 0 || year > 9999) {
    throw new ProtobufDecodeError('Malformed', `time ${seconds}s is outside the years 0000-9999`);
  }
  const base = date.toISOString().slice(0, 19);
  // metav1.Time prints whole seconds (RFC 3339); MicroTime always six fractional digits.
  if (!micro) return `${base}Z`;
  const micros = Math.floor(Math.min(Math.max(nanos, 0), 999_999_999) / 1000);
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

function intOrStringJson(fields: Fields): Json {
  const kind = Number(int64(fields.type));
  if (kind === 0) return typeof fields.intVal === 'number' ? fields.intVal : 0;
  if (kind === 1) return typeof fields.strVal === 'string' ? fields.strVal : '';
  throw new ProtobufDecodeError('Malformed', `IntOrString has type ${kind}; only 0 (int) and 1 (string) exist`);
}

/** FieldsV1 and RawExtension carry JSON bytes; Go prints them verbatim, and null when absent. */
function rawJson(raw: unknown, what: string): Json {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')) as Json;
  } catch (error) {
    throw new ProtobufDecodeError('Malformed', `${what} does not hold JSON`, { cause: error });
  }
}

/** Go's time.Duration.String(): "0s", "1.5µs", "300ms", "1h2m3.5s". */
export function goDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  const u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u < 1_000_000_000n) {
    const [unit, precision] = u < 1_000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    const { whole, fraction } = splitFraction(u, precision);
    text = `${whole}${fraction}${unit}`;
  } else {
    const { whole: seconds, fraction } = splitFraction(u, 9);
    text = `${seconds % 60n}${fraction}s`;
    const minutes = seconds / 60n;
    if (minutes > 0n) {
      text = `${minutes % 60n}m${text}`;
      const hours = minutes / 60n;
      if (hours > 0n) text = `${hours}h${text}`;
    }
  }
  return negative ? `-${text}` : text;
}

function splitFraction(value: bigint, precision: number): { whole: bigint; fraction: string } {
  const scale = 10n ** BigInt(precision);
  const digits = precision === 0 ? '' : (value % scale).toString().padStart(precision, '0').replace(/0+$/, '');
  return { whole: value / scale, fraction: digits === '' ? '' : `.${digits}` };
}

function option(field: Field, name: string): boolean {
  return field.options?.[name] === true;
}

function has(fields: Fields, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(fields, name);
}

function asFields(value: unknown): Fields {
  return typeof value === 'object' && value !== null ? (value as Fields) : {};
}

function isObject(json: Json): json is JsonObject {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

function isZero(json: Json): boolean {
  return json === '' || json === 0 || json === false;
}
