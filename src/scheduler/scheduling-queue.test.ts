import { describe, expect, it } from 'vitest';
import { KeyedHeap } from './heap.js';
import { SchedulingQueue } from './scheduling-queue.js';

function clockedQueue() {
  let now = 1_000_000;
  const queue = new SchedulingQueue({ now: () => now, initialBackoffMs: 1_000, maxBackoffMs: 10_000, maxUnschedulableMs: 30_000 });
  return { queue, advance: (ms: number) => (now += ms) };
}
const ref = (key: string, priority = 0) => ({ key, uid: `uid-${key}`, priority });

async function popKey(queue: SchedulingQueue): Promise<string | undefined> {
  return (await queue.pop())?.pod.key;
}

describe('KeyedHeap', () => {
  it('pops in order after random pushes, deletes and re-pushes', () => {
    const heap = new KeyedHeap<{ k: string; v: number }>({ key: (x) => x.k, less: (a, b) => a.v < b.v });
    const live = new Map<string, number>();
    let seed = 42;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 2000; i++) {
      const k = `k${Math.floor(rnd() * 300)}`;
      if (rnd() < 0.3) {
        heap.delete(k);
        live.delete(k);
      } else {
        const v = Math.floor(rnd() * 1000);
        heap.push({ k, v });
        live.set(k, v);
      }
    }
    const out: number[] = [];
    for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x.v);
    expect(out).toEqual([...live.values()].sort((a, b) => a - b));
  });
});

describe('SchedulingQueue', () => {
  it('pops higher priority first, then first come', async () => {
    const { queue, advance } = clockedQueue();
    queue.add(ref('low-old', 0));
    advance(1);
    queue.add(ref('high', 10));
    advance(1);
    queue.add(ref('low-new', 0));
    expect([await popKey(queue), await popKey(queue), await popKey(queue)]).toEqual(['high', 'low-old', 'low-new']);
  });

  it('waits in pop until a pod arrives, and returns undefined once closed', async () => {
    const { queue } = clockedQueue();
    const popped = queue.pop();
    queue.add(ref('p'));
    expect((await popped)?.pod.key).toBe('p');
    const waiting = queue.pop();
    queue.close();
    expect(await waiting).toBeUndefined();
  });

  it('stops waiting when the signal aborts', async () => {
    const { queue } = clockedQueue();
    const controller = new AbortController();
    const waiting = queue.pop(controller.signal);
    controller.abort();
    expect(await waiting).toBeUndefined();
  });

  it('keeps an unschedulable pod until a cluster change, then backs it off', async () => {
    const { queue, advance } = clockedQueue();
    queue.add(ref('p'));
    await queue.pop();
    queue.requeueUnschedulable('p');
    expect(queue.whereIs('p')).toBe('unschedulable');
    advance(500);
    queue.moveAllToActiveOrBackoff();
    // Its first back-off (1 s) has not passed yet.
    expect(queue.whereIs('p')).toBe('backoff');
    advance(499);
    queue.flushBackoffCompleted();
    expect(queue.whereIs('p')).toBe('backoff');
    advance(1);
    queue.flushBackoffCompleted();
    expect(queue.whereIs('p')).toBe('active');
  });

  it('goes straight to active on a cluster change once its back-off has passed', async () => {
    const { queue, advance } = clockedQueue();
    queue.add(ref('p'));
    await queue.pop();
    queue.requeueUnschedulable('p');
    advance(5_000);
    queue.moveAllToActiveOrBackoff();
    expect(queue.whereIs('p')).toBe('active');
  });

  it('doubles the back-off per attempt up to the maximum', () => {
    const { queue } = clockedQueue();
    expect([1, 2, 3, 4, 5, 6].map((n) => queue.backoffDuration(n))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('does not lose a cluster change that happened while the pod was being scheduled', async () => {
    const { queue } = clockedQueue();
    queue.add(ref('p'));
    await queue.pop();
    queue.moveAllToActiveOrBackoff();
    queue.requeueUnschedulable('p');
    expect(queue.whereIs('p')).toBe('backoff');
  });

  it('does not let a change from before the attempt count', async () => {
    const { queue } = clockedQueue();
    queue.moveAllToActiveOrBackoff();
    queue.add(ref('p'));
    await queue.pop();
    queue.requeueUnschedulable('p');
    expect(queue.whereIs('p')).toBe('unschedulable');
  });

  it('retries a pod left unschedulable for the maximum time', async () => {
    const { queue, advance } = clockedQueue();
    queue.add(ref('p'));
    await queue.pop();
    queue.requeueUnschedulable('p');
    advance(29_999);
    queue.flushUnschedulableLeftover();
    expect(queue.whereIs('p')).toBe('unschedulable');
    advance(1);
    queue.flushUnschedulableLeftover();
    expect(queue.whereIs('p')).toBe('active');
  });

  it('releases an unschedulable pod on a relevant update only', async () => {
    const { queue, advance } = clockedQueue();
    queue.add(ref('p'));
    await queue.pop();
    queue.requeueUnschedulable('p');
    queue.update(ref('p'), false);
    expect(queue.whereIs('p')).toBe('unschedulable');
    advance(2_000);
    queue.update(ref('p'), true);
    expect(queue.whereIs('p')).toBe('active');
  });

  it('sends a pod updated while in flight to back-off instead of unschedulable', async () => {
    const { queue } = clockedQueue();
    queue.add(ref('p'));
    await queue.pop();
    queue.update(ref('p'), true);
    queue.requeueUnschedulable('p');
    expect(queue.whereIs('p')).toBe('backoff');
  });

  it('does not requeue a pod deleted while in flight', async () => {
    const { queue } = clockedQueue();
    queue.add(ref('p'));
    await queue.pop();
    queue.delete('p');
    queue.requeueAfterError('p');
    expect(queue.whereIs('p')).toBeUndefined();
    expect(queue.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  });

  it('merges a repeated add', async () => {
    const { queue } = clockedQueue();
    queue.add(ref('p'));
    queue.add(ref('p'));
    expect(queue.lengths().active).toBe(1);
    await queue.pop();
    queue.add(ref('p'));
    expect(queue.whereIs('p')).toBe('inFlight');
  });
});
