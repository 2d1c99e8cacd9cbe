// An informer: a reflector (list, then watch from the list's resourceVersion) that mirrors one
// resource into a local read-only store and tells handlers what changed. It heals itself: a 410
// (the watch's revision is gone) relists and diffs; a broken connection reconnects with back-off
// from the last resourceVersion it saw, bookmarks included, so a restart replays nothing twice.
import { createLogger, type Logger } from '../util/log.js';
import { Backoff, sleep } from './backoff.js';
import { ApiError, isGone } from './client-errors.js';
import { deepFreeze, keyOf, namespaceIndex, ObjectStore } from './object-store.js';
import type { KubeObject, RestClient, WatchEvent } from './rest-client.js';
import type { ResourceType } from './resource-types.js';

export { keyOf, splitKey } from './object-store.js';

export interface InformerOptions<T> {
  client: RestClient;
  type: ResourceType;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every this often, onUpdate(obj, obj) for every object; 0 or unset: never. */
  resyncPeriodMs?: number;
  indexers?: Record<string, (obj: T) => string[]>;
  /** Additions: reconnect back-off (default 200 ms doubling to 30 s) and a logger. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  logger?: Logger;
}

export interface InformerStats {
  /** Completed lists (1 after the first sync; more after each 410). */
  lists: number;
  /** Watches opened. */
  watches: number;
  /** The resourceVersion the next watch starts from. */
  resourceVersion: string;
}

type AddHandler<T> = (obj: Readonly<T>) => void;
type UpdateHandler<T> = (oldObj: Readonly<T>, newObj: Readonly<T>) => void;

export class Informer<T extends KubeObject> {
  private readonly store: ObjectStore<T>;
  private readonly addHandlers: AddHandler<T>[] = [];
  private readonly updateHandlers: UpdateHandler<T>[] = [];
  private readonly deleteHandlers: AddHandler<T>[] = [];
  private readonly syncWaiters = new Set<{ resolve: () => void; reject: (e: unknown) => void }>();
  private readonly log: Logger;
  private readonly counters: InformerStats = { lists: 0, watches: 0, resourceVersion: '' };
  private synced = false;
  private started = false;

  constructor(private readonly options: InformerOptions<T>) {
    this.store = new ObjectStore<T>({ namespace: namespaceIndex, ...options.indexers });
    this.log = options.logger ?? createLogger(`informer/${options.type.plural}`);
  }

  /** More indexers, before start() (the shared informer factory gathers every caller's). */
  addIndexers(indexers: Record<string, (obj: T) => string[]>): void {
    if (this.started) throw new Error(`informer for ${this.options.type.plural}: indexers must be added before start()`);
    this.store.addIndexers(indexers);
  }

  /** Registered after the first sync, the handler first gets an add for every cached object, as client-go does. */
  onAdd(handler: AddHandler<T>): void {
    this.addHandlers.push(handler);
    if (this.synced) for (const obj of this.store.list()) this.call('add', () => handler(obj));
  }

  /** Also called at each resync with oldObj === newObj. */
  onUpdate(handler: UpdateHandler<T>): void {
    this.updateHandlers.push(handler);
  }

  onDelete(handler: AddHandler<T>): void {
    this.deleteHandlers.push(handler);
  }

