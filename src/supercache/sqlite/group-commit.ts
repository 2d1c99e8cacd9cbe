// Group commit: every write submitted while the previous commit was running (better-sqlite3 blocks
// the thread during fsync, so requests pile up in the sockets meanwhile) is applied in one SQLite
// transaction with one fsync. A promise resolves only after that commit, so an acknowledged write is
// durable. Each job runs in its own savepoint: a job that throws is undone alone.
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

  constructor(
    private readonly db: Database.Database,
    private readonly hooks: RollbackHooks<S>,
    private readonly maxBatchSize = 1000,
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
    batch.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) return;
      if (!outcome.ok) {
        job.reject(outcome.error);
        return;
      }
      for (const effect of outcome.effects) effect();
      job.resolve(outcome.value);
    });
  }
}
