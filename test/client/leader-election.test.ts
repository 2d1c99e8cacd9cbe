// LeaderElector against a real in-process API server: two candidates never lead at once (every
// leadership interval is recorded and checked), a killed leader is replaced after about the lease
// duration, a released lease is taken at once, a partitioned leader steps down within its renew
// deadline, and leadership survives an API server restart.
import { performance } from 'node:perf_hooks';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig, type ClientConfig } from '../../src/client/kubeconfig.js';
import { LeaderElector, type LeaderElectorOptions } from '../../src/client/leader-election.js';
import { Leases, type ResourceType } from '../../src/client/resource-types.js';
import { RestClient, type KubeObject } from '../../src/client/rest-client.js';
import { silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { waitFor } from '../support/wait.js';

interface Interval {
  readonly identity: string;
  readonly start: number;
  end?: number;
}

/** A client whose requests fail (reads) or hang (writes) while partitioned, like a cut network. */
class PartitionableClient extends RestClient {
  partitioned = false;

  override async get<T>(type: ResourceType, name: string, namespace?: string): Promise<T> {
    if (this.partitioned) throw new Error('partitioned');
    return super.get<T>(type, name, namespace);
  }

  override async update<T extends KubeObject>(type: ResourceType, obj: T, options: { subresource?: string } = {}): Promise<T> {
    if (this.partitioned) return new Promise<T>(() => {});
    return super.update(type, obj, options);
  }

  override async create<T extends KubeObject>(type: ResourceType, obj: T, options: { namespace?: string } = {}): Promise<T> {
    if (this.partitioned) throw new Error('partitioned');
    return super.create(type, obj, options);
  }
}

interface Candidate {
  readonly identity: string;
  readonly elector: LeaderElector;
  readonly client: PartitionableClient;
  readonly stop: () => Promise<void>;
  readonly leading: () => boolean;
  stoppedCalls: number;
}

const TIMING = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 } as const;

