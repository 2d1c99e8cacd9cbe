// The watch cache of one resource: a reflector over SuperCache (list, then watch from the list's
// revision) that keeps every object and a window of recent events in memory, so that lists and
// watches are served without touching the store. Objects handed out are shared: never mutate them.
import type { Backend } from '../../supercache/backend.js';
import { prefixRange } from '../../supercache/key-range.js';
import { resourceVersionTooOld } from '../../api/api-errors.js';
import { EventQueue } from '../../util/event-queue.js';
import type { KubeObject } from '../registry/resource.js';
import { decodeCachedObject } from './codec.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly type: WatchEventType;
  readonly key: string;
  readonly object: KubeObject;
  /** The object before this change (for MODIFIED and DELETED). */
  readonly prevObject?: KubeObject;
  readonly revision: number;
}

export interface CacheWatchOptions {
  /** Events strictly after this revision. */
  readonly afterRevision: number;
  /** Only keys under this prefix (a namespace). */
  readonly keyPrefix?: string;
  readonly matches?: (object: KubeObject) => boolean;
  readonly signal?: AbortSignal;
}

export class CacheClosedError extends Error {
  constructor() {
    super('watch cache was reset; re-list and watch again');
  }
}

export interface WatchCacheOptions {
  readonly backend: Backend;
  readonly prefix: string;
  /** Events kept for watchers that resume from an older resourceVersion (default 10,000). */
  readonly capacity?: number;
  /** Unread events a watcher may have before it is closed (default 10,000). */
  readonly backlogLimit?: number;
}

export class WatchCache {
  private readonly objects = new Map<string, KubeObject>();
  private events: CacheEvent[] = [];
  /** Watching from below this revision needs events the cache no longer has. */
  private windowStart = 0;
  private current = 0;
  private readonly watchers = new Set<{ queue: EventQueue<CacheEvent>; options: CacheWatchOptions }>();
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  /** Each event is serialized once however many watchers send it. */
  private readonly encoded = new WeakMap<CacheEvent, string>();
  private readyResolve!: () => void;
  readonly ready: Promise<void> = new Promise((resolve) => (this.readyResolve = resolve));

  constructor(private readonly options: WatchCacheOptions) {}

  get revision(): number {
    return this.current;
  }

  get size(): number {
    return this.objects.size;
  }

  /** Lists and then watches the store until `signal` aborts, re-listing whenever the watch breaks. */
  start(signal: AbortSignal): void {
    void this.run(signal);
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.relist();
        this.readyResolve();
        const events = this.options.backend.watch({
          ...prefixRange(this.options.prefix),
          startRevision: this.current + 1,
          prevKv: false,
          progressNotify: true,
          signal,
        });
        for await (const event of events) {
          if (event.type === 'progress') this.advance(event.revision);
          else this.apply(event.type, event.kv.key, event.type === 'put' ? event.kv.value : undefined, event.kv.modRevision);
        }
      } catch {
        if (signal.aborted) break;
        // Compacted or cut off: the next loop re-lists. Watchers must start over.
        this.resetWatchers();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    for (const watcher of this.watchers) watcher.queue.end();
  }

  private async relist(): Promise<void> {
    const range = prefixRange(this.options.prefix);
    let revision = 0;
    let key = range.key;
    const fresh = new Map<string, KubeObject>();
    for (;;) {
      const page = await this.options.backend.range({ key, rangeEnd: range.rangeEnd, limit: 1000, revision });
      revision = page.revision;
      for (const kv of page.kvs) fresh.set(kv.key, decodeCachedObject(kv.value, kv.modRevision));
      const last = page.kvs[page.kvs.length - 1];
      if (!page.more || last === undefined) break;
      key = `${last.key}\0`;
    }
    this.objects.clear();
    for (const [k, v] of fresh) this.objects.set(k, v);
    this.events = [];
    this.windowStart = revision;
    this.advance(revision);
  }

  private apply(kind: 'put' | 'delete', key: string, value: Buffer | undefined, revision: number): void {
    const prevObject = this.objects.get(key);
    let event: CacheEvent;
    if (kind === 'put' && value !== undefined) {
      const object = decodeCachedObject(value, revision);
      this.objects.set(key, object);
      event = prevObject === undefined ? { type: 'ADDED', key, object, revision } : { type: 'MODIFIED', key, object, prevObject, revision };
    } else {
      if (prevObject === undefined) return;
      this.objects.delete(key);
      const object = withResourceVersion(prevObject, revision);
      event = { type: 'DELETED', key, object, prevObject, revision };
    }
    this.events.push(event);
    const capacity = this.options.capacity ?? 10_000;
    if (this.events.length > capacity) {
      const dropped = this.events.splice(0, this.events.length - capacity);
      this.windowStart = dropped[dropped.length - 1]?.revision ?? this.windowStart;
    }
    for (const watcher of this.watchers) deliver(watcher.queue, watcher.options, event);
    this.advance(revision);
  }

