import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

class Overflow extends Error {
  constructor(readonly oldest: number) {
    super(`overflow at ${oldest}`);
  }
}

async function take<T>(iterator: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

describe('EventQueue', () => {
  it('hands items to a waiting consumer and buffers the rest in order', async () => {
    const queue = new EventQueue<number>(10, (oldest) => new Overflow(oldest));
    const iterator = queue[Symbol.asyncIterator]();
    const first = iterator.next();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await take(iterator, 2)).toEqual([2, 3]);
  });

  it('fails with the overflow error, naming the oldest undelivered item, once the backlog passes the limit', async () => {
    const queue = new EventQueue<number>(3, (oldest) => new Overflow(oldest));
    for (let i = 1; i <= 4; i++) queue.push(i);
    expect(queue.closed).toBe(true);
    const iterator = queue[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ oldest: 1 });
  });

  it('delivers what is buffered before reporting the end', async () => {
    let closed = 0;
    const queue = new EventQueue<number>(10, (oldest) => new Overflow(oldest), () => closed++);
    queue.push(1);
    queue.end();
    queue.push(2);
    const iterator = queue[Symbol.asyncIterator]();
    expect(await take(iterator, 5)).toEqual([1]);
    expect(closed).toBe(1);
  });

  it('lets a producer wait for room', async () => {
    const queue = new EventQueue<number>(10, (oldest) => new Overflow(oldest));
    for (let i = 0; i < 6; i++) queue.push(i);
    let roomy = false;
    const room = queue.whenBelow(3).then(() => (roomy = true));
    const iterator = queue[Symbol.asyncIterator]();
    await take(iterator, 3);
    expect(roomy).toBe(false);
    await take(iterator, 1);
    await room;
    expect(roomy).toBe(true);
  });
});