  start(signal: AbortSignal): void {
    if (this.started) throw new Error(`informer for ${this.options.type.plural} already started`);
    this.started = true;
    const period = this.options.resyncPeriodMs ?? 0;
    const timer = period > 0 ? setInterval(() => this.resync(), period) : undefined;
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        const error = new Error(`informer for ${this.options.type.plural} stopped before it synced`);
        for (const waiter of this.syncWaiters) waiter.reject(error);
        this.syncWaiters.clear();
      },
      { once: true },
    );
    this.run(signal).catch((error: unknown) => this.log.error('informer loop ended unexpectedly', { error }));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = (): void => {
        this.syncWaiters.delete(waiter);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      if (signal?.aborted === true) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.add(waiter);
    });
  }

  get(key: string): Readonly<T> | undefined {
    return this.store.get(key);
  }

  list(): Readonly<T>[] {
    return this.store.list();
  }

  byIndex(indexName: string, value: string): Readonly<T>[] {
    return this.store.byIndex(indexName, value);
  }

  /** Counters for tests and metrics (an addition). */
  stats(): Readonly<InformerStats> {
    return { ...this.counters };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.options.backoffBaseMs ?? 200, this.options.backoffMaxMs ?? 30_000);
    let needList = true;
    let lastWasGone = false;
    while (!signal.aborted) {
      try {
        if (needList) await this.relist();
        needList = false;
        await this.watch(signal, () => {
          backoff.reset();
          lastWasGone = false;
        });
        // The server ended the watch (its timeout): watch again from where we are.
      } catch (error) {
        if (signal.aborted) break;
        const gone = isGone(error);
        if (gone) needList = true;
        this.log[gone ? 'info' : 'warn'](gone ? 'resourceVersion too old, relisting' : 'list/watch failed, retrying', {
          error,
          resourceVersion: this.counters.resourceVersion,
        });
        // A first 410 relists at once; anything else (or 410s in a row) waits, so a broken server is not hammered.
        if (!gone || lastWasGone) await sleep(backoff.next(), signal);
        lastWasGone = gone;
      }
    }
  }

  private async relist(): Promise<void> {
    const { client, type, namespace, labelSelector, fieldSelector } = this.options;
    // No limit: the API server serves an unpaged list from its watch cache, consistently and cheaply.
    const result = await client.list<T>(type, {
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labelSelector !== undefined ? { labelSelector } : {}),
      ...(fieldSelector !== undefined ? { fieldSelector } : {}),
    });
    this.counters.lists++;
    this.replace(result.items);
    this.counters.resourceVersion = result.metadata.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const waiter of this.syncWaiters) waiter.resolve();
      this.syncWaiters.clear();
    }
  }

  /** Makes the store equal to `items`, telling handlers the difference (deletes missed while away included). */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(keyOf(item));
      const { old, current } = this.store.put(item);
      if (old === undefined) this.emitAdd(current);
      else if (old.metadata?.resourceVersion !== current.metadata?.resourceVersion) this.emitUpdate(old, current);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const old = this.store.remove(key);
      if (old !== undefined) this.emitDelete(old);
    }
  }

  private async watch(signal: AbortSignal, onProgress: () => void): Promise<void> {
    const { client, type, namespace, labelSelector, fieldSelector } = this.options;
    this.counters.watches++;
    const events = client.watch<T>(type, {
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labelSelector !== undefined ? { labelSelector } : {}),
      ...(fieldSelector !== undefined ? { fieldSelector } : {}),
      resourceVersion: this.counters.resourceVersion,
      allowWatchBookmarks: true,
      // Between 5 and 10 minutes, as client-go, so watches across clients do not all end together.
      timeoutSeconds: Math.round(300 * (1 + Math.random())),
      signal,
    });
    for await (const event of events) {
      onProgress();
      this.apply(event);
    }
  }

  private apply(event: WatchEvent<T>): void {
    // On ERROR the object is a Status; a 410 there means the same as a 410 answer.
    if (event.type === 'ERROR') throw ApiError.fromStatus(event.object);
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      const { old, current } = this.store.put(event.object);
      if (old === undefined) this.emitAdd(current);
      else this.emitUpdate(old, current);
    } else if (event.type === 'DELETED') {
      const old = this.store.remove(keyOf(event.object));
      // The final state from the event, not the cached one: it carries the deletion's resourceVersion.
      if (old !== undefined) this.emitDelete(deepFreeze(event.object));
    }
    if (rv !== undefined && rv !== '') this.counters.resourceVersion = rv;
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.store.list()) this.emitUpdate(obj, obj);
  }

  private emitAdd(obj: Readonly<T>): void {
    for (const handler of this.addHandlers) this.call('add', () => handler(obj));
  }

  private emitUpdate(oldObj: Readonly<T>, newObj: Readonly<T>): void {
    for (const handler of this.updateHandlers) this.call('update', () => handler(oldObj, newObj));
  }

  private emitDelete(obj: Readonly<T>): void {
    for (const handler of this.deleteHandlers) this.call('delete', () => handler(obj));
  }

  // A handler that throws must not stop the informer or starve the other handlers.
  private call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log.error(`${what} handler threw`, { error });
    }
  }
}
