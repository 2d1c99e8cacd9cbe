// etcd's gRPC errors -> our StoreError classes. etcd sends a fixed message per error
// (etcdserver/api/v3rpc/rpctypes); the message is the stable part, the gRPC code only the fallback.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  CompactedError,
  StoreError,
  duplicateKey,
  futureRevision,
  invalidArgument,
  keyNotFound,
  keyNotProvided,
  leaseExists,
  leaseNotFound,
  leaseTTLTooLarge,
  tooManyOps,
  valueTooLarge,
} from '../errors.js';

const BY_MESSAGE: ReadonlyMap<string, () => StoreError> = new Map([
  ['etcdserver: key is not provided', keyNotProvided],
  ['etcdserver: key not found', keyNotFound],
  ['etcdserver: request is too large', valueTooLarge],
  ['etcdserver: duplicate key given in txn request', duplicateKey],
  ['etcdserver: too many operations in txn request', tooManyOps],
  // The compact revision is not in the message; the backend fills it in (see EtcdBackend).
  ['etcdserver: mvcc: required revision has been compacted', () => new CompactedError(0)],
  ['etcdserver: mvcc: required revision is a future revision', futureRevision],
  ['etcdserver: requested lease not found', leaseNotFound],
  ['etcdserver: lease already exists', leaseExists],
  ['etcdserver: too large lease TTL', leaseTTLTooLarge],
]);

// Codes that mean "etcd could not be asked or could not answer": retrying later may work.
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNKNOWN,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

export function translateGrpcError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (!isServiceError(error)) {
    return new StoreError('Unavailable', `etcd: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const details = error.details || error.message;
  const known = BY_MESSAGE.get(details);
  if (known !== undefined) return withCause(known(), error);
  // gRPC's own size check (etcd's limit is --max-request-bytes plus 512 KiB of gRPC slack).
  if (error.code === GrpcStatus.RESOURCE_EXHAUSTED && /message larger than max/.test(details)) {
    return withCause(valueTooLarge(), error);
  }
  // Includes "etcdserver: value is provided", "lease is provided", permission errors.
  if (!UNAVAILABLE_CODES.has(error.code)) return withCause(invalidArgument(details), error);
  // "no leader", "request timed out", "too many requests", "database space exceeded", dropped connections.
  return new StoreError('Unavailable', details.startsWith('etcdserver:') ? details : `etcd: ${details}`, { cause: error });
}

function withCause(storeError: StoreError, cause: unknown): StoreError {
  // The StoreError factories take no cause; attach it afterwards for debugging.
  Object.defineProperty(storeError, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return storeError;
}
