// When to rewrite the rules (kube-proxy's BoundedFrequencyRunner): soon after a change, but never
// twice within minIntervalMs (a burst of EndpointSlice updates becomes one rewrite), at least every
// periodMs (repairing rules someone else removed), and again after a failure with back-off.
import { Backoff, sleep } from '../client/backoff.js';

export interface SyncRunnerOptions {
  readonly minIntervalMs: number;
  readonly periodMs: number;
  readonly sync: () => Promise<void>;
  readonly onError: (error: unknown) => void;
}

export class SyncRunner {
  private pending = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: SyncRunnerOptions) {}

  /** Asks for a sync; requests made before it starts are merged into one. */
  request(): void {
    this.pending = true;
    this.wake?.();
  }

  /** Syncs until the signal aborts; resolves once no sync is running any more. */
  async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(500, 10_000);
    this.pending = true;
    while (!signal.aborted) {
      if (!this.pending) await this.waitForRequest(signal);
      if (signal.aborted) break;
      this.pending = false;
      try {
        await this.options.sync();
        backoff.reset();
        await sleep(this.options.minIntervalMs, signal);
      } catch (error) {
        this.options.onError(error);
        this.pending = true;
        await sleep(backoff.next(), signal);
      }
    }
  }

  private waitForRequest(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(() => { this.pending = true; done(); }, this.options.periodMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
