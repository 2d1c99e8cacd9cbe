// etcd's v3 API definition, loaded from the proto files the `etcd3` client package ships (etcd's
// own rpc.proto, kv.proto and auth.proto), and the TypeScript shapes of the messages we use.
// int64 fields travel as decimal strings (etcd lease ids exceed 2^53); enums as their names, which
// in these files are CamelCase (Put, NotEqual); the numbers on the wire are etcd's.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkWireTypes } from './wire-check.js';

export type Int64 = string | number;

export interface PbKeyValue {
  key: Buffer;
  create_revision: Int64;
  mod_revision: Int64;
  version: Int64;
  value: Buffer;
  lease: Int64;
}

export interface PbHeader {
  cluster_id: Int64;
  member_id: Int64;
  revision: Int64;
  raft_term: Int64;
}

export interface PbRangeRequest {
  key: Buffer;
  range_end: Buffer;
  limit: Int64;
  revision: Int64;
  sort_order: 'None' | 'Ascend' | 'Descend';
  sort_target: 'Key' | 'Version' | 'Create' | 'Mod' | 'Value';
  serializable: boolean;
  keys_only: boolean;
  count_only: boolean;
  min_mod_revision: Int64;
  max_mod_revision: Int64;
  min_create_revision: Int64;
  max_create_revision: Int64;
}

export interface PbPutRequest {
  key: Buffer;
  value: Buffer;
  lease: Int64;
  prev_kv: boolean;
  ignore_value: boolean;
  ignore_lease: boolean;
}

export interface PbDeleteRangeRequest {
  key: Buffer;
  range_end: Buffer;
  prev_kv: boolean;
}

export interface PbRequestOp {
  request?: 'request_range' | 'request_put' | 'request_delete_range' | 'request_txn';
  request_range?: PbRangeRequest;
  request_put?: PbPutRequest;
  request_delete_range?: PbDeleteRangeRequest;
  request_txn?: PbTxnRequest;
}

export interface PbCompare {
  result: 'Equal' | 'Greater' | 'Less' | 'NotEqual';
  target: 'Version' | 'Create' | 'Mod' | 'Value' | 'Lease';
  key: Buffer;
  version?: Int64;
  create_revision?: Int64;
  mod_revision?: Int64;
  value?: Buffer;
  lease?: Int64;
  range_end: Buffer;
}

export interface PbTxnRequest {
  compare: PbCompare[];
  success: PbRequestOp[];
  failure: PbRequestOp[];
}

export interface PbCompactionRequest {
  revision: Int64;
  physical: boolean;
}

export interface PbWatchCreateRequest {
  key: Buffer;
  range_end: Buffer;
  start_revision: Int64;
  progress_notify: boolean;
  filters: ('Noput' | 'Nodelete')[];
  prev_kv: boolean;
  watch_id: Int64;
  fragment: boolean;
}

export interface PbWatchRequest {
  request_union?: 'create_request' | 'cancel_request' | 'progress_request';
  create_request?: PbWatchCreateRequest;
  cancel_request?: { watch_id: Int64 };
  progress_request?: Record<string, never>;
}

export interface PbEvent {
  type: 'Put' | 'Delete';
  kv: PbKeyValue;
  prev_kv?: PbKeyValue;
}

export interface PbWatchResponse {
  header: PbHeader;
  watch_id: Int64;
  created?: boolean;
  canceled?: boolean;
  compact_revision?: Int64;
  cancel_reason?: string;
  fragment?: boolean;
  events?: PbEvent[];
}

export function etcdProtoDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('etcd3/package.json')), 'proto');
}

export interface EtcdServices {
  KV: grpc.ServiceDefinition;
  Watch: grpc.ServiceDefinition;
  Lease: grpc.ServiceDefinition;
  Cluster: grpc.ServiceDefinition;
  Maintenance: grpc.ServiceDefinition;
}

/** Refuses wrongly typed fields before the service's decoder sees the bytes (see wire-check.ts). */
function guardDeserializers(service: grpc.ServiceDefinition, root: protobuf.Root): void {
  for (const method of Object.values(service)) {
    const definition = method as grpc.MethodDefinition<unknown, unknown> & { requestType?: { type?: { name?: string } } };
    const typeName = definition.requestType?.type?.name;
    if (typeName === undefined) continue;
    const type = root.lookupType(`etcdserverpb.${typeName}`);
    const decode = definition.requestDeserialize;
    (definition as { requestDeserialize: (buffer: Buffer) => unknown }).requestDeserialize = (buffer: Buffer) => {
      checkWireTypes(type, buffer);
      return decode(buffer);
    };
  }
}

export function loadEtcdServices(): EtcdServices {
  const definition = protoLoader.loadSync(join(etcdProtoDir(), 'rpc.proto'), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = (name: string): grpc.ServiceDefinition => {
    const found = definition[`etcdserverpb.${name}`];
    if (found === undefined || 'format' in found) throw new Error(`etcd proto has no service ${name}`);
    return found;
  };
  const services = {
    KV: service('KV'),
    Watch: service('Watch'),
    Lease: service('Lease'),
    Cluster: service('Cluster'),
    Maintenance: service('Maintenance'),
  };
  const root = protobuf.loadSync(join(etcdProtoDir(), 'rpc.proto'));
  root.resolveAll();
  for (const service of Object.values(services)) guardDeserializers(service, root);
  return services;
}
