// Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does
// it, so that of several processes running the same controllers only one acts at a time.
//
// The rules that make two leaders impossible:
// - A candidate never trusts the clocks written in the lease (another machine's clock). It
//   remembers when it last *saw the record change* on its own clock, and takes the lease only when
//   the record has not changed for leaseDurationSeconds since then, or when it is free (no holder).
// - The leader counts from the moment it *sent* its last successful renewal; when renewDeadline
//   passes without another success it stops leading, whatever the API server says. A candidate saw
//   that renewal only after it was sent, and waits leaseDuration (> renewDeadline) from then.
// - Every write carries the lease's resourceVersion: of two writers one gets 409 and re-reads.
//
// Additions to client-go: run() campaigns again after a lost lease (the process is not killed), and
// onStartedLeading may return a promise of the work, which is awaited before the lease is released
// or campaigned for again, so the same process never runs the work twice at once.
import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { createLogger, type Logger } from '../util/log.js';
import { sleep } from './backoff.js';
import { isAlreadyExists, isConflict, isNotFound } from './client-errors.js';
import { Leases } from './resource-types.js';
import type { RestClient } from './rest-client.js';

/** Durations are measured on the monotonic clock; the wall clock only stamps the lease. */
const mono = (): number => performance.now();

export interface LeaderElectorOptions {
  readonly client: RestClient;
  readonly namespace: string;
  /** The Lease's name, e.g. "kube-controller-manager". */
  readonly name: string;
  /** Who this candidate is; must be unique among candidates (hostname plus a random suffix upstream). */
  readonly identity: string;
  /** How long candidates wait, from seeing the last change, before taking the lease (default 15 s). */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps leading without a successful renewal (default 10 s). */
  readonly renewDeadlineMs?: number;
  /** Between two attempts to acquire or renew (default 2 s). */
  readonly retryPeriodMs?: number;
  /** Clear the holder on a clean stop so another candidate takes over at once (default true). */
  readonly releaseOnCancel?: boolean;
  readonly logger?: Logger;
}

export interface LeaderCallbacks {
  /**
   * This process leads until leaderSignal aborts. A returned promise is the work: it is awaited
   * (after leaderSignal aborts) before the lease is released or campaigned for again.
   */
  onStartedLeading(leaderSignal: AbortSignal): void | Promise<void>;
  /** Called after every leadership ends, by a lost lease or a clean stop. */
  onStoppedLeading(): void;
  /** A (possibly new) holder was observed, this process included. */
  onNewLeader?(identity: string): void;
}

/** client-go's JitterFactor: candidates retry at 1x to 2.2x the retry period, so they do not collide. */
const JITTER_FACTOR = 1.2;

/** metav1.MicroTime: RFC 3339 with six fractional digits (JavaScript has milliseconds). */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function recordOf(lease: Lease): string {
  const s = lease.spec ?? {};
  return JSON.stringify([s.holderIdentity ?? '', s.leaseDurationSeconds ?? 0, s.acquireTime ?? '', s.renewTime ?? '', s.leaseTransitions ?? 0]);
}

export class LeaderElector {
  private readonly client: RestClient;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  /** The lease as this process last read or wrote it, and when (own clock) its record last changed. */
  private observed: Lease | undefined;
  private observedRecord = '';
  private observedAt = 0;
  private reportedLeader: string | undefined;
  private leading = false;
  /** A renewal that lost its race with the deadline may still be on the wire. */
  private inFlight: Promise<boolean> = Promise.resolve(false);

