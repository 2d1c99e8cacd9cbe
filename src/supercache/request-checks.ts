// The checks etcd makes on a request before it reaches the store, with etcd's own errors, so that
// bad input is refused before anything is queued or written.
import type { DeleteOptions, KeyRange, PutOptions, RangeOptions, TxnOp, TxnRequest } from './backend.js';
import { MAX_TXN_OPS, MAX_VALUE_BYTES, NO_LEASE } from './backend.js';
import { duplicateKey, invalidArgument, keyNotProvided, tooManyOps, valueTooLarge } from './errors.js';
import { isSingleKey, keyInRange } from './key-range.js';

function checkKey(range: KeyRange): void {
  if (range.key === '') throw keyNotProvided();
}

export function checkRange(options: RangeOptions): void {
  checkKey(options);
}

export function checkDelete(options: DeleteOptions): void {
  checkKey(options);
}

export function checkPut(key: string, value: Buffer, options: PutOptions = {}): void {
  if (key === '') throw keyNotProvided();
  if (Buffer.byteLength(key) + value.length > MAX_VALUE_BYTES) throw valueTooLarge();
  if (options.ignoreValue && value.length > 0) throw invalidArgument('etcdserver: value is provided');
  if (options.ignoreLease && (options.lease ?? NO_LEASE) !== NO_LEASE) {
    throw invalidArgument('etcdserver: lease is provided');
  }
}

function checkOp(op: TxnOp): number {
  switch (op.type) {
    case 'range':
      checkRange(op);
      return Buffer.byteLength(op.key);
    case 'delete':
      checkDelete(op);
      return Buffer.byteLength(op.key);
    case 'put':
      checkPut(op.key, op.value, op);
      return Buffer.byteLength(op.key) + op.value.length;
  }
}

/** etcd refuses a branch that writes one key twice, or puts a key that the branch also deletes. */
function checkOverlaps(ops: readonly TxnOp[]): void {
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.type !== 'put') continue;
    if (puts.has(op.key)) throw duplicateKey();
    puts.add(op.key);
  }
  for (const op of ops) {
    if (op.type !== 'delete') continue;
    for (const key of puts) {
      if (isSingleKey(op) ? key === op.key : keyInRange(key, op)) throw duplicateKey();
    }
  }
}

export function checkTxn(request: TxnRequest): void {
  const { compare, success, failure } = request;
  if (compare.length > MAX_TXN_OPS || success.length > MAX_TXN_OPS || failure.length > MAX_TXN_OPS) {
    throw tooManyOps();
  }
  let bytes = 0;
  for (const c of compare) {
    checkKey(c);
    bytes += Buffer.byteLength(c.key) + (Buffer.isBuffer(c.operand) ? c.operand.length : 0);
  }
  for (const op of [...success, ...failure]) bytes += checkOp(op);
  if (bytes > MAX_VALUE_BYTES) throw valueTooLarge();
  checkOverlaps(success);
  checkOverlaps(failure);
}

export function isReadOnly(request: TxnRequest): boolean {
  return [...request.success, ...request.failure].every((op) => op.type === 'range');
}
