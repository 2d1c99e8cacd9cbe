// The SuperCache backend interface: a revisioned key-value store with etcd v3 semantics.
// Implemented by the embedded SQLite engine and by the etcd backend; served over gRPC by the
// etcd v3 server. Only the API server (and the cache's own gRPC server) may hold one.

/** A lease id: an int64 as a decimal string ("0" means no lease). Strings, because etcd's ids exceed 2^53. */
export type LeaseId = string;

export const NO_LEASE: LeaseId = '0';

export interface KeyValue {
  readonly key: string;
  readonly value: Buffer;
  /** Revision of the write that created the key (since its last deletion). */
  readonly createRevision: number;
  /** Revision of the last write to the key. */
  readonly modRevision: number;
  /** Number of writes since the key was created; 0 for a deleted key. */
  readonly version: number;
  readonly lease: LeaseId;
}

/**
 * A key range as etcd has it: `rangeEnd` absent means the single key; `'\0'` means every key
 * `>= key`; otherwise `[key, rangeEnd)`. Use `prefixRange()` for a prefix.
 */
export interface KeyRange {
  readonly key: string;
  readonly rangeEnd?: string;
}

export interface RangeOptions extends KeyRange {
  /** At most this many keys (0 or absent: no limit). */
  readonly limit?: number;
  /** Read as of this revision (0 or absent: the current one). */
  readonly revision?: number;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
}

export interface RangeResult {
  readonly revision: number;
  readonly kvs: KeyValue[];
  /** More keys matched than `limit` returned. */
  readonly more: boolean;
  /** How many keys matched in all (ignoring limit). */
  readonly count: number;
}

export interface PutOptions {
  readonly lease?: LeaseId;
  readonly prevKv?: boolean;
  /** Keep the current value (the key must exist, and the value given must be empty). */
  readonly ignoreValue?: boolean;
  /** Keep the current lease (the key must exist, and no lease may be given). */
  readonly ignoreLease?: boolean;
}

export interface PutResult {
  readonly revision: number;
  readonly prevKv?: KeyValue;
}

export interface DeleteOptions extends KeyRange {
  readonly prevKv?: boolean;
}

export interface DeleteResult {
  readonly revision: number;
  readonly deleted: number;
  readonly prevKvs: KeyValue[];
}

export type CompareTarget = 'version' | 'create' | 'mod' | 'value' | 'lease';
export type CompareResult = 'equal' | 'greater' | 'less' | 'not_equal';

export interface Compare extends KeyRange {
  readonly target: CompareTarget;
  readonly result: CompareResult;
  /** A number for version/create/mod, a Buffer for value, a LeaseId for lease. */
  readonly operand: number | Buffer | LeaseId;
}

export type TxnOp =
  | ({ readonly type: 'range' } & RangeOptions)
  | ({ readonly type: 'put'; readonly key: string; readonly value: Buffer } & PutOptions)
  | ({ readonly type: 'delete' } & DeleteOptions);

export type TxnOpResult =
  | ({ readonly type: 'range' } & RangeResult)
  | ({ readonly type: 'put' } & PutResult)
  | ({ readonly type: 'delete' } & DeleteResult);

export interface TxnRequest {
  readonly compare: readonly Compare[];
  readonly success: readonly TxnOp[];
  readonly failure: readonly TxnOp[];
}

export interface TxnResult {
  readonly revision: number;
  readonly succeeded: boolean;
  readonly responses: TxnOpResult[];
}

export interface WatchOptions extends KeyRange {
  /**
   * Deliver events from this revision on (inclusive); 0 or absent: only new events. On etcd the
   * watch is created a round trip later, so a caller that must not miss a write passes a revision.
   */
  readonly startRevision?: number;
  readonly prevKv?: boolean;
  readonly noPut?: boolean;
  readonly noDelete?: boolean;
  /** Also yield `progress` events (the store's revision) when nothing else happens, as etcd's progress_notify. */
  readonly progressNotify?: boolean;
  readonly signal?: AbortSignal;
}

export type WatchEvent =
  | { readonly type: 'put'; readonly kv: KeyValue; readonly prevKv?: KeyValue }
  /** `kv` of a delete carries the key and the deleting revision as modRevision; the rest is zero/empty. */
  | { readonly type: 'delete'; readonly kv: KeyValue; readonly prevKv?: KeyValue }
  | { readonly type: 'progress'; readonly revision: number };

export interface LeaseGrant {
  readonly id: LeaseId;
  readonly ttl: number;
}

export interface LeaseInfo {
  readonly id: LeaseId;
  /** Seconds left; -1 when the lease has expired or does not exist. */
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: string[];
}

export interface StoreStatus {
  readonly revision: number;
  readonly compactRevision: number;
  /** Bytes the store occupies on disk (0 if unknown). */
  readonly dbSize: number;
  readonly version: string;
}

/**
 * Every method that returns a promise reports failure by rejecting it, never by throwing.
 * Errors are StoreError (errors.ts).
 */
export interface Backend {
  range(options: RangeOptions): Promise<RangeResult>;
  put(key: string, value: Buffer, options?: PutOptions): Promise<PutResult>;
  delete(options: DeleteOptions): Promise<DeleteResult>;
  txn(request: TxnRequest): Promise<TxnResult>;
  /**
   * Events in revision order. Ends when `signal` aborts. On overflow, `nextRevision` is the
   * revision of the oldest event not delivered: resuming there may repeat events of a revision
   * the consumer had partly seen. Throws CompactedError when `startRevision`
   * is compacted and WatchOverflowError when the consumer falls too far behind; resume from the
   * revision after the last event seen.
   */
  watch(options: WatchOptions): AsyncIterable<WatchEvent>;
  leaseGrant(ttlSeconds: number, id?: LeaseId): Promise<LeaseGrant>;
  leaseRevoke(id: LeaseId): Promise<void>;
  /** Renews the lease; returns its TTL. Throws LeaseNotFoundError. */
  leaseKeepAlive(id: LeaseId): Promise<number>;
  leaseTimeToLive(id: LeaseId, withKeys?: boolean): Promise<LeaseInfo>;
  leaseList(): Promise<LeaseId[]>;
  /** Drops history below `revision`; reads and watches below it then fail with CompactedError. */
  compact(revision: number, options?: { readonly physical?: boolean }): Promise<{ revision: number }>;
  status(): Promise<StoreStatus>;
  /**
   * Asks for a progress event on every watch that wants them and is caught up (etcd's
   * RequestProgress), so a watcher learns the store's revision without waiting for the interval.
   */
  requestProgress(): void;
  close(): Promise<void>;
}

/** The largest request, key and value(s) together, as etcd's default --max-request-bytes. */
export const MAX_VALUE_BYTES = 1.5 * 1024 * 1024;
/** etcd's --max-txn-ops default. */
export const MAX_TXN_OPS = 128;
/** etcd's MaxLeaseTTL. */
export const MAX_LEASE_TTL = 9_000_000_000;
