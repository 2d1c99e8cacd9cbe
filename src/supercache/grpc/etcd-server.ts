// SuperCache served over etcd's v3 gRPC API (KV, Watch, Lease, and the parts of Maintenance and
// Cluster that etcdctl's `endpoint status` and `member list` need), on any Backend.
import * as grpc from '@grpc/grpc-js';
import { MAX_VALUE_BYTES, type Backend } from '../backend.js';
import { isStoreError } from '../errors.js';
import { deleteOptions, int, keyOf, leaseOf, pbKv, pbOpResult, putOptions, rangeOptions, txnRequest } from './convert.js';
import { loadEtcdServices, type PbCompactionRequest, type PbDeleteRangeRequest, type PbHeader, type PbPutRequest, type PbRangeRequest, type PbTxnRequest, type PbWatchRequest, type PbWatchResponse } from './proto.js';
import { shapedRange } from './range-sort.js';
import { GRPC_CODE_OF } from './status-codes.js';
import { WatchService } from './watch-service.js';

export interface EtcdServerOptions {
  readonly backend: Backend;
  /** host:port; port 0 picks a free one (see `port` after start). */
  readonly listen: string;
  /** Identifies this member in response headers and `endpoint status`. */
  readonly memberId?: string;
  readonly clusterId?: string;
  readonly name?: string;
}

type Unary<Req> = grpc.handleUnaryCall<Req, unknown>;

/** A StoreError becomes the status code and message etcd would send; anything else is INTERNAL. */
export function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  if (isStoreError(error)) return { code: GRPC_CODE_OF[error.code], details: error.message };
  return { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
}

export class EtcdServer {
  private readonly server: grpc.Server;
  private boundPort = 0;
  private readonly memberId: string;
  private readonly clusterId: string;

