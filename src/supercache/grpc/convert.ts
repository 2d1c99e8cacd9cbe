// Translation between etcd's wire messages and the Backend's types.
import type {
  Compare,
  CompareResult,
  CompareTarget,
  DeleteOptions,
  KeyValue,
  PutOptions,
  RangeOptions,
  TxnOp,
  TxnOpResult,
  TxnRequest,
} from '../backend.js';
import { invalidArgument } from '../errors.js';
import { prefixEnd } from '../key-range.js';
import type {
  Int64,
  PbCompare,
  PbDeleteRangeRequest,
  PbKeyValue,
  PbPutRequest,
  PbRangeRequest,
  PbRequestOp,
  PbTxnRequest,
} from './proto.js';

/** Keys are UTF-8 text in SuperCache; bytes that are not valid UTF-8 are refused, not mangled. */
export { rangeEndOf };

export function keyOf(bytes: Buffer | undefined): string {
  if (bytes === undefined || bytes.length === 0) return '';
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw invalidArgument('supercache: keys must be valid UTF-8');
  }
  return text;
}

/** A range end on the wire: empty means "single key"; "\0" means "to the end". */
function rangeEndOf(bytes: Buffer | undefined, key?: Buffer): string | undefined {
  if (bytes === undefined || bytes.length === 0) return undefined;
  if (bytes.length === 1 && bytes[0] === 0) return '\0';
  if (key !== undefined && isBytePrefixEnd(key, bytes)) return prefixEnd(keyOf(key));
  return keyOf(bytes);
}

/**
 * etcd clients end a prefix range at the prefix with its last byte incremented, which for a
 * non-ASCII prefix is not UTF-8: that is the same range as the prefix's end in code points.
 */
function isBytePrefixEnd(key: Buffer, end: Buffer): boolean {
  let last = key.length - 1;
  while (last >= 0 && key[last] === 0xff) last--;
  if (last < 0 || end.length !== last + 1) return false;
  return key.subarray(0, last).equals(end.subarray(0, last)) && end[last] === (key[last] as number) + 1 && !isUtf8(end);
}

function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

export function int(value: Int64 | undefined): number {
  return value === undefined ? 0 : Number(value);
}

export function leaseOf(value: Int64 | undefined): string {
  return value === undefined ? '0' : BigInt(value).toString();
}

export function rangeOptions(request: PbRangeRequest): RangeOptions {
  const rangeEnd = rangeEndOf(request.range_end, request.key);
  // A limit beyond what a JS number holds exactly means "no practical limit".
  const limit = Math.min(Math.max(int(request.limit), 0), Number.MAX_SAFE_INTEGER - 1);
  return {
    key: keyOf(request.key),
    ...(rangeEnd === undefined ? {} : { rangeEnd }),
    limit,
    revision: int(request.revision),
    keysOnly: request.keys_only,
    countOnly: request.count_only,
  };
}

export function putOptions(request: PbPutRequest): PutOptions {
  return {
    lease: leaseOf(request.lease),
    prevKv: request.prev_kv,
    ignoreValue: request.ignore_value,
    ignoreLease: request.ignore_lease,
  };
}

export function deleteOptions(request: PbDeleteRangeRequest): DeleteOptions {
  const rangeEnd = rangeEndOf(request.range_end, request.key);
  return { key: keyOf(request.key), ...(rangeEnd === undefined ? {} : { rangeEnd }), prevKv: request.prev_kv };
}

const TARGETS: Record<PbCompare['target'], CompareTarget> = {
  Version: 'version',
  Create: 'create',
  Mod: 'mod',
  Value: 'value',
  Lease: 'lease',
};
const RESULTS: Record<PbCompare['result'], CompareResult> = {
  Equal: 'equal',
  Greater: 'greater',
  Less: 'less',
  NotEqual: 'not_equal',
};

function compareOf(c: PbCompare): Compare {
  const target = TARGETS[c.target];
  const result = RESULTS[c.result];
  if (target === undefined || result === undefined) throw invalidArgument('etcdserver: invalid compare');
  const operand =
    target === 'value'
      ? (c.value ?? Buffer.alloc(0))
      : target === 'lease'
        ? leaseOf(c.lease)
        : int(target === 'version' ? c.version : target === 'create' ? c.create_revision : c.mod_revision);
  const rangeEnd = rangeEndOf(c.range_end, c.key);
  return { key: keyOf(c.key), ...(rangeEnd === undefined ? {} : { rangeEnd }), target, result, operand };
}

function opOf(op: PbRequestOp): TxnOp {
  switch (op.request) {
    case 'request_range':
      return { type: 'range', ...rangeOptions(op.request_range as PbRangeRequest) };
    case 'request_put': {
      const put = op.request_put as PbPutRequest;
      return { type: 'put', key: keyOf(put.key), value: put.value, ...putOptions(put) };
    }
    case 'request_delete_range':
      return { type: 'delete', ...deleteOptions(op.request_delete_range as PbDeleteRangeRequest) };
    case 'request_txn':
      throw invalidArgument('supercache: nested txn is not supported');
    default:
      throw invalidArgument('etcdserver: empty request op');
  }
}

export function txnRequest(request: PbTxnRequest): TxnRequest {
  return {
    compare: request.compare.map(compareOf),
    success: request.success.map(opOf),
    failure: request.failure.map(opOf),
  };
}

export function pbKv(kv: KeyValue): PbKeyValue {
  return {
    key: Buffer.from(kv.key, 'utf8'),
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease,
  };
}

export function pbOpResult(result: TxnOpResult, header: object): Record<string, unknown> {
  switch (result.type) {
    case 'range':
      return {
        response_range: { header, kvs: result.kvs.map(pbKv), more: result.more, count: result.count },
      };
    case 'put':
      return { response_put: { header, ...(result.prevKv ? { prev_kv: pbKv(result.prevKv) } : {}) } };
    case 'delete':
      return { response_delete_range: { header, deleted: result.deleted, prev_kvs: result.prevKvs.map(pbKv) } };
  }
}
