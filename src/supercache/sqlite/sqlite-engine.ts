// The embedded SuperCache engine: the Backend interface on one SQLite file. Writes go through group
// commit and are acknowledged only once durable; committed events fan out to watchers from memory.
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
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
import { MAX_LEASE_TTL } from '../backend.js';
import {
  CompactedError,
  futureRevision,
  leaseExists,
  leaseNotFound,
  leaseTTLTooLarge,
  storeClosed,
} from '../errors.js';
import { checkDelete, checkPut, checkRange, checkTxn, isReadOnly } from '../request-checks.js';
import { WatchHub, type HistoryPage, type StoreEvent } from '../watch/watch-hub.js';
import { Compactor, RetentionPolicy } from './compactor.js';
import { GroupCommit, type JobContext } from './group-commit.js';
import { KvTables, logRowToKeyValue } from './kv-tables.js';
import { LeaseTable } from './lease-table.js';
import { readRange, RevisionWriter, type ReadView } from './revision-writer.js';
import { databasePath, openDatabase } from './schema.js';
import { WalCheckpointer, type CheckpointPolicy } from './wal-checkpointer.js';
import { createLogger } from '../../util/log.js';

export const SUPERCACHE_VERSION = '3.4.0-supercache';

export interface SqliteEngineOptions {
  readonly dataDir: string;
  /** Unread events a watcher may have before it is cut off with WatchOverflowError. */
  readonly watchBacklogLimit?: number;
  /** Automatic compaction keeps this much history (default 5 minutes) ... */
  readonly retentionMs?: number;
  /** ... and at least this many revisions (default 1000). */
  readonly minRetainedRevisions?: number;
  /** How often the retention policy runs (default 10 s); 0 disables automatic compaction. */
  readonly compactionIntervalMs?: number;
  /** WAL checkpoints in a worker thread while writes are frequent (wal-checkpointer.ts); every 100 ms by default. */
  readonly checkpoints?: CheckpointPolicy & { readonly intervalMs?: number };
  /** Log rows examined per compaction transaction (default 1000). */
  readonly compactionBatchSize?: number;
  /** How often idle watchers asking for progress hear the head revision (default 10 minutes, as etcd). */
  readonly progressNotifyIntervalMs?: number;
  /** The shortest lease TTL in seconds (default 2: etcd's minimum on a single member). */
  readonly minLeaseTtl?: number;
  readonly now?: () => number;
}

export class SqliteEngine implements Backend {
  private db: Database.Database | undefined;
  private tables!: KvTables;
  private leases!: LeaseTable;
  private compactor!: Compactor;
  private commits!: GroupCommit<number>;
  private checkpointer: WalCheckpointer | undefined;
  private hub!: WatchHub;
  private head = 0;
  /** The newest revision known durable: what watchers and progress notifications may see. */
  private durableHead = 0;
  /** Set when an fsync failed: the engine then refuses everything. */
  private failure: Error | undefined;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;

