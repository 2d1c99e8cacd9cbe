// A bounded single-consumer queue exposed as an AsyncIterable. Producers never wait: when the
// consumer falls more than `limit` items behind, the queue fails with the error `onOverflow` gives,
// so one slow watcher can stall neither the writers nor the other watchers.

export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private waitingReject: ((error: unknown) => void) | undefined;
  private failure: Error | undefined;
  private roomWaiters: { below: number; resolve: () => void }[] = [];
  private ended = false;

  constructor(
    private readonly limit: number,
    /** Builds the overflow error from the oldest item the consumer never received. */
    private readonly onOverflow: (oldestUndelivered: T) => Error,
    private readonly onClose: () => void = () => {},
  ) {}

  get closed(): boolean {
    return this.ended || this.failure !== undefined;
  }

  get backlog(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting !== undefined) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: item, done: false });
      return;
    }
    if (this.backlog >= this.limit) {
      this.fail(this.onOverflow(this.items[this.head] as T));
      return;
    }
    this.items.push(item);
  }

  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.items.length = 0;
    this.head = 0;
    if (this.waitingReject !== undefined) {
      const reject = this.waitingReject;
      this.clearWaiter();
      reject(this.failure);
    }
    this.wakeRoomWaiters();
    this.onClose();
  }

  end(): void {
    if (this.closed) return;
    this.ended = true;
    if (this.waiting !== undefined && this.backlog === 0) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: undefined, done: true });
    }
    this.wakeRoomWaiters();
    this.onClose();
  }

  private clearWaiter(): void {
    this.waiting = undefined;
    this.waitingReject = undefined;
  }

  /** Resolves once the backlog is below `count` (or the queue closed): lets a producer pace itself. */
  whenBelow(count: number): Promise<void> {
    if (this.backlog < count || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ below: count, resolve }));
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const ready = this.roomWaiters.filter((w) => this.backlog < w.below || this.closed);
    if (ready.length === 0) return;
    this.roomWaiters = this.roomWaiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.backlog > 0) {
      const value = this.items[this.head] as T;
      this.head++;
      this.wakeRoomWaiters();
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.waitingReject = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
