// StoreError codes and gRPC status codes, in both directions, as etcd maps them (its rpctypes).
import { status as Status } from '@grpc/grpc-js';
import type { StoreErrorCode } from '../errors.js';

export const GRPC_CODE_OF: Record<StoreErrorCode, Status> = {
  KeyNotProvided: Status.INVALID_ARGUMENT,
  KeyNotFound: Status.INVALID_ARGUMENT,
  ValueTooLarge: Status.INVALID_ARGUMENT,
  InvalidArgument: Status.INVALID_ARGUMENT,
  DuplicateKey: Status.INVALID_ARGUMENT,
  TooManyOps: Status.INVALID_ARGUMENT,
  Compacted: Status.OUT_OF_RANGE,
  FutureRevision: Status.OUT_OF_RANGE,
  LeaseNotFound: Status.NOT_FOUND,
  LeaseExists: Status.FAILED_PRECONDITION,
  LeaseTTLTooLarge: Status.OUT_OF_RANGE,
  WatchOverflow: Status.RESOURCE_EXHAUSTED,
  Closed: Status.UNAVAILABLE,
  Unavailable: Status.UNAVAILABLE,
};