  constructor(private readonly options: SqliteEngineOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Opens (or creates) the database and starts lease expiry, compaction and progress timers. */
  start(signal?: AbortSignal): Promise<void> {
    const db = openDatabase(this.options.dataDir);
    this.db = db;
    this.tables = new KvTables(db);
    this.head = this.tables.headRevision();
    this.durableHead = this.head;
    this.commits = new GroupCommit<number>(
      db,
      {
        snapshot: () => this.head,
        restore: (head) => {
          this.head = head;
        },
      },
      {
        // No `durable`: commits fsync in place (synchronous=FULL). Acknowledging after an fsync on
        // the thread pool (GroupCommit's `durable`) took the fsync off the event loop, but widened
        // the time between a commit and its watch event enough that a Deployment controller
        // restarted mid-rollout missed its predecessor's last pod creates and surged past
        // maxSurge (test/controller/deployment/restart.test.ts failed 2 runs in 5; 0 in 6 without).
        onDurableFailure: (error) => {
          createLogger('supercache').error('the store stops: an fsync failed', { error: error.message });
          this.failure = error;
          this.hub.closeAll(error);
        },
      },
    );
    this.compactor = new Compactor(db, this.commits, this.options.compactionBatchSize ?? 1000);
    this.leases = new LeaseTable(db, this.now);
    this.leases.load();
    this.hub = new WatchHub(
      {
        history: (from, to, after, withPrevKv) => this.history(from, to, after, withPrevKv),
        compactRevision: () => this.compactor.revision,
        headRevision: () => this.durableHead,
      },
      this.options.watchBacklogLimit ?? 10_000,
    );
    this.checkpointer = new WalCheckpointer(
      databasePath(this.options.dataDir),
      (error) => createLogger('supercache').warn('the WAL checkpoint worker failed; the writing connection checkpoints alone', { error }),
      this.options.checkpoints,
    );
    this.every(this.options.checkpoints?.intervalMs ?? 100, () => this.checkpointer?.tick(this.commits.batches));
    this.every(500, () => this.expireLeases());
    this.every(this.options.progressNotifyIntervalMs ?? 600_000, () => this.requestProgress());
    const compactionInterval = this.options.compactionIntervalMs ?? 10_000;
    if (compactionInterval > 0) {
      const policy = new RetentionPolicy(this.options.retentionMs ?? 300_000, this.options.minRetainedRevisions ?? 1000);
      this.every(compactionInterval, () => {
        const target = policy.target(this.now(), this.head, this.compactor.revision);
        if (target > 0) this.compact(target).catch(() => {}); // a racing manual compaction may win
      });
    }
    this.compactor.resume().catch(() => {});
    signal?.addEventListener('abort', () => void this.close(), { once: true });
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.hub?.closeAll();
    // Let queued writes finish: a write in flight is either committed and acknowledged, or not.
    await this.commits?.close(storeClosed());
    await this.checkpointer?.stop();
    this.db?.close();
  }

  get revision(): number {
    return this.head;
  }

  /** Largest group-commit batch so far (for metrics and benchmarks). */
  get maxBatchSize(): number {
    return this.commits.maxBatch;
  }

  range(options: RangeOptions): Promise<RangeResult> {
    return this.read(() => {
      checkRange(options);
      return readRange(this.view(), options, this.head);
    });
  }

  async put(key: string, value: Buffer, options: PutOptions = {}): Promise<PutResult> {
    checkPut(key, value, options);
    return this.write((writer) => writer.put(key, value, options));
  }

  async delete(options: DeleteOptions): Promise<DeleteResult> {
    checkDelete(options);
    return this.write((writer) => writer.delete(options));
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    checkTxn(request);
    const run = (writer: RevisionWriter): TxnResult => {
      const succeeded = writer.compare(request.compare);
      const responses = (succeeded ? request.success : request.failure).map((op) => writer.apply(op));
      return { revision: writer.resultRevision, succeeded, responses };
    };
    // A txn that cannot write is answered at once from the committed state.
    if (isReadOnly(request)) return this.read(() => run(new RevisionWriter(this.view())));
    return this.write(run);
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw storeClosed();
    return this.hub.watch(options);
  }

  async leaseGrant(ttlSeconds: number, id?: LeaseId): Promise<LeaseGrant> {
    if (ttlSeconds > MAX_LEASE_TTL) throw leaseTTLTooLarge();
    const ttl = Math.max(ttlSeconds, this.options.minLeaseTtl ?? 2);
    return this.job((context) => {
      const leaseId = id === undefined || id === '0' ? this.leases.newId() : id;
      if (this.leases.has(leaseId)) throw leaseExists();
      context.afterCommit(this.leases.write(leaseId, ttl));
      return { id: leaseId, ttl };
    });
  }

  async leaseRevoke(id: LeaseId): Promise<void> {
    await this.write((writer, context) => {
      if (!this.leases.has(id)) throw leaseNotFound();
      for (const key of this.tables.keysWithLease(id)) writer.delete({ key });
      context.afterCommit(this.leases.erase(id));
    });
  }

  leaseKeepAlive(id: LeaseId): Promise<number> {
    return this.read(() => {
      const ttl = this.leases.renew(id);
      if (ttl === undefined) throw leaseNotFound();
      return ttl;
    });
  }

  leaseTimeToLive(id: LeaseId, withKeys = false): Promise<LeaseInfo> {
    return this.read(() => {
      const left = this.leases.remaining(id);
      if (left === undefined) return { id, ttl: -1, grantedTtl: 0, keys: [] };
      return { id, ...left, keys: withKeys ? this.tables.keysWithLease(id) : [] };
    });
  }

  leaseList(): Promise<LeaseId[]> {
    return this.read(() => this.leases.ids());
  }

  async compact(revision: number, options: { physical?: boolean } = {}): Promise<{ revision: number }> {
    const result = await this.job((context) => {
      if (revision > this.head) throw futureRevision();
      if (revision <= this.compactor.revision) throw new CompactedError(this.compactor.revision);
      context.afterCommit(this.compactor.mark(revision));
      return { revision: this.head };
    });
    const purge = this.compactor.purge();
    if (options.physical) await purge;
    else purge.catch(() => {}); // a failed purge is retried by the next compaction or restart
    return result;
  }

  /** At once, without waiting for an fsync: the revision is the newest durable one. */
  status(): Promise<StoreStatus> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(storeClosed());
    return Promise.resolve({
      revision: this.durableHead,
      compactRevision: this.compactor.revision,
      dbSize: this.fileSize(),
      version: SUPERCACHE_VERSION,
    });
  }