  constructor(private readonly options: EtcdServerOptions) {
    this.memberId = options.memberId ?? '10276657743932975437';
    this.clusterId = options.clusterId ?? '14841639068965178418';
    // etcd accepts requests up to --max-request-bytes plus 512 KiB of gRPC overhead; a larger
    // message is refused by gRPC itself (RESOURCE_EXHAUSTED), a smaller too-large value by the store.
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': MAX_VALUE_BYTES + 512 * 1024,
      'grpc.max_send_message_length': -1,
    });
  }

  get port(): number {
    return this.boundPort;
  }

  async start(signal?: AbortSignal): Promise<void> {
    const services = loadEtcdServices();
    const backend = this.options.backend;
    const header = (revision: number): PbHeader => ({
      cluster_id: this.clusterId,
      member_id: this.memberId,
      revision,
      raft_term: 1,
    });
    const unary =
      <Req>(handler: (request: Req) => Promise<unknown>): Unary<Req> =>
      (call, callback) => {
        let pending: Promise<unknown>;
        try {
          pending = handler(call.request);
        } catch (error) {
          callback(toServiceError(error));
          return;
        }
        pending.then(
          (response) => callback(null, response),
          (error: unknown) => callback(toServiceError(error)),
        );
      };

    this.server.addService(services.KV, {
      Range: unary<PbRangeRequest>(async (request) => {
        const result = await shapedRange(backend, request, rangeOptions(request));
        return { header: header(result.revision), kvs: result.kvs.map(pbKv), more: result.more, count: result.count };
      }),
      Put: unary<PbPutRequest>(async (request) => {
        const result = await backend.put(keyOf(request.key), request.value, putOptions(request));
        return { header: header(result.revision), ...(result.prevKv ? { prev_kv: pbKv(result.prevKv) } : {}) };
      }),
      DeleteRange: unary<PbDeleteRangeRequest>(async (request) => {
        const result = await backend.delete(deleteOptions(request));
        return { header: header(result.revision), deleted: result.deleted, prev_kvs: result.prevKvs.map(pbKv) };
      }),
      Txn: unary<PbTxnRequest>(async (request) => {
        const result = await backend.txn(txnRequest(request));
        // Each op's response carries the revision at its point in the txn, as etcd's do.
        const responses = result.responses.map((r) => pbOpResult(r, header(r.revision)));
        return { header: header(result.revision), succeeded: result.succeeded, responses };
      }),
      Compact: unary<PbCompactionRequest>(async (request) => {
        const result = await backend.compact(int(request.revision), { physical: request.physical });
        return { header: header(result.revision) };
      }),
    });

    const watch = new WatchService(backend, header);
    const handleWatch: grpc.handleBidiStreamingCall<PbWatchRequest, PbWatchResponse> = (stream) => watch.handle(stream);
    this.server.addService(services.Watch, { Watch: handleWatch });

    const revision = async (): Promise<number> => (await backend.status()).revision;
    this.server.addService(services.Lease, {
      LeaseGrant: unary<{ TTL: string; ID: string }>(async (request) => {
        const grant = await backend.leaseGrant(int(request.TTL), leaseOf(request.ID));
        return { header: header(await revision()), ID: grant.id, TTL: grant.ttl, error: '' };
      }),
      LeaseRevoke: unary<{ ID: string }>(async (request) => {
        await backend.leaseRevoke(leaseOf(request.ID));
        return { header: header(await revision()) };
      }),
      LeaseTimeToLive: unary<{ ID: string; keys: boolean }>(async (request) => {
        const info = await backend.leaseTimeToLive(leaseOf(request.ID), request.keys);
        return {
          header: header(await revision()),
          ID: info.id,
          TTL: info.ttl,
          grantedTTL: info.grantedTtl,
          keys: info.keys.map((k) => Buffer.from(k)),
        };
      }),
      LeaseLeases: unary<object>(async () => {
        const ids = await backend.leaseList();
        return { header: header(await revision()), leases: ids.map((ID) => ({ ID })) };
      }),
      LeaseKeepAlive: ((stream: grpc.ServerDuplexStream<{ ID: string }, unknown>) => {
        stream.on('data', (request: { ID: string }) => {
          const id = leaseOf(request.ID);
          // etcd answers a keep-alive for an unknown lease with TTL 0 rather than an error.
          backend
            .leaseKeepAlive(id)
            .catch((error: unknown) => (isStoreError(error, 'LeaseNotFound') ? 0 : Promise.reject(error)))
            .then(async (ttl) => {
              if (!stream.destroyed) stream.write({ header: header(await revision()), ID: id, TTL: ttl });
            })
            .catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
        });
        stream.on('end', () => stream.end());
      }) satisfies grpc.handleBidiStreamingCall<{ ID: string }, unknown>,
    });

    const member = (): object => ({
      ID: this.memberId,
      name: this.options.name ?? 'supercache',
      peerURLs: [],
      clientURLs: [`http://${this.options.listen.replace(/:0$/, `:${this.boundPort}`)}`],
      isLearner: false,
    });
    this.server.addService(services.Cluster, {
      MemberList: unary<object>(async () => ({ header: header(await revision()), members: [member()] })),
    });
    this.server.addService(services.Maintenance, {
      Status: unary<object>(async () => {
        const status = await backend.status();
        return {
          header: header(status.revision),
          version: status.version,
          dbSize: status.dbSize,
          dbSizeInUse: status.dbSize,
          leader: this.memberId,
          raftIndex: status.revision,
          raftTerm: 1,
          raftAppliedIndex: status.revision,
          errors: [],
          isLearner: false,
        };
      }),
      Alarm: unary<object>(async () => ({ header: header(await revision()), alarms: [] })),
    });

    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(this.options.listen, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Stops accepting calls, ends open streams, and waits for them to finish. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.tryShutdown(() => resolve());
      // Watch and keep-alive streams never end by themselves; don't let them hold the shutdown.
      setTimeout(() => this.server.forceShutdown(), 1000).unref();
    });
  }
}
