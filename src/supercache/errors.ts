// Store errors: one class per failure etcd distinguishes, each with a stable `code` and etcd's own
// message, so the gRPC server and the etcd backend can translate in both directions without loss.

export type StoreErrorCode =
  | 'KeyNotProvided'
  | 'KeyNotFound'
  | 'ValueTooLarge'
  | 'InvalidArgument'
  | 'DuplicateKey'
  | 'TooManyOps'
  | 'Compacted'
  | 'FutureRevision'
  | 'LeaseNotFound'
  | 'LeaseExists'
  | 'LeaseTTLTooLarge'
  | 'WatchOverflow'
  | 'Closed'
  | 'Unavailable';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `StoreError(${code})`;
  }
}

export const keyNotProvided = (): StoreError => new StoreError('KeyNotProvided', 'etcdserver: key is not provided');
export const keyNotFound = (): StoreError => new StoreError('KeyNotFound', 'etcdserver: key not found');
export const valueTooLarge = (): StoreError => new StoreError('ValueTooLarge', 'etcdserver: request is too large');
export const duplicateKey = (): StoreError =>
  new StoreError('DuplicateKey', 'etcdserver: duplicate key given in txn request');
export const tooManyOps = (): StoreError => new StoreError('TooManyOps', 'etcdserver: too many operations in txn request');
export const leaseNotFound = (): StoreError => new StoreError('LeaseNotFound', 'etcdserver: requested lease not found');
export const leaseExists = (): StoreError => new StoreError('LeaseExists', 'etcdserver: lease already exists');
export const leaseTTLTooLarge = (): StoreError => new StoreError('LeaseTTLTooLarge', 'etcdserver: too large lease TTL');
export const futureRevision = (): StoreError =>
  new StoreError('FutureRevision', 'etcdserver: mvcc: required revision is a future revision');
export const storeClosed = (): StoreError => new StoreError('Closed', 'supercache: the store is closed');
export const invalidArgument = (message: string): StoreError => new StoreError('InvalidArgument', message);

/** A read or watch below the compacted revision. */
export class CompactedError extends StoreError {
  constructor(readonly compactRevision: number) {
    super('Compacted', 'etcdserver: mvcc: required revision has been compacted');
  }
}

/** A watcher that fell too far behind; it must resume from `nextRevision`. */
export class WatchOverflowError extends StoreError {
  constructor(readonly nextRevision: number) {
    super('WatchOverflow', `supercache: watcher too slow, resume from revision ${nextRevision}`);
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