  private advance(revision: number): void {
    if (revision <= this.current) return;
    this.current = revision;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter !== undefined && waiter.revision <= revision) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /**
   * Resolves with true once the cache has seen `revision` (a write made through the store has
   * reached it), or with false after `timeoutMs`.
   */
  waitFor(revision: number, timeoutMs?: number): Promise<boolean> {
    if (revision <= this.current) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { revision, resolve: () => resolve(true) };
      this.waiters.push(waiter);
      if (timeoutMs === undefined) return;
      // Given up: forget the waiter so a revision that never comes leaks nothing.
      setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at === -1) return;
        this.waiters.splice(at, 1);
        resolve(false);
      }, timeoutMs).unref();
    });
  }

  /** Every cached object under `keyPrefix` that `matches`, in key order, and the cache's revision. */
  list(keyPrefix?: string, matches?: (object: KubeObject) => boolean): { items: KubeObject[]; revision: number } {
    const items: { key: string; object: KubeObject }[] = [];
    for (const [key, object] of this.objects) {
      if (keyPrefix !== undefined && !key.startsWith(keyPrefix)) continue;
      if (matches !== undefined && !matches(object)) continue;
      items.push({ key, object });
    }
    items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { items: items.map((i) => i.object), revision: this.current };
  }

  private readonly objectJson = new WeakMap<KubeObject, string>();

  /** An object's JSON, computed once while the cache holds it (objects here are never mutated). */
  jsonOf(object: KubeObject): string {
    let text = this.objectJson.get(object);
    if (text === undefined) {
      text = JSON.stringify(object);
      this.objectJson.set(object, text);
    }
    return text;
  }

  private readonly metadataJson = new WeakMap<KubeObject, string>();

  /** An object's `metadata` as JSON, cached like `jsonOf` (the rows of a Table list carry it). */
  metadataJsonOf(object: KubeObject): string {
    let text = this.metadataJson.get(object);
    if (text === undefined) {
      text = JSON.stringify(object.metadata ?? {});
      this.metadataJson.set(object, text);
    }
    return text;
  }

  /** `encode(event)`, computed once per event and shared by every watcher that sends it as is. */
  encodeOnce(event: CacheEvent, encode: (event: CacheEvent) => string): string {
    let text = this.encoded.get(event);
    if (text === undefined) {
      text = encode(event);
      this.encoded.set(event, text);
    }
    return text;
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /** Events after `afterRevision`, then live ones; 410 if the cache's window no longer reaches back. */
  watch(options: CacheWatchOptions): AsyncIterable<CacheEvent> {
    if (options.afterRevision < this.windowStart) {
      throw resourceVersionTooOld(options.afterRevision, this.windowStart);
    }
    const watcher = {
      options,
      queue: new EventQueue<CacheEvent>(
        this.options.backlogLimit ?? 10_000,
        () => new CacheClosedError(),
        () => this.watchers.delete(watcher),
      ),
    };
    if (options.signal?.aborted) {
      watcher.queue.end();
      return watcher.queue;
    }
    options.signal?.addEventListener('abort', () => watcher.queue.end(), { once: true });
    for (const event of this.events) {
      if (event.revision > options.afterRevision) deliver(watcher.queue, options, event);
    }
    this.watchers.add(watcher);
    return watcher.queue;
  }

  private resetWatchers(): void {
    for (const watcher of [...this.watchers]) watcher.queue.fail(new CacheClosedError());
  }
}

/** Delivers `event` as this watcher sees it: a change that leaves its filter is a DELETED to it. */
function deliver(queue: EventQueue<CacheEvent>, options: CacheWatchOptions, event: CacheEvent): void {
  if (options.keyPrefix !== undefined && !event.key.startsWith(options.keyPrefix)) return;
  const matches = options.matches;
  if (matches === undefined) {
    queue.push(event);
    return;
  }
  const now = event.type !== 'DELETED' && matches(event.object);
  const before = event.prevObject !== undefined && matches(event.prevObject);
  if (event.type === 'DELETED') {
    if (before) queue.push(event);
  } else if (now && before) {
    queue.push(event);
  } else if (now) {
    queue.push({ ...event, type: 'ADDED' });
  } else if (before) {
    queue.push({ ...event, type: 'DELETED' });
  }
}

function withResourceVersion(object: KubeObject, revision: number): KubeObject {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
}
