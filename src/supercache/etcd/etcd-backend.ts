// The Backend interface on a real etcd (v3.4+) cluster, through etcd3's raw gRPC stubs, so that the
// semantics are etcd's own: the same shared conformance suite runs on this and on the SQLite engine.
import type {
  ILeaseGrantResponse,
  ILeaseKeepAliveRequest,
  ILeaseKeepAliveResponse,
  ILeaseLeasesResponse,
  ILeaseTimeToLiveResponse,
  IDeleteRangeResponse,
  IPutResponse,
  IRangeResponse,
  IStatusResponse,
  ITxnResponse,
  ICompactionResponse,
} from 'etcd3';
import type {
  Backend,
  DeleteOptions,
  DeleteResult,
  LeaseGrant,
  LeaseId,
  LeaseInfo,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  StoreStatus,
  TxnRequest,
  TxnResult,
  WatchEvent,
  WatchOptions,
} from '../backend.js';
import { CompactedError, StoreError, isStoreError, leaseNotFound, storeClosed } from '../errors.js';
import { EtcdConnection } from './etcd-connection.js';
import {
  compareMessage,
  deleteRequest,
  deleteResult,
  headerRevision,
  int64,
  putRequest,
  putResult,
  rangeRequest,
  rangeResult,
  requestOp,
  responseOp,
} from './etcd-convert.js';
import { translateGrpcError } from './etcd-errors.js';
import { EtcdWatch } from './etcd-watch.js';

export interface EtcdBackendOptions {
  /** `host:port` of each etcd member's client URL (plain gRPC, no TLS yet). */
  readonly endpoints: string[];
  /** Unread events a watcher may have before it fails with WatchOverflowError (default 10000). */
  readonly watchBacklogLimit?: number;
  /** How long a call waits for a connection before failing with Unavailable (default 5 s). */
  readonly dialTimeoutMs?: number;
}

const DEFAULT_WATCH_BACKLOG = 10_000;
const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
// Any key will do for the compaction probe: etcd checks the revision before it looks at keys.
const PROBE_KEY = Buffer.from([0]);

export class EtcdBackend implements Backend {
  private readonly connection: EtcdConnection;
  private readonly watchBacklogLimit: number;
  private readonly watches = new Set<EtcdWatch>();
  /** A lower bound of etcd's compact revision, so the probe usually costs one request. */
  private knownCompactRevision = 0;

  constructor(options: EtcdBackendOptions) {
    this.connection = new EtcdConnection({
      endpoints: options.endpoints,
      dialTimeoutMs: options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
    });
    this.watchBacklogLimit = options.watchBacklogLimit ?? DEFAULT_WATCH_BACKLOG;
  }

  async range(options: RangeOptions): Promise<RangeResult> {
    const response = await this.kv<IRangeResponse>('range', rangeRequest(options));
    return rangeResult(response);
  }

  async put(key: string, value: Buffer, options?: PutOptions): Promise<PutResult> {
    return putResult(await this.kv<IPutResponse>('put', putRequest(key, value, options)));
  }

  async delete(options: DeleteOptions): Promise<DeleteResult> {
    return deleteResult(await this.kv<IDeleteRangeResponse>('deleteRange', deleteRequest(options)));
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    const response = await this.kv<ITxnResponse>('txn', {
      compare: request.compare.map(compareMessage),
      success: request.success.map(requestOp),
      failure: request.failure.map(requestOp),
    });
    return {
      revision: headerRevision(response.header),
      succeeded: response.succeeded === true,
      responses: (response.responses ?? []).map(responseOp),
    };
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    if (this.connection.isClosed) throw storeClosed();
    const watch = new EtcdWatch(this.connection, options, this.watchBacklogLimit, (done) => this.watches.delete(done));
    // A watch that already ended (signal aborted) has called its onDone: do not track it.
    if (!watch.isFinished) this.watches.add(watch);
    return watch;
  }

  async leaseGrant(ttlSeconds: number, id?: LeaseId): Promise<LeaseGrant> {
    const response = await this.connection.unary<ILeaseGrantResponse>('Lease', 'leaseGrant', { TTL: ttlSeconds, ID: id ?? '0' });
    // etcd raises a TTL below its minimum (about 2 s on one member) and reports the raised TTL.
    return { id: String(response.ID), ttl: int64(response.TTL) };
  }

  async leaseRevoke(id: LeaseId): Promise<void> {
    await this.connection.unary('Lease', 'leaseRevoke', { ID: id });
  }

