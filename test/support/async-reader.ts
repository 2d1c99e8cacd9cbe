// Reads an AsyncIterable one item at a time with a deadline per read. A read that times out stays
// pending and is picked up by the next read, so no item is ever lost between reads.
import { TimeoutError, withTimeout } from './wait.js';

const DEFAULT_TIMEOUT_MS = 10_000;

export class AsyncReader<T> {
  private readonly iterator: AsyncIterator<T>;
  private pending: Promise<IteratorResult<T>> | undefined;

  constructor(
    iterable: AsyncIterable<T>,
    private readonly describeItem: (item: T) => string = (item) => JSON.stringify(item),
  ) {
    this.iterator = iterable[Symbol.asyncIterator]();
  }

  /** The next raw iterator result (done or not); rejects with what the iterator threw. */
  async result(timeoutMs = DEFAULT_TIMEOUT_MS, what = 'the next item'): Promise<IteratorResult<T>> {
    if (this.pending === undefined) {
      const pending = this.iterator.next();
      // Mark handled: a read abandoned by a failing test must not become an unhandled rejection.
      void pending.catch(() => undefined);
      this.pending = pending;
    }
    try {
      const result = await withTimeout(this.pending, timeoutMs, what);
      this.pending = undefined;
      return result;
    } catch (error) {
      if (!(error instanceof TimeoutError)) this.pending = undefined;
      throw error;
    }
  }

  /** The next item; fails if the iterator ends or nothing arrives in time. */
  async next(timeoutMs = DEFAULT_TIMEOUT_MS, what = 'the next item'): Promise<T> {
    const result = await this.result(timeoutMs, what);
    if (result.done === true) throw new Error(`the iterator ended while waiting for ${what}`);
    return result.value;
  }

  /** Exactly `count` items, within one overall deadline. */
  async take(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    const items: T[] = [];
    while (items.length < count) {
      const left = Math.max(1, deadline - Date.now());
      items.push(await this.next(left, `item ${items.length + 1} of ${count} (got ${this.describeAll(items)})`));
    }
    return items;
  }

  /** Resolves when the iterator ends; fails if it yields an item or throws instead. */
  async ended(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const result = await this.result(timeoutMs, 'the end of the iterator');
    if (result.done !== true) throw new Error(`expected the end of the iterator, got ${this.describeItem(result.value)}`);
  }

  /** The error the iterator throws next; fails if it yields an item or ends instead. */
  async error(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<unknown> {
    let result: IteratorResult<T>;
    try {
      result = await this.result(timeoutMs, 'an error from the iterator');
    } catch (error) {
      if (error instanceof TimeoutError) throw error;
      return error;
    }
    throw new Error(
      result.done === true
        ? 'expected an error, but the iterator ended'
        : `expected an error, got ${this.describeItem(result.value)}`,
    );
  }

  private describeAll(items: readonly T[]): string {
    return `[${items.map((item) => this.describeItem(item)).join(', ')}]`;
  }
}
