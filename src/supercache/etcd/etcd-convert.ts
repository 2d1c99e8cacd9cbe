// Our Backend types <-> etcd's protobuf messages (as etcd3's proto loader shapes them: int64 as
// decimal strings, bytes as Buffers, enums as names). Keys are UTF-8 on the wire.
import type {
  IDeleteRangeRequest,
  IDeleteRangeResponse,
  IKeyValue,
  IPutRequest,
  IPutResponse,
  IRangeRequest,
  IRangeResponse,
  IRequestOp,
  IResponseOp,
  ICompare,
  IResponseHeader,
} from 'etcd3';
import type {
  Compare,
  DeleteOptions,
  DeleteResult,
  KeyRange,
  KeyValue,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  TxnOp,
  TxnOpResult,
} from '../backend.js';
import { invalidArgument } from '../errors.js';
import { isSingleKey } from '../key-range.js';

// etcd's enum numbers (rpc.proto); numbers rather than names so proto naming cannot drift.
const COMPARE_TARGET = { version: 0, create: 1, mod: 2, value: 3, lease: 4 } as const;
const COMPARE_RESULT = { equal: 0, greater: 1, less: 2, not_equal: 3 } as const;

export const keyBytes = (key: string): Buffer => Buffer.from(key, 'utf8');

export function rangeFields(range: KeyRange): { key: Buffer; range_end?: Buffer } {
  const key = keyBytes(range.key);
  return isSingleKey(range) ? { key } : { key, range_end: keyBytes(range.rangeEnd as string) };
}

/** int64 fields arrive as decimal strings; revisions and counts fit a double. */
export const int64 = (value: string | number | null | undefined): number => (value === null || value === undefined ? 0 : Number(value));

export const headerRevision = (header: IResponseHeader | null | undefined): number => int64(header?.revision);

const bytes = (value: Buffer | Uint8Array | null | undefined): Buffer =>
  value === null || value === undefined ? Buffer.alloc(0) : Buffer.isBuffer(value) ? value : Buffer.from(value);

export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: bytes(kv.key).toString('utf8'),
    value: bytes(kv.value),
    createRevision: int64(kv.create_revision),
    modRevision: int64(kv.mod_revision),
    version: int64(kv.version),
    lease: kv.lease === null || kv.lease === undefined || kv.lease === '' ? '0' : String(kv.lease),
  };
}

/** Message fields that etcd left unset come back as null (proto3 defaults). */
export const optionalKv = (kv: IKeyValue | null | undefined): KeyValue | undefined =>
  kv === null || kv === undefined ? undefined : toKeyValue(kv);

export function rangeRequest(options: RangeOptions): IRangeRequest {
  return {
    ...rangeFields(options),
    limit: options.limit ?? 0,
    revision: options.revision ?? 0,
    keys_only: options.keysOnly === true,
    count_only: options.countOnly === true,
  };
}

export function rangeResult(response: IRangeResponse): RangeResult {
  return {
    revision: headerRevision(response.header),
    kvs: (response.kvs ?? []).map(toKeyValue),
    more: response.more === true,
    count: int64(response.count),
  };
}

export function putRequest(key: string, value: Buffer, options: PutOptions = {}): IPutRequest {
  return {
    key: keyBytes(key),
    // Sent as given: etcd itself rejects a value with ignore_value ("value is provided").
    value,
    lease: options.lease ?? '0',
    prev_kv: options.prevKv === true,
    ignore_value: options.ignoreValue === true,
    ignore_lease: options.ignoreLease === true,
  };
}

export function putResult(response: IPutResponse): PutResult {
  const prevKv = optionalKv(response.prev_kv);
  const revision = headerRevision(response.header);
  return prevKv === undefined ? { revision } : { revision, prevKv };
}

export function deleteRequest(options: DeleteOptions): IDeleteRangeRequest {
  return { ...rangeFields(options), prev_kv: options.prevKv === true };
}

export function deleteResult(response: IDeleteRangeResponse): DeleteResult {
  return {
    revision: headerRevision(response.header),
    deleted: int64(response.deleted),
    prevKvs: (response.prev_kvs ?? []).map(toKeyValue),
  };
}

export function compareMessage(compare: Compare): ICompare {
  const base: ICompare = {
    ...rangeFields(compare),
    target: COMPARE_TARGET[compare.target],
    result: COMPARE_RESULT[compare.result],
  };
  const { operand } = compare;
  switch (compare.target) {
    case 'value':
      if (!Buffer.isBuffer(operand)) throw invalidArgument('a value compare needs a Buffer operand');
      return { ...base, value: operand };
    case 'lease':
      if (typeof operand !== 'string') throw invalidArgument('a lease compare needs a LeaseId operand');
      return { ...base, lease: operand };
    default: {
      if (typeof operand !== 'number') throw invalidArgument(`a ${compare.target} compare needs a number operand`);
      const field = compare.target === 'version' ? 'version' : compare.target === 'create' ? 'create_revision' : 'mod_revision';
      return { ...base, [field]: operand };
    }
  }
}

export function requestOp(op: TxnOp): IRequestOp {
  switch (op.type) {
    case 'range':
      return { request_range: rangeRequest(op) };
    case 'put':
      return { request_put: putRequest(op.key, op.value, op) };
    case 'delete':
      return { request_delete_range: deleteRequest(op) };
  }
}

export function responseOp(response: IResponseOp): TxnOpResult {
  if (response.response_range) return { type: 'range', ...rangeResult(response.response_range) };
  if (response.response_put) return { type: 'put', ...putResult(response.response_put) };
  if (response.response_delete_range) return { type: 'delete', ...deleteResult(response.response_delete_range) };
  throw new Error('etcd returned a txn response of a kind we never ask for');
}
