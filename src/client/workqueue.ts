// client-go's rate-limited work queue. Keys, not objects, are queued, so many changes to one object
// merge into one reconcile of its latest state. A "dirty" set holds keys waiting to run and a
// "processing" set the keys being run: a key added while it runs is held back and runs once more
// after, never by two workers at once. Failures are retried with per-key exponential back-off
// under a global token bucket, so a storm of failing keys cannot flood the API server.
import { createLogger, type Logger } from '../util/log.js';
import { isConflict } from './client-errors.js';

export interface WorkQueueOptions {
  /** Per-key back-off: base * 2^failures, capped (defaults 5 ms and 60 s, as client-go). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The global token bucket for rate-limited adds (defaults 10/s, burst 100, as client-go). */
  qps?: number;
  burst?: number;
  /** Additions: a name for logs, and the logger. */
  name?: string;
  logger?: Logger;
}

export type ReconcileResult = void | { requeueAfterMs?: number };

export interface RunOptions {
  workers: number;
  reconcile: (key: string) => Promise<ReconcileResult>;
  signal: AbortSignal;
}

export class WorkQueue {
  private queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private waiters: (() => void)[] = [];
  private shuttingDown = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt = Date.now();
  private readonly log: Logger;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.qps = options.qps ?? 10;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
    this.log = options.logger ?? createLogger(`workqueue${options.name === undefined ? '' : `/${options.name}`}`);
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // Running now: done() queues it again, so the change made meanwhile is not lost.
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  /** Adds the key after delayMs; of several pending delays for one key the earliest wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  addRateLimited(key: string): void {
    this.addAfter(key, Math.max(this.keyDelay(key), this.bucketDelay()));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys waiting to be handed to a worker (not the running or delayed ones). */
  length(): number {
    return this.queue.length - this.head;
  }

  /**
   * Runs `workers` loops until the signal aborts, then waits for the reconciles in flight and
   * resolves. Delayed adds pending at that moment are dropped: informers resync, nothing is lost.
   */
  async run(options: RunOptions): Promise<void> {
    const { signal } = options;
    this.shuttingDown = false;
    const stop = (): void => this.shutDown();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    try {
      await Promise.all(Array.from({ length: Math.max(1, options.workers) }, () => this.worker(options.reconcile)));
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  private async worker(reconcile: RunOptions['reconcile']): Promise<void> {
    for (;;) {
      const key = await this.get();
      if (key === undefined) return;
      try {
        const result = await reconcile(key);
        this.forget(key);
        if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        // A conflict means the cache was behind a write: expected now and then, and the retry
        // reads the newer object (upstream logs these below warning level too).
        if (isConflict(error)) this.log.debug('reconcile met a newer version, will retry', { key, requeues: this.numRequeues(key) });
        else this.log.warn('reconcile failed, will retry', { key, error, requeues: this.numRequeues(key) });
        this.addRateLimited(key);
      } finally {
        this.done(key);
      }
    }
  }

  /** The next key, marked as processing; undefined once the queue shuts down. */
  private async get(): Promise<string | undefined> {
    while (this.length() === 0 && !this.shuttingDown) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.shuttingDown) return undefined;
    const key = this.queue[this.head] as string;
    this.head++;
    // Compact now and then instead of shift(), which is O(n) on every get.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private done(key: string): void {
    this.processing.delete(key);
    // Queued even while shutting down: a later run() must still see it (add() would skip a dirty key).
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.waiters.shift()?.();
    }
  }

  private shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private keyDelay(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(n, 40));
  }

  // A reservation on the bucket: tokens may go negative, and the deficit is how long this add waits.
  private bucketDelay(): number {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.qps) / 1000);
    this.refilledAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
}
