// Applies the operations of one write request (a put, a delete, or a whole txn) at one revision,
// inside the group-commit transaction. Knows etcd's rules for what each write does to create/mod
// revision, version and lease, and for how a compare reads a key.
import type {
  Compare,
  DeleteOptions,
  DeleteResult,
  KeyValue,
  LeaseId,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  TxnOp,
  TxnOpResult,
} from '../backend.js';
import { NO_LEASE } from '../backend.js';
import { CompactedError, futureRevision, keyNotFound, leaseNotFound } from '../errors.js';
import type { StoreEvent } from '../watch/watch-hub.js';
import { tombstone, type KvTables } from './kv-tables.js';

export interface ReadView {
  readonly tables: KvTables;
  /** The committed revision before this write. */
  readonly headRevision: number;
  readonly compactRevision: number;
  leaseExists(id: LeaseId): boolean;
}

export class RevisionWriter {
  readonly events: StoreEvent[] = [];
  readonly revision: number;

  constructor(private readonly view: ReadView) {
    this.revision = view.headRevision + 1;
  }

  get wrote(): boolean {
    return this.events.length > 0;
  }

  /** The revision a response reports: this one if anything was written, else the head. */
  get resultRevision(): number {
    return this.wrote ? this.revision : this.view.headRevision;
  }

  put(key: string, value: Buffer, options: PutOptions = {}): PutResult {
    const { tables } = this.view;
    const prev = tables.get(key);
    if ((options.ignoreValue || options.ignoreLease) && prev === undefined) throw keyNotFound();
    const lease = options.ignoreLease ? (prev?.lease ?? NO_LEASE) : (options.lease ?? NO_LEASE);
    if (lease !== NO_LEASE && !this.view.leaseExists(lease)) throw leaseNotFound();
    const kv: KeyValue = {
      key,
      value: options.ignoreValue && prev !== undefined ? prev.value : value,
      createRevision: prev?.createRevision ?? this.revision,
      modRevision: this.revision,
      version: (prev?.version ?? 0) + 1,
      lease,
    };
    tables.put(kv, prev?.modRevision ?? 0);
    this.events.push(prev === undefined ? { type: 'put', kv } : { type: 'put', kv, prevKv: prev });
    return options.prevKv && prev !== undefined
      ? { revision: this.revision, prevKv: prev }
      : { revision: this.revision };
  }

  delete(options: DeleteOptions): DeleteResult {
    const { tables } = this.view;
    const victims = tables.range(options, 0);
    for (const prev of victims) {
      tables.remove(prev.key, this.revision, prev.modRevision);
      this.events.push({ type: 'delete', kv: tombstone(prev.key, this.revision), prevKv: prev });
    }
    return {
      revision: victims.length > 0 ? this.revision : this.view.headRevision,
      deleted: victims.length,
      prevKvs: options.prevKv ? victims : [],
    };
  }

  range(options: RangeOptions): RangeResult {
    return readRange(this.view, options, this.resultRevision);
  }

  /** True when every compare holds, evaluated against the state before this txn. */
  compare(compares: readonly Compare[]): boolean {
    return compares.every((c) => compareHolds(this.view.tables, c));
  }

  apply(op: TxnOp): TxnOpResult {
    switch (op.type) {
      case 'range':
        return { type: 'range', ...this.range(op) };
      case 'put':
        return { type: 'put', ...this.put(op.key, op.value, op) };
      case 'delete':
        return { type: 'delete', ...this.delete(op) };
    }
  }
}

/** A range read against the committed state (or, inside a txn, the state as written so far). */
export function readRange(view: ReadView, options: RangeOptions, headRevision: number): RangeResult {
  const requested = options.revision ?? 0;
  if (requested > headRevision) throw futureRevision();
  if (requested > 0 && requested < view.compactRevision) throw new CompactedError(view.compactRevision);
  // A read at the head goes to the kv table; older reads go to the log.
  const at = requested > 0 && requested < headRevision ? requested : undefined;
  const limit = options.limit ?? 0;
  if (options.countOnly) {
    return { revision: headRevision, kvs: [], more: false, count: view.tables.count(options, at) };
  }
  const kvs = view.tables.range(options, limit > 0 ? limit + 1 : 0, at);
  const more = limit > 0 && kvs.length > limit;
  if (more) kvs.length = limit;
  const count = more ? view.tables.count(options, at) : kvs.length;
  const shaped = options.keysOnly ? kvs.map((kv) => ({ ...kv, value: Buffer.alloc(0) })) : kvs;
  return { revision: headRevision, kvs: shaped, more, count };
}

function compareHolds(tables: KvTables, compare: Compare): boolean {
  const kvs = tables.range(compare, 0);
  if (kvs.length === 0) {
    // etcd: a value compare on a missing key always fails; the others compare against zero.
    if (compare.target === 'value') return false;
    return compareOne(compare, missingKey(compare.key));
  }
  return kvs.every((kv) => compareOne(compare, kv));
}

function missingKey(key: string): KeyValue {
  return { key, value: Buffer.alloc(0), createRevision: 0, modRevision: 0, version: 0, lease: NO_LEASE };
}

function compareOne(compare: Compare, kv: KeyValue): boolean {
  let order: number;
  switch (compare.target) {
    case 'value':
      order = Buffer.compare(kv.value, toBuffer(compare.operand));
      break;
    case 'lease':
      order = compareInt64(kv.lease, String(compare.operand));
      break;
    case 'version':
      order = Math.sign(kv.version - Number(compare.operand));
      break;
    case 'create':
      order = Math.sign(kv.createRevision - Number(compare.operand));
      break;
    case 'mod':
      order = Math.sign(kv.modRevision - Number(compare.operand));
      break;
  }
  switch (compare.result) {
    case 'equal':
      return order === 0;
    case 'not_equal':
      return order !== 0;
    case 'greater':
      return order > 0;
    case 'less':
      return order < 0;
  }
}

function toBuffer(operand: number | Buffer | string): Buffer {
  return Buffer.isBuffer(operand) ? operand : Buffer.from(String(operand));
}

function compareInt64(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}
