// A binary heap whose items are also found by key, so one can be removed or re-ordered in
// O(log n) (upstream internal/heap): the active and back-off queues hold thousands of pods.

export class KeyedHeap<T> {
  private readonly items: T[] = [];
  private readonly index = new Map<string, number>();

  /** `less(a, b)`: a comes out before b. */
  constructor(private readonly options: { key: (item: T) => string; less: (a: T, b: T) => boolean }) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds the item, or replaces the one with the same key and restores the order. */
  push(item: T): void {
    const key = this.options.key(item);
    const at = this.index.get(key);
    if (at !== undefined) {
      this.items[at] = item;
      this.fix(at);
      return;
    }
    this.items.push(item);
    this.index.set(key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top === undefined) return undefined;
    this.removeAt(0);
    return top;
  }

  delete(key: string): T | undefined {
    const at = this.index.get(key);
    if (at === undefined) return undefined;
    const item = this.items[at];
    this.removeAt(at);
    return item;
  }

  values(): readonly T[] {
    return this.items;
  }

  private removeAt(at: number): void {
    const last = this.items.length - 1;
    const removed = this.items[at];
    if (removed !== undefined) this.index.delete(this.options.key(removed));
    if (at !== last) {
      this.move(last, at);
      this.items.pop();
      this.fix(at);
    } else {
      this.items.pop();
    }
  }

  private fix(at: number): void {
    if (!this.up(at)) this.down(at);
  }

  private move(from: number, to: number): void {
    const item = this.items[from] as T;
    this.items[to] = item;
    this.index.set(this.options.key(item), to);
  }

  private swap(a: number, b: number): void {
    const x = this.items[a] as T;
    const y = this.items[b] as T;
    this.items[a] = y;
    this.items[b] = x;
    this.index.set(this.options.key(y), a);
    this.index.set(this.options.key(x), b);
  }

  private lessAt(a: number, b: number): boolean {
    return this.options.less(this.items[a] as T, this.items[b] as T);
  }

  private up(at: number): boolean {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.lessAt(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i !== at;
  }

  private down(at: number): void {
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.items.length) return;
      const right = left + 1;
      const child = right < this.items.length && this.lessAt(right, left) ? right : left;
      if (!this.lessAt(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }
}