describe('LeaderElector', () => {
  let plane: TestControlPlane;
  let config: ClientConfig;
  let admin: RestClient;
  let leaseCounter = 0;

  beforeAll(async () => {
    plane = await startTestControlPlane();
    config = await loadKubeconfig(plane.kubeconfigPath);
    admin = new RestClient({ config });
  });
  afterAll(async () => {
    admin.close();
    await plane.stop();
  });

  function start(lease: string, identity: string, intervals: Interval[], extra: Partial<LeaderElectorOptions> = {}): Candidate {
    const client = new PartitionableClient({ config, timeoutMs: 5_000 });
    const elector = new LeaderElector({ client, namespace: 'default', name: lease, identity, ...TIMING, logger: silentLogger, ...extra });
    const abort = new AbortController();
    let current: Interval | undefined;
    const candidate: Candidate = {
      identity,
      elector,
      client,
      leading: () => current !== undefined && current.end === undefined,
      stoppedCalls: 0,
      stop: async () => {
        abort.abort();
        await running;
        client.close();
      },
    };
    const running = elector.run(abort.signal, {
      onStartedLeading: (leaderSignal) => {
        const interval: Interval = { identity, start: performance.now() };
        current = interval;
        intervals.push(interval);
        leaderSignal.addEventListener('abort', () => (interval.end = performance.now()), { once: true });
      },
      onStoppedLeading: () => {
        candidate.stoppedCalls++;
      },
    });
    return candidate;
  }

  /** No two recorded leaderships overlap: each ends before the next one starts. */
  function expectNoOverlap(intervals: readonly Interval[]): void {
    const sorted = [...intervals].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1] as Interval;
      const next = sorted[i] as Interval;
      expect(previous.end, `${previous.identity} still led when ${next.identity} started`).toBeDefined();
      expect(previous.end as number).toBeLessThanOrEqual(next.start);
    }
  }

  const readLease = (name: string): Promise<Lease> => admin.get<Lease>(Leases, name, 'default');
  const newLease = (): string => `election-${++leaseCounter}`;

  it('elects exactly one of two candidates and writes the lease as client-go does', async () => {
    const lease = newLease();
    const intervals: Interval[] = [];
    // A roomy renew deadline: a slow request on a loaded machine must not cost the leader its lease.
    const roomy = { leaseDurationMs: 3_000, renewDeadlineMs: 2_500, retryPeriodMs: 200 };
    const a = start(lease, 'a', intervals, roomy);
    const b = start(lease, 'b', intervals, roomy);
    try {
      const leader = await waitFor(() => [a, b].find((c) => c.leading()), { what: 'a leader' });
      const other = leader === a ? b : a;
      // Several lease durations: the follower keeps seeing renewals and never takes over.
      const firstRenew = (await readLease(lease)).spec?.renewTime;
      await new Promise((resolve) => setTimeout(resolve, 2 * roomy.leaseDurationMs));
      expect(other.leading()).toBe(false);
      expect(leader.leading()).toBe(true);
      expect(intervals).toHaveLength(1);
      const spec = (await readLease(lease)).spec;
      expect(spec?.holderIdentity).toBe(leader.identity);
      expect(spec?.leaseDurationSeconds).toBe(3);
      expect(spec?.leaseTransitions).toBe(0);
      expect(spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(spec?.acquireTime).toMatch(/\.\d{6}Z$/);
      expect(spec?.renewTime).not.toBe(firstRenew);
      expect(other.elector.observedLeader).toBe(leader.identity);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expectNoOverlap(intervals);
  });

  it('replaces a leader that stops renewing without releasing after about the lease duration', async () => {
    const lease = newLease();
    const intervals: Interval[] = [];
    const a = start(lease, 'a', intervals, { releaseOnCancel: false });
    await waitFor(() => a.leading(), { what: 'a to lead' });
    const b = start(lease, 'b', intervals);
    try {
      await waitFor(() => b.elector.observedLeader === 'a', { what: 'b to see a lead' });
      const before = (await readLease(lease)).spec;
      const killedAt = performance.now();
      await a.stop();
      expect((await readLease(lease)).spec?.holderIdentity).toBe('a');
      await waitFor(() => b.leading(), { what: 'b to take over', timeoutMs: 10_000, intervalMs: 10 });
      const took = performance.now() - killedAt;
      // b waits a full lease duration from the last renewal it saw (at most one retry period before the kill).
      expect(took).toBeGreaterThanOrEqual(TIMING.leaseDurationMs - TIMING.retryPeriodMs - 50);
      expect(took).toBeLessThan(TIMING.leaseDurationMs + 3_000);
      const after = (await readLease(lease)).spec;
      expect(after?.holderIdentity).toBe('b');
      expect(after?.leaseTransitions).toBe((before?.leaseTransitions ?? 0) + 1);
      expect(after?.acquireTime).not.toBe(before?.acquireTime);
    } finally {
      await b.stop();
    }
    expect(a.stoppedCalls).toBe(1);
    expectNoOverlap(intervals);
  });

  it('releases the lease on a clean stop, so the next candidate takes it at once', async () => {
    const lease = newLease();
    const intervals: Interval[] = [];
    // A long lease: only a release explains a fast takeover.
    const slow = { leaseDurationMs: 20_000, renewDeadlineMs: 10_000, retryPeriodMs: 200 };
    const a = start(lease, 'a', intervals, slow);
    await waitFor(() => a.leading(), { what: 'a to lead' });
    const b = start(lease, 'b', intervals, slow);
    try {
      await waitFor(() => b.elector.observedLeader === 'a', { what: 'b to see a lead' });
      const stoppedAt = performance.now();
      await a.stop();
      expect(a.stoppedCalls).toBe(1);
      await waitFor(() => b.leading(), { what: 'b to take the released lease', timeoutMs: 5_000, intervalMs: 10 });
      expect(performance.now() - stoppedAt).toBeLessThan(2_000);
      const spec = (await readLease(lease)).spec;
      expect(spec?.holderIdentity).toBe('b');
      expect(spec?.leaseTransitions).toBe(1);
    } finally {
      await b.stop();
    }
    // b released too: the lease is free.
    expect((await readLease(lease)).spec?.holderIdentity ?? '').toBe('');
    expectNoOverlap(intervals);
  });

  it('steps down within the renew deadline when cut off, before anyone else can lead', async () => {
    const lease = newLease();
    const intervals: Interval[] = [];
    const a = start(lease, 'a', intervals);
    await waitFor(() => a.leading(), { what: 'a to lead' });
    const b = start(lease, 'b', intervals);
    try {
      await waitFor(() => b.elector.observedLeader === 'a', { what: 'b to see a lead' });
      const cutAt = performance.now();
      a.client.partitioned = true;
      await waitFor(() => !a.leading(), { what: 'a to step down', timeoutMs: 5_000, intervalMs: 10 });
      expect(performance.now() - cutAt).toBeLessThan(TIMING.renewDeadlineMs + 500);
      expect(a.stoppedCalls).toBe(1);
      await waitFor(() => b.leading(), { what: 'b to take over', timeoutMs: 10_000 });
      // Healed, a goes back to being a candidate and does not lead beside b.
      a.client.partitioned = false;
      await new Promise((resolve) => setTimeout(resolve, 2 * TIMING.leaseDurationMs));
      expect(a.leading()).toBe(false);
      expect(b.leading()).toBe(true);
      expect(a.elector.observedLeader).toBe('b');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expectNoOverlap(intervals);
  });

  it('keeps one leader through an API server restart', async () => {
    const lease = newLease();
    const intervals: Interval[] = [];
    const timing = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 300 };
    const a = start(lease, 'a', intervals, timing);
    const b = start(lease, 'b', intervals, timing);
    try {
      await waitFor(() => a.leading() || b.leading(), { what: 'a leader' });
      await plane.restart();
      const before = (await readLease(lease)).spec?.renewTime;
      const leader = await waitFor(() => [a, b].find((c) => c.leading()), { what: 'a leader after the restart', timeoutMs: 20_000 });
      await waitFor(async () => (await readLease(lease)).spec?.renewTime !== before, { what: 'renewals after the restart', timeoutMs: 5_000 });
      const spec = (await readLease(lease)).spec;
      expect(spec?.holderIdentity).toBe(leader.identity);
      expect([a, b].filter((c) => c.leading())).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expectNoOverlap(intervals);
  });

  it('refuses timings that could let two leaders overlap', () => {
    const client = new RestClient({ config });
    const base = { client, namespace: 'default', name: 'x', identity: 'a', logger: silentLogger };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 1_000, renewDeadlineMs: 1_000 })).toThrow(/leaseDurationMs/);
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 1_000, retryPeriodMs: 900 })).toThrow(/renewDeadlineMs/);
    client.close();
  });
});
