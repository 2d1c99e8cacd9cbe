// Group commit: every write submitted while the previous commit was running (better-sqlite3 blocks
// the thread during a commit, so requests pile up in the sockets meanwhile) is applied in one SQLite
// transaction. A promise resolves only once that commit is durable. Each job runs in its own
// savepoint: a job that throws is undone alone.
//
// Durability comes one of two ways. Without `durable`, the commit itself fsyncs (synchronous=FULL)
// on the event loop: what SqliteEngine does (it says why). With it, the commit only writes the WAL
// (synchronous=NORMAL) and `durable()`, say an fsync of the WAL on libuv's thread pool, runs
// beside the event loop; batches committed meanwhile share the next one. A job's `afterCommit` effects (memory that mirrors the tables) run at once;
// its `whenDurable` effects (what others may see: watch events) and its answer wait for the fsync.
// A failed fsync is fatal: what it should have covered may be lost, so nothing more is accepted.
import type Database from 'better-sqlite3';

export interface JobContext {
  /** Runs right after the batch commits, in job order; skipped if this job or the batch is rolled back. */
  afterCommit(effect: () => void): void;
  /** Runs once the commit is durable, in job order, before the job's answer. */
  whenDurable(effect: () => void): void;
}

export type Job<T> = (context: JobContext) => T;

/** In-memory state that moves with the transaction and must move back with a rollback. */
export interface RollbackHooks<S> {
  snapshot(): S;
  restore(snapshot: S): void;
}

export interface GroupCommitOptions {
  readonly maxBatchSize?: number;
  /** Makes every commit so far durable (see above); without it commits fsync themselves. */
  readonly durable?: () => Promise<void>;
  /** Told once when `durable()` fails; the GroupCommit then refuses every job. */
  readonly onDurableFailure?: (error: Error) => void;
}

interface Pending {
  run: Job<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown; durableEffects: (() => void)[] } | { ok: false; error: unknown };

export class GroupCommit<S> {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  private readonly maxBatchSize: number;
  /** Largest batch so far, for /metrics and the benchmarks. */
  maxBatch = 0;
  batches = 0;

  /** Settlements of committed batches that wait for the next `durable()`. */
  private unsynced: ((error?: unknown) => void)[] = [];
  private syncing = false;
  /** Batches committed, and batches known durable; barrier() waiters by the count they wait for. */
  private committed = 0;
  private synced = 0;
  private barriers: { upTo: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Why no job is accepted any more (closed, or an fsync failed). */
  private refusal: Error | undefined;
  /** The first failed fsync, told to onDurableFailure once (even while closing). */
  private fatal: Error | undefined;
  private drained: (() => void) | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly hooks: RollbackHooks<S>,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT job');
    this.release = db.prepare('RELEASE job');
    this.rollbackTo = db.prepare('ROLLBACK TO job');
  }

  submit<T>(run: Job<T>): Promise<T> {
    if (this.refusal !== undefined) return Promise.reject(this.refusal);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not nextTick: requests already read from sockets join this batch first.
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Resolves once every batch committed so far is durable. A read answers after it, so that
   * nobody sees a write that a power loss could still take back.
   */
  barrier(): Promise<void> {
    if (this.synced >= this.committed) return Promise.resolve();
    if (this.refusal !== undefined) return Promise.reject(this.refusal);
    return new Promise((resolve, reject) => this.barriers.push({ upTo: this.committed, resolve, reject }));
  }

  /** Refuses new jobs with `error`, lets queued ones commit, and resolves once all are durable. */
  close(error: Error): Promise<void> {
    this.refusal ??= error;
    return new Promise((resolve) => {
      this.drained = resolve;
      this.checkDrained();
    });
  }

  private checkDrained(): void {
    if (this.drained === undefined || this.scheduled || this.queue.length > 0 || this.syncing) return;
    const drained = this.drained;
    this.drained = undefined;
    drained();
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatchSize);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());
    if (batch.length === 0) {
      this.checkDrained();
      return;
    }
    this.batches++;
    this.maxBatch = Math.max(this.maxBatch, batch.length);

    const before = this.hooks.snapshot();
    const outcomes: Outcome[] = [];
    const commitEffects: (() => void)[][] = [];
    try {
      this.begin.run();
      for (const job of batch) {
        const jobState = this.hooks.snapshot();
        const onCommit: (() => void)[] = [];
        const durableEffects: (() => void)[] = [];
        this.savepoint.run();
        try {
          const value = job.run({ afterCommit: (effect) => onCommit.push(effect), whenDurable: (effect) => durableEffects.push(effect) });
          this.release.run();
          outcomes.push({ ok: true, value, durableEffects });
          commitEffects.push(onCommit);
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
      this.checkDrained();
      return;
    }
    this.committed++;
    try {
      for (const effects of commitEffects) for (const effect of effects) effect();
    } finally {
      this.afterCommitted(batch, outcomes);
    }
  }

  /** Answers the batch's jobs now (the commit fsynced) or after the fsync that covers it. */
  private afterCommitted(batch: Pending[], outcomes: Outcome[]): void {
    const settle = (syncError?: unknown): void => {
      batch.forEach((job, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) return;
        if (!outcome.ok) job.reject(outcome.error);
        else if (syncError !== undefined) job.reject(syncError);
        else {
          for (const effect of outcome.durableEffects) effect();
          job.resolve(outcome.value);
        }
      });
    };
    if (this.options.durable === undefined) {
      this.synced = this.committed;
      settle();
      this.checkDrained();
    } else {
      this.unsynced.push(settle);
      if (!this.syncing) this.syncNext();
    }
  }

  /** One fsync for every batch committed since the last one started; batches settle in order. */
  private syncNext(): void {
    const waiting = this.unsynced;
    this.unsynced = [];
    const durable = this.options.durable;
    if (waiting.length === 0 || durable === undefined) {
      this.syncing = false;
      this.checkDrained();
      return;
    }
    this.syncing = true;
    const upTo = this.committed;
    durable().then(
      () => {
        this.synced = upTo;
        for (const settle of waiting) settle();
        this.releaseBarriers();
        this.syncNext();
      },
      (error: unknown) => this.failDurability(error, waiting),
    );
  }

  private releaseBarriers(): void {
    if (this.barriers.length === 0) return;
    const waiting = this.barriers;
    this.barriers = [];
    for (const barrier of waiting) {
      if (barrier.upTo <= this.synced) barrier.resolve();
      else this.barriers.push(barrier);
    }
  }

  /** An fsync failed: fail what it covered, what waits, and everything from now on. */
  private failDurability(error: unknown, waiting: ((error?: unknown) => void)[]): void {
    const fatal = new Error(`supercache: an fsync of the store failed, so writes may be lost; restart the server (${String(error)})`);
    const first = this.fatal === undefined;
    this.fatal ??= fatal;
    this.refusal = fatal;
    for (const settle of [...waiting, ...this.unsynced]) settle(fatal);
    this.unsynced = [];
    for (const job of this.queue.splice(0)) job.reject(fatal);
    for (const barrier of this.barriers.splice(0)) barrier.reject(fatal);
    this.syncing = false;
    if (first) this.options.onDurableFailure?.(fatal);
    this.checkDrained();
  }
}
