// One probe of one container (the kubelet's prober worker): waits initialDelaySeconds from the
// container's start, runs every periodSeconds, and turns runs into a result only once
// successThreshold successes or failureThreshold failures come in a row. A probe that cannot run
// is retried up to three times and then not counted at all.
import type { Probe } from 'kubernetes-types/core/v1.js';
import type { ProbeRunner, ProbeTarget } from './prober.js';
import type { ProbeOutcome, ProbeType } from './probe-types.js';

export type ProbeResult = 'success' | 'failure';

/** The kubelet's defaults for fields the spec leaves unset (or zero). */
export function probeSettings(probe: Probe): { initialDelayMs: number; periodMs: number; successThreshold: number; failureThreshold: number } {
  const positive = (v: number | undefined, d: number): number => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelayMs: Math.max(0, probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: positive(probe.periodSeconds, 10) * 1000,
    successThreshold: positive(probe.successThreshold, 1),
    failureThreshold: positive(probe.failureThreshold, 3),
  };
}

const MAX_PROBE_RETRIES = 3;

export interface ProbeWorkerOptions {
  type: ProbeType;
  spec: Probe;
  runner: ProbeRunner;
  /** The container's start: the initial delay counts from it. */
  startedAt: Date;
  /** What to probe now; undefined skips this tick (no address yet). */
  target: () => ProbeTarget | undefined;
  /** False while the probe must wait (liveness and readiness until the startup probe passes). */
  gate: () => boolean;
  /** Every counted run, for events. */
  onOutcome: (outcome: ProbeOutcome) => void;
  /** A threshold was reached: this is the probe's result now. */
  onResult: (result: ProbeResult, outcome: ProbeOutcome) => void;
}

export class ProbeWorker {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private readonly settings: ReturnType<typeof probeSettings>;

  constructor(private readonly options: ProbeWorkerOptions) {
    this.settings = probeSettings(options.spec);
  }

  /** Schedules the first run at the end of the initial delay. */
  start(): void {
    const due = this.options.startedAt.getTime() + this.settings.initialDelayMs - Date.now();
    this.schedule(Math.max(0, due));
  }

  /** Runs at once (unless a run is in flight or the initial delay has not passed). */
  trigger(): void {
    if (this.stopped || this.running) return;
    if (Date.now() < this.options.startedAt.getTime() + this.settings.initialDelayMs) return;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    const began = Date.now();
    try {
      await this.probeOnce();
    } finally {
      this.running = false;
      // A ticker: the next run a period after this one began, at once if the probe overran.
      this.schedule(Math.max(0, began + this.settings.periodMs - Date.now()));
    }
  }

  private async probeOnce(): Promise<void> {
    if (!this.options.gate()) return;
    const target = this.options.target();
    if (target === undefined) return;
    let outcome: ProbeOutcome = { result: 'unknown', output: '' };
    for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
      try {
        outcome = await this.options.runner.run(this.options.spec, target);
      } catch (err) {
        outcome = { result: 'unknown', output: '', error: err instanceof Error ? err.message : String(err) };
      }
      if (this.stopped) return;
      if (outcome.error === undefined) break;
    }
    this.options.onOutcome(outcome);
    // An errored probe is thrown away, as the kubelet does.
    if (outcome.error !== undefined) return;
    const result: ProbeResult = outcome.result === 'success' || outcome.result === 'warning' ? 'success' : 'failure';
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const threshold = result === 'failure' ? this.settings.failureThreshold : this.settings.successThreshold;
    if (this.resultRun < threshold) return;
    this.options.onResult(result, outcome);
  }
}
