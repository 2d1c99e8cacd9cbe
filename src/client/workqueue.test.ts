import { describe, expect, it } from 'vitest';
import { silentLogger } from '../util/log.js';
import { waitFor, withTimeout } from '../../test/support/wait.js';
import { WorkQueue } from './workqueue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const pushTo =
  (list: string[]) =>
  (key: string): Promise<void> => {
    list.push(key);
    return Promise.resolve();
  };

describe('WorkQueue', () => {
  it('merges duplicate adds of a waiting key into one run', async () => {
    const queue = new WorkQueue({ logger: silentLogger });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length()).toBe(2);
    const runs: string[] = [];
    const abort = new AbortController();
    const running = queue.run({ workers: 3, signal: abort.signal, reconcile: pushTo(runs) });
    await waitFor(() => runs.length === 2, { what: 'two runs' });
    abort.abort();
    await running;
    expect(runs.sort()).toEqual(['a', 'b']);
  });

  it('never runs one key on two workers at once, and a re-add during a run runs once after it', async () => {
    const queue = new WorkQueue({ logger: silentLogger });
    const abort = new AbortController();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const firstStarted = deferred();
    const release = deferred();
    const running = queue.run({
      workers: 4,
      signal: abort.signal,
      reconcile: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs === 1) {
          firstStarted.resolve();
          await release.promise;
        }
        active--;
      },
    });
    queue.add('k');
    await withTimeout(firstStarted.promise, 5_000, 'the first run');
    // Three idle workers, and the key added three times while it runs.
    queue.add('k');
    queue.add('k');
    queue.add('k');
    expect(queue.length()).toBe(0);
    release.resolve();
    await waitFor(() => runs === 2 && active === 0, { what: 'the second run' });
    abort.abort();
    await running;
    expect(maxActive).toBe(1);
    expect(runs).toBe(2);
  });

  it('many workers and many keys: each key at most once at a time, every add eventually seen', async () => {
    const queue = new WorkQueue({ logger: silentLogger });
    const abort = new AbortController();
    const active = new Set<string>();
    const violations: string[] = [];
    const lastSeen = new Map<string, number>();
    const latest = new Map<string, number>();
    const running = queue.run({
      workers: 8,
      signal: abort.signal,
      reconcile: async (key) => {
        if (active.has(key)) violations.push(key);
        active.add(key);
        const version = latest.get(key) ?? 0;
        await new Promise((resolve) => setImmediate(resolve));
        lastSeen.set(key, version);
        active.delete(key);
      },
    });
    for (let round = 1; round <= 50; round++) {
      for (let k = 0; k < 10; k++) {
        latest.set(`k${k}`, round);
        queue.add(`k${k}`);
      }
      if (round % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Level-triggered: every key's last run must have seen its last version.
    await waitFor(() => [...latest].every(([k, v]) => lastSeen.get(k) === v), { what: 'every key reconciled at its latest version' });
    abort.abort();
    await running;
    expect(violations).toEqual([]);
  });

  it('retries a failing key with growing back-off and forgets it on success', async () => {
    const queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 1000, logger: silentLogger });
    const abort = new AbortController();
    const times: number[] = [];
    const requeuesSeen: number[] = [];
    const running = queue.run({
      workers: 1,
      signal: abort.signal,
      reconcile: async (key) => {
        await Promise.resolve();
        times.push(Date.now());
        requeuesSeen.push(queue.numRequeues(key));
        if (times.length < 4) throw new Error('not yet');
      },
    });
    queue.add('flaky');
    await waitFor(() => times.length === 4, { what: 'four attempts' });
    await waitFor(() => queue.numRequeues('flaky') === 0, { what: 'the key forgotten' });
    abort.abort();
    await running;
    expect(requeuesSeen).toEqual([0, 1, 2, 3]);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    // 20, 40, 80 ms at least (timers never fire early).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
  });

  it('caps the per-key back-off at maxDelayMs', () => {
    const queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000, logger: silentLogger });
    for (let i = 0; i < 40; i++) queue.addRateLimited('x');
    expect(queue.numRequeues('x')).toBe(40);
    queue.forget('x');
    expect(queue.numRequeues('x')).toBe(0);
  });

  it('spaces rate-limited adds of different keys by the global token bucket once the burst is spent', async () => {
    const queue = new WorkQueue({ baseDelayMs: 0, qps: 20, burst: 2, logger: silentLogger });
    const abort = new AbortController();
    const seen = new Map<string, number>();
    const start = Date.now();
    const running = queue.run({ workers: 4, signal: abort.signal, reconcile: (key) => {
        seen.set(key, Date.now() - start);
        return Promise.resolve();
      } });
    for (const key of ['a', 'b', 'c', 'd']) queue.addRateLimited(key);
    await waitFor(() => seen.size === 4, { what: 'all four keys' });
    abort.abort();
    await running;
    // Burst 2: a and b at once; c one token later (50 ms at 20/s), d two tokens later.
    expect(seen.get('c')).toBeGreaterThanOrEqual(45);
    expect(seen.get('d')).toBeGreaterThanOrEqual(95);
  });

  it('requeues after requeueAfterMs and keeps the earliest of several addAfter delays', async () => {
    const queue = new WorkQueue({ logger: silentLogger });
    const abort = new AbortController();
    const runs: [string, number][] = [];
    const start = Date.now();
    const running = queue.run({
      workers: 2,
      signal: abort.signal,
      reconcile: async (key) => {
        await Promise.resolve();
        runs.push([key, Date.now() - start]);
        return key === 'periodic' && runs.filter(([k]) => k === key).length < 3 ? { requeueAfterMs: 30 } : undefined;
      },
    });
    queue.add('periodic');
    queue.addAfter('later', 5_000);
    queue.addAfter('later', 40);
    queue.addAfter('later', 10_000);
    await waitFor(() => runs.filter(([k]) => k === 'periodic').length === 3 && runs.some(([k]) => k === 'later'), { what: 'the requeues' });
    abort.abort();
    await running;
    expect(runs.filter(([k]) => k === 'later')).toHaveLength(1);
    const later = runs.find(([k]) => k === 'later')?.[1] ?? 0;
    expect(later).toBeGreaterThanOrEqual(39);
    expect(later).toBeLessThan(4_000);
  });

  it('run() stops taking keys when the signal aborts and resolves after the run in flight ends', async () => {
    const queue = new WorkQueue({ logger: silentLogger });
    const abort = new AbortController();
    const started = deferred();
    const release = deferred();
    let finished = false;
    const runs: string[] = [];
    const running = queue.run({
      workers: 1,
      signal: abort.signal,
      reconcile: async (key) => {
        runs.push(key);
        started.resolve();
        await release.promise;
        finished = true;
      },
    });
    queue.add('first');
    queue.add('second');
    await withTimeout(started.promise, 5_000, 'the first run');
    abort.abort();
    let resolved = false;
    const done = running.then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release.resolve();
    await withTimeout(done, 5_000, 'run() to resolve');
    expect(finished).toBe(true);
    expect(runs).toEqual(['first']);
    // The key left behind runs when the queue runs again.
    const again = new AbortController();
    const second = queue.run({ workers: 1, signal: again.signal, reconcile: pushTo(runs) });
    await waitFor(() => runs.length === 2, { what: 'the second key after a restart' });
    again.abort();
    await second;
    expect(runs).toEqual(['first', 'second']);
  });

  it('a reconcile that throws synchronously is retried, not fatal', async () => {
    const queue = new WorkQueue({ baseDelayMs: 1, logger: silentLogger });
    const abort = new AbortController();
    let calls = 0;
    const running = queue.run({
      workers: 1,
      signal: abort.signal,
      reconcile: () => {
        calls++;
        if (calls === 1) throw new Error('sync throw');
        return Promise.resolve();
      },
    });
    queue.add('x');
    await waitFor(() => calls === 2, { what: 'the retry' });
    abort.abort();
    await running;
  });
});
