// The gRPC side of the etcd backend: etcd3's connection pool (proto loading, one client per service
// and host) with its retry and circuit-breaker policies replaced by a pass-through, so that every
// call reaches etcd exactly once and every failure keeps its raw gRPC status for translation.
import * as grpc from '@grpc/grpc-js';
import type { IOptions } from 'etcd3';
import { ConnectionPool } from 'etcd3/lib/connection-pool.js';
import { StoreError, storeClosed } from '../errors.js';
import { translateGrpcError } from './etcd-errors.js';

export type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Maintenance';

export interface EtcdConnectionOptions {
  readonly endpoints: readonly string[];
  readonly dialTimeoutMs: number;
}

type Policy = ReturnType<NonNullable<NonNullable<IOptions['faultHandling']>['host']>>;

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

type DuplexMethod = (metadata: grpc.Metadata, options?: grpc.CallOptions) => grpc.ClientDuplexStream<unknown, unknown>;

/** A call that failed before anything was sent: safe to try on another endpoint. */
class NotConnectedError extends StoreError {
  constructor(message: string) {
    super('Unavailable', message);
  }
}

export class EtcdConnection {
  private readonly pool: ConnectionPool;
  private closed = false;

  constructor(private readonly options: EtcdConnectionOptions) {
    if (options.endpoints.length === 0) throw new Error('EtcdBackend needs at least one endpoint');
    this.pool = new ConnectionPool({
      hosts: [...options.endpoints],
      grpcOptions: {
        // etcd answers ranges of any size (its MaxCallSendMsgSize is 2 GiB); gRPC's 4 MiB default would cut lists.
        'grpc.max_receive_message_length': -1,
        'grpc.max_send_message_length': -1,
        // etcd restarts should not leave us in a two-minute reconnect back-off.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 2_000,
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
      },
      faultHandling: { host: () => passThroughPolicy(), global: passThroughPolicy() },
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async unary<Response>(service: ServiceName, method: string, request: unknown): Promise<Response> {
    return this.withReadyClient(service, async (client, metadata) => {
      const fn = methodOf<UnaryMethod>(client, method);
      return new Promise<Response>((resolve, reject) => {
        fn.call(client, request, metadata, {}, (error, response) => {
          if (error !== null) reject(translateGrpcError(error));
          else resolve(response as Response);
        });
      });
    });
  }

  /** Opens a bidirectional stream; the caller owns it (listeners, cancel). */
  async duplex<Request, Response>(
    service: ServiceName,
    method: string,
    extraMetadata: Readonly<Record<string, string>> = {},
  ): Promise<grpc.ClientDuplexStream<Request, Response>> {
    return this.withReadyClient(service, (client, metadata) => {
      const md = metadata.clone();
      for (const [key, value] of Object.entries(extraMetadata)) md.set(key, value);
      const fn = methodOf<DuplexMethod>(client, method);
      return fn.call(client, md) as grpc.ClientDuplexStream<Request, Response>;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.close();
  }

  /**
   * Runs `fn` on a host whose channel is connected, waiting at most dialTimeoutMs for it; a host
   * that cannot connect is skipped (nothing was sent), so several endpoints give fail-over.
   */
  private async withReadyClient<T>(
    service: ServiceName,
    fn: (client: grpc.Client, metadata: grpc.Metadata) => Promise<T> | T,
  ): Promise<T> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.options.endpoints.length; attempt++) {
      if (this.closed) throw storeClosed();
      try {
        return await this.pool.withConnection(service, async ({ client, metadata }) => {
          await this.waitReady(client);
          return fn(client, metadata);
        });
      } catch (error) {
        if (!(error instanceof NotConnectedError)) throw asStoreError(error, this.closed);
        lastError = error;
      }
    }
    throw lastError;
  }

  private waitReady(client: grpc.Client): Promise<void> {
    if (client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY) return Promise.resolve();
    const timeout = this.options.dialTimeoutMs;
    return new Promise((resolve, reject) => {
      client.waitForReady(Date.now() + timeout, (error) => {
        if (error === undefined) resolve();
        else reject(new NotConnectedError(`etcd at ${this.options.endpoints.join(',')} not reachable within ${timeout} ms`));
      });
    });
  }
}

function methodOf<F>(client: grpc.Client, name: string): F {
  const fn = (client as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`etcd gRPC client has no method ${name}`);
  return fn as F;
}

/** etcd3's pool throws its own errors (e.g. ClientClosedError) when closed mid-call. */
function asStoreError(error: unknown, closed: boolean): unknown {
  if (error instanceof StoreError) return error;
  if (closed) return storeClosed();
  return new StoreError('Unavailable', `etcd: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** Runs the call once: we want etcd's own answer, not retries of non-idempotent writes. */
function passThroughPolicy(): Policy {
  const signal = new AbortController().signal;
  const policy = {
    execute: async <T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> => fn({ signal }),
  };
  return policy as unknown as Policy;
}