  /** One keep-alive round trip on a short-lived LeaseKeepAlive stream. */
  async leaseKeepAlive(id: LeaseId): Promise<number> {
    const stream = await this.connection.duplex<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>('Lease', 'leaseKeepAlive');
    try {
      const response = await new Promise<ILeaseKeepAliveResponse>((resolve, reject) => {
        stream.once('data', resolve);
        stream.once('error', (error) => reject(translateGrpcError(error)));
        stream.once('end', () => reject(new StoreError('Unavailable', 'etcd: lease keep-alive stream ended')));
        stream.write({ ID: id });
      });
      // etcd answers TTL 0 (not an error) for a lease that does not exist or has expired.
      const ttl = int64(response.TTL);
      if (ttl <= 0) throw leaseNotFound();
      return ttl;
    } finally {
      stream.on('error', () => {});
      stream.end();
      stream.cancel();
    }
  }

  async leaseTimeToLive(id: LeaseId, withKeys = false): Promise<LeaseInfo> {
    const response = await this.connection.unary<ILeaseTimeToLiveResponse>('Lease', 'leaseTimeToLive', {
      ID: id,
      keys: withKeys,
    });
    // etcd answers TTL -1 (not an error) for an unknown lease.
    return {
      id: String(response.ID),
      ttl: int64(response.TTL),
      grantedTtl: int64(response.grantedTTL),
      keys: (response.keys ?? []).map((key) => Buffer.from(key).toString('utf8')),
    };
  }

  async leaseList(): Promise<LeaseId[]> {
    const response = await this.connection.unary<ILeaseLeasesResponse>('Lease', 'leaseLeases', {});
    return (response.leases ?? []).map((lease) => String(lease.ID));
  }

  async compact(revision: number, options?: { readonly physical?: boolean }): Promise<{ revision: number }> {
    const response = await this.kv<ICompactionResponse>('compact', { revision, physical: options?.physical === true });
    this.knownCompactRevision = Math.max(this.knownCompactRevision, revision);
    return { revision: headerRevision(response.header) };
  }

  async status(): Promise<StoreStatus> {
    const response = await this.connection.unary<IStatusResponse>('Maintenance', 'status', {});
    const revision = headerRevision(response.header);
    return {
      revision,
      // etcd 3.4's Status does not report it; found by probing reads (see probeCompactRevision).
      compactRevision: await this.probeCompactRevision(revision),
      dbSize: int64(response.dbSize),
      version: response.version,
    };
  }

  requestProgress(): void {
    for (const watch of this.watches) watch.requestProgress();
  }

  /** Ends open watches cleanly (as the SQLite engine does) and closes the gRPC channels. */
  close(): Promise<void> {
    for (const watch of [...this.watches]) watch.finish();
    this.connection.close();
    return Promise.resolve();
  }

  /** A KV call; etcd's "compacted" error does not say where, so we find out before throwing. */
  private async kv<Response>(method: string, request: unknown): Promise<Response> {
    try {
      return await this.connection.unary<Response>('KV', method, request);
    } catch (error) {
      if (!(error instanceof CompactedError)) throw error;
      let compactRevision = 0;
      try {
        compactRevision = await this.probeCompactRevision();
      } catch {
        // Keep 0 ("unknown") rather than hiding the compaction error behind a probe failure.
      }
      throw new CompactedError(compactRevision);
    }
  }

  /**
   * etcd's compact revision: the smallest revision a read may still ask for. A read at revision r
   * fails with "compacted" exactly when r < compact revision, so search between the last known
   * value and the head revision (usually a single read, as our own compact() keeps it current).
   */
  private async probeCompactRevision(headRevision?: number): Promise<number> {
    let low = Math.max(1, this.knownCompactRevision);
    if (await this.readableAt(low)) return this.knownCompactRevision;
    let high = headRevision ?? rangeResult(await this.connection.unary<IRangeResponse>('KV', 'range', probe(0))).revision;
    if (high <= low) return this.knownCompactRevision;
    // Invariant: low is compacted away, high is readable.
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.readableAt(middle)) high = middle;
      else low = middle;
    }
    this.knownCompactRevision = Math.max(this.knownCompactRevision, high);
    return high;
  }

  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.connection.unary('KV', 'range', probe(revision));
      return true;
    } catch (error) {
      if (isStoreError(error, 'Compacted')) return false;
      throw error;
    }
  }
}

const probe = (revision: number): object => ({ key: PROBE_KEY, revision, count_only: true });
