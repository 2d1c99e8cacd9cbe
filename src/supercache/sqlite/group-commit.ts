// Group commit: every write submitted while the previous commit was running (better-sqlite3 blocks
// the thread during a commit, so requests pile up in the sockets meanwhile) is applied in one SQLite
// transaction. A promise resolves only once that commit is durable. Each job runs in its own
// savepoint: a job that throws is undone alone.
//
// Durability comes one of two ways. Without `durable`, the commit itself fsyncs (synchronous=FULL)
// on the event loop. With it, the commit only writes the WAL and `durable()` (an fsync of the WAL
// on libuv's thread pool) runs beside the event loop; batches committed meanwhile share the next
// one. Either way a job's effects and its answer wait for the fsync that covers it.
import type Database from 'better-sqlite3';

export interface JobContext {
  /** Runs after the batch commits, in job order; skipped if this job or the batch is rolled back. */
  afterCommit(effect: () => void): void;
}

export type Job<T> = (context: JobContext) => T;

/** In-memory state that moves with the transaction and must move back with a rollback. */
export interface RollbackHooks<S> {
  snapshot(): S;
  restore(snapshot: S): void;
}

interface Pending {
  run: Job<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<S> {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  /** Largest batch so far, for /metrics and the benchmarks. */
  maxBatch = 0;
  batches = 0;

  /** Settlements of committed batches that wait for the next `durable()`. */
  private unsynced: ((error?: unknown) => void)[] = [];
  private syncing = false;

  constructor(
    private readonly db: Database.Database,
    private readonly hooks: RollbackHooks<S>,
    private readonly maxBatchSize = 1000,
    private readonly durable?: () => Promise<void>,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT job');
    this.release = db.prepare('RELEASE job');
    this.rollbackTo = db.prepare('ROLLBACK TO job');
  }

  submit<T>(run: Job<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not nextTick: requests already read from sockets join this batch first.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Fails every queued job (used when the store closes). */
  abort(error: unknown): void {
    const queued = this.queue;
    this.queue = [];
    for (const job of queued) job.reject(error);
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatchSize);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());
    if (batch.length === 0) return;
    this.batches++;
    this.maxBatch = Math.max(this.maxBatch, batch.length);

    const before = this.hooks.snapshot();
    const outcomes: ({ ok: true; value: unknown; effects: (() => void)[] } | { ok: false; error: unknown })[] = [];
    try {
      this.begin.run();
      for (const job of batch) {
        const jobState = this.hooks.snapshot();
        const effects: (() => void)[] = [];
        this.savepoint.run();
        try {
          const value = job.run({ afterCommit: (effect) => effects.push(effect) });
          this.release.run();
          outcomes.push({ ok: true, value, effects });
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          this.hooks.restore(jobState);
          outcomes.push({ ok: false, error });
        }
      }
      this.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      this.hooks.restore(before);
      for (const job of batch) job.reject(error);
      return;
    }
    const settle = (syncError?: unknown): void => {
      batch.forEach((job, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) return;
        if (!outcome.ok) job.reject(outcome.error);
        else if (syncError !== undefined) job.reject(syncError);
        else {
          for (const effect of outcome.effects) effect();
          job.resolve(outcome.value);
        }
      });
    };
    if (this.durable === undefined) settle();
    else {
      this.unsynced.push(settle);
      if (!this.syncing) this.syncNext();
    }
  }

  /** One fsync for every batch committed since the last one started; batches settle in order. */
  private syncNext(): void {
    const waiting = this.unsynced;
    this.unsynced = [];
    if (waiting.length === 0 || this.durable === undefined) {
      this.syncing = false;
      return;
    }
    this.syncing = true;
    this.durable().then(
      () => {
        for (const settle of waiting) settle();
        this.syncNext();
      },
      (error: unknown) => {
        for (const settle of waiting) settle(error);
        this.syncNext();
      },
    );
  }
}