  requestProgress(): void {
    if (!this.closed && this.failure === undefined) this.hub.notifyProgress(this.durableHead);
  }

  private view(): ReadView {
    return {
      tables: this.tables,
      headRevision: this.head,
      compactRevision: this.compactor.revision,
      leaseExists: (id) => this.leases.has(id),
    };
  }

  /** Reads now; answers once what it read is durable (a commit's fsync may still be running). */
  private read<T>(run: () => T): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(storeClosed());
    let value: T;
    try {
      value = run();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.commits.barrier().then(() => value);
  }

  private job<T>(run: (context: JobContext) => T): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(storeClosed());
    return this.commits.submit(run);
  }

  /** Runs `run` at the next revision; the revision is taken only if it wrote something. */
  private write<T>(run: (writer: RevisionWriter, context: JobContext) => T): Promise<T> {
    return this.job((context) => {
      const writer = new RevisionWriter(this.view());
      const result = run(writer, context);
      if (writer.wrote) {
        const revision = writer.revision;
        this.head = revision;
        const events = writer.events;
        context.whenDurable(() => {
          this.durableHead = revision;
          this.hub.publish(events);
        });
      }
      return result;
    });
  }

  private history(from: number, to: number, after: number, withPrevKv: boolean): HistoryPage {
    const rows = this.tables.events(from, to, after);
    const events: StoreEvent[] = rows.map((row) => {
      const kv = logRowToKeyValue(row);
      const prevKv = withPrevKv ? this.tables.at(row.key, row.prev_revision) : undefined;
      const type = row.version === 0 ? 'delete' : 'put';
      return prevKv === undefined ? { type, kv } : { type, kv, prevKv };
    });
    const last = rows[rows.length - 1];
    return { events, next: rows.length < 1000 || last === undefined ? undefined : last.id };
  }

  private expireLeases(): void {
    for (const id of this.leases.expired()) {
      this.leaseRevoke(id).catch(() => {}); // revoked meanwhile by a client: nothing to do
    }
  }

  private every(ms: number, tick: () => void): void {
    const timer = setInterval(tick, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private sizeCache = { at: 0, bytes: 0 };

  /** The database's size on disk, read at most once a second: status() is called on hot paths. */
  private fileSize(): number {
    const now = this.now();
    if (now - this.sizeCache.at < 1000) return this.sizeCache.bytes;
    this.sizeCache = { at: now, bytes: this.statFiles() };
    return this.sizeCache.bytes;
  }

  private statFiles(): number {
    const file = databasePath(this.options.dataDir);
    let size = 0;
    for (const suffix of ['', '-wal']) {
      try {
        size += statSync(file + suffix).size;
      } catch {
        // the WAL may not exist
      }
    }
    return size;
  }
}