  constructor(private readonly options: LeaderElectorOptions) {
    this.client = options.client;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.log = options.logger ?? createLogger(`leader-election/${options.name}`);
    // client-go's NewLeaderElector checks: the margins below are what keep two leaders apart.
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new RangeError('leaseDurationMs must be greater than renewDeadlineMs');
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) throw new RangeError('renewDeadlineMs must be greater than retryPeriodMs*1.2');
    if (this.retryPeriodMs < 1) throw new RangeError('retryPeriodMs must be positive');
    if (options.identity === '') throw new RangeError('identity must not be empty');
  }

  /** Whether this process leads right now (its last renewal is within the renew deadline). */
  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder this process last saw in the lease ('' when free or not read yet). */
  get observedLeader(): string {
    return this.observed?.spec?.holderIdentity ?? '';
  }

  /**
   * Campaigns, leads, and campaigns again after a lost lease, until the signal aborts; then stops
   * leading, waits for the work, and (releaseOnCancel) frees the lease. Never throws.
   */
  async run(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<void> {
    while (!signal.aborted) {
      const acquiredAt = await this.acquire(signal, callbacks);
      if (acquiredAt === undefined) return;
      this.leading = true;
      const leader = new AbortController();
      this.log.info('became leader', { identity: this.options.identity });
      let work: Promise<void> = Promise.resolve();
      try {
        const started = callbacks.onStartedLeading(leader.signal);
        if (started instanceof Promise) work = started.catch((error: unknown) => this.log.error('leader work failed', { error }));
      } catch (error) {
        this.log.error('onStartedLeading threw', { error });
      }
      await this.renew(signal, acquiredAt, callbacks);
      this.leading = false;
      leader.abort();
      if (signal.aborted) {
        // Clean stop: the work ends before the lease is freed, or the next leader could overlap it.
        await work;
        // Bounded: a hung request must not hold up the stop (a late renewal only makes release 409).
        const bound = new AbortController();
        await Promise.race([this.inFlight, sleep(this.renewDeadlineMs, bound.signal)]);
        bound.abort();
        if (this.options.releaseOnCancel ?? true) await this.release();
        this.stopped(callbacks);
        return;
      }
      this.log.warn('leader election lost', { identity: this.options.identity });
      this.stopped(callbacks);
      await work;
    }
  }

  private stopped(callbacks: LeaderCallbacks): void {
    try {
      callbacks.onStoppedLeading();
    } catch (error) {
      this.log.error('onStoppedLeading threw', { error });
    }
  }

  /** Tries every retry period (jittered) until the lease is ours; the send time of the winning write. */
  private async acquire(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<number | undefined> {
    while (!signal.aborted) {
      const startedAt = mono();
      if (await this.tryAcquireOrRenew(callbacks)) return startedAt;
      await sleep(this.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR), signal);
    }
    return undefined;
  }

  /**
   * Renews every retry period until the signal aborts (resolves at once) or renewDeadline passes
   * since the last successful renewal was sent, or another holder is seen (lost).
   */
  private async renew(signal: AbortSignal, acquiredAt: number, callbacks: LeaderCallbacks): Promise<void> {
    let lastRenewedAt = acquiredAt;
    let lastAttemptAt = acquiredAt;
    while (!signal.aborted) {
      const deadline = lastRenewedAt + this.renewDeadlineMs;
      await sleep(Math.max(0, Math.min(lastAttemptAt + this.retryPeriodMs, deadline) - mono()), signal);
      if (signal.aborted) return;
      if (mono() >= deadline) return;
      lastAttemptAt = mono();
      // A hung request must not keep us leading past the deadline: race it with the deadline.
      const attempt = this.tryAcquireOrRenew(callbacks).catch(() => false);
      this.inFlight = attempt;
      const outcome = await Promise.race([attempt, sleep(deadline - lastAttemptAt, signal).then(() => 'deadline' as const)]);
      if (outcome === true) lastRenewedAt = lastAttemptAt;
      else if (this.observedLeader !== '' && this.observedLeader !== this.options.identity) return;
    }
  }

  /** One attempt, as client-go's tryAcquireOrRenew. True when the lease is ours after it. */
  private async tryAcquireOrRenew(callbacks: LeaderCallbacks): Promise<boolean> {
    const now = mono();
    const wall = Date.now();
    // Fast path for the leader: update the lease it last wrote, no read first.
    if (this.leading && this.observed?.spec?.holderIdentity === this.options.identity) {
      try {
        this.see(await this.client.update<Lease>(Leases, this.next(this.observed, wall)), callbacks);
        return true;
      } catch (error) {
        if (!isConflict(error)) return this.failed('renew', error);
        // Someone else wrote the lease: read it and decide again.
      }
    }
    let current: Lease;
    try {
      current = await this.client.get<Lease>(Leases, this.options.name, this.options.namespace);
    } catch (error) {
      if (!isNotFound(error)) return this.failed('get', error);
      try {
        const created = await this.client.create<Lease>(Leases, {
          metadata: { name: this.options.name, namespace: this.options.namespace },
          spec: this.spec(undefined, wall),
        });
        this.see(created, callbacks);
        return true;
      } catch (createError) {
        if (!isAlreadyExists(createError)) this.failed('create', createError);
        return false;
      }
    }
    this.see(current, callbacks);
    const holder = current.spec?.holderIdentity ?? '';
    const durationMs = (current.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== this.options.identity && this.observedAt + durationMs > now) return false;
    try {
      this.see(await this.client.update<Lease>(Leases, this.next(current, wall)), callbacks);
      return true;
    } catch (error) {
      if (!isConflict(error)) this.failed('update', error);
      return false;
    }
  }

  private failed(what: string, error: unknown): false {
    this.log.warn(`lease ${what} failed`, { lease: `${this.options.namespace}/${this.options.name}`, error });
    return false;
  }

  /** The spec to write over `base`: acquireTime and leaseTransitions move only on a change of holder. */
  private spec(base: LeaseSpec | undefined, now: number): LeaseSpec {
    const ours = base?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
      acquireTime: ours && base?.acquireTime !== undefined ? base.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: base === undefined ? 0 : ours ? (base.leaseTransitions ?? 0) : (base.leaseTransitions ?? 0) + 1,
    };
  }

  private next(current: Lease, now: number): Lease {
    return { ...current, spec: this.spec(current.spec, now) };
  }

  private see(lease: Lease, callbacks: LeaderCallbacks): void {
    const record = recordOf(lease);
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = mono();
    }
    this.observed = lease;
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== '' && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      try {
        callbacks.onNewLeader?.(holder);
      } catch (error) {
        this.log.error('onNewLeader threw', { error });
      }
    }
  }

  /** ReleaseOnCancel: clear the holder (keeping the transitions count) so a candidate need not wait. */
  private async release(): Promise<void> {
    const lease = this.observed;
    if (lease?.spec?.holderIdentity !== this.options.identity) return;
    const now = microTime(Date.now());
    try {
      this.observed = await this.client.update<Lease>(Leases, {
        ...lease,
        spec: { leaseTransitions: lease.spec.leaseTransitions ?? 0, leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
      });
      this.log.info('released the lease', { identity: this.options.identity });
    } catch (error) {
      this.failed('release', error);
    }
  }
}
