// The storage of one resource (upstream's generic registry Store): objects in SuperCache with
// optimistic concurrency (resourceVersion = mod revision; a stale write is a 409), served for
// reads from the watch cache. The only code of the API server that talks to the store.
import {
  ApiError,
  alreadyExists,
  conflict,
  expiredContinue,
  notFound,
  resourceVersionTooOld,
  type Subject,
} from '../../api/api-errors.js';
import type { Backend, TxnRequest, TxnResult } from '../../supercache/backend.js';
import { CompactedError, StoreError } from '../../supercache/errors.js';
import { prefixEnd } from '../../supercache/key-range.js';
import type { KubeObject, ResourceDescriptor } from '../registry/resource.js';
import { decodeObject, encodeObject } from './codec.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { listPrefix, objectKey, resourcePrefix } from './keys.js';
import { WatchCache, type CacheEvent } from './watch-cache.js';

export interface ListOptions {
  readonly namespace?: string;
  readonly matches?: (object: KubeObject) => boolean;
  readonly limit?: number;
  readonly continueToken?: string;
  /** As the ?resourceVersion= parameter: undefined (most recent), "0" (any), or a revision. */
  readonly resourceVersion?: string;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly revision: number;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly matches?: (object: KubeObject) => boolean;
  /** Events after this revision; undefined: the current state as ADDED events first. */
  readonly afterRevision?: number;
  readonly signal?: AbortSignal;
}

/** Thrown by an update function to say "leave the object as it is". */
export class NoChange extends Error {}

const PAGE = 500;

export class ResourceStore {
  readonly cache: WatchCache;
  private readonly prefix: string;

  constructor(
    readonly resource: ResourceDescriptor,
    private readonly backend: Backend,
  ) {
    this.prefix = resourcePrefix(resource);
    this.cache = new WatchCache({ backend, prefix: this.prefix });
  }

  start(signal: AbortSignal): Promise<void> {
    this.cache.start(signal);
    return this.cache.ready;
  }

  key(namespace: string | undefined, name: string): string {
    return objectKey(this.resource, namespace, name);
  }

  subject(name?: string): Subject {
    return { group: this.resource.group, resource: this.resource.plural, ...(name === undefined ? {} : { name }) };
  }

  /** The object as the store has it now (not the cache: a read before a write must be current). */
  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const result = await this.backend.range({ key: this.key(namespace, name) });
    const kv = result.kvs[0];
    if (kv === undefined) throw notFound(this.subject(name));
    return decodeObject(kv.value, kv.modRevision);
  }

  /** Resolves once the cache has caught up with the store as it is now. */
  private async catchUp(revision?: number): Promise<void> {
    const wanted = revision ?? (await this.backend.status()).revision;
    if (this.cache.revision >= wanted) return;
    // As upstream's cacher: wait at most 3 s for a revision, then 504 "Too large resource version".
    const caughtUp = this.cache.waitFor(wanted, 3000);
    // The last writes may have been to other resources: ask the store to tell our watch its revision.
    this.backend.requestProgress();
    if (!(await caughtUp)) throw tooLargeResourceVersion(wanted, this.cache.revision);
  }

  /** A read that may be served from the cache once it has caught up with the store. */
  async getCached(namespace: string | undefined, name: string): Promise<KubeObject> {
    await this.catchUp();
    const object = this.cache.get(this.key(namespace, name));
    if (object === undefined) throw notFound(this.subject(name));
    return object;
  }

  async create(object: KubeObject): Promise<KubeObject> {
    const name = object.metadata?.name ?? '';
    const key = this.key(object.metadata?.namespace, name);
    const result = await this.write({
      compare: [{ key, target: 'mod', result: 'equal', operand: 0 }],
      success: [{ type: 'put', key, value: encodeObject(object) }],
      failure: [],
    });
    if (!result.succeeded) throw alreadyExists(this.subject(name));
    return withRevision(object, result.revision);
  }

  /**
   * Reads the object, lets `update` compute its next state, and writes it if nothing changed in
   * between; on a race it reads again and retries. `update` may throw NoChange.
   * `expectedVersion`, when given, is a precondition: a different current version is a 409.
   */
  async update(
    namespace: string | undefined,
    name: string,
    update: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    expectedVersion?: string,
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const currentVersion = current.metadata?.resourceVersion ?? '';
      if (expectedVersion !== undefined && expectedVersion !== '' && expectedVersion !== currentVersion) {
        throw conflict(this.subject(name));
      }
      let next: KubeObject;
      try {
        next = await update(structuredClone(current));
      } catch (error) {
        if (error instanceof NoChange) return current;
        throw error;
      }
      const result = await this.write({
        compare: [{ key, target: 'mod', result: 'equal', operand: Number(currentVersion) }],
        success: [{ type: 'put', key, value: encodeObject(next) }],
        failure: [],
      });
      if (result.succeeded) return withRevision(next, result.revision);
      if (expectedVersion !== undefined && expectedVersion !== '') throw conflict(this.subject(name));
      if (attempt > 100) throw conflict(this.subject(name), 'too many concurrent updates');
    }
  }

  /** Removes the object if it is still at `version` (the one the caller decided on). */
  async remove(object: KubeObject): Promise<KubeObject> {
    const name = object.metadata?.name ?? '';
    const key = this.key(object.metadata?.namespace, name);
    const version = Number(object.metadata?.resourceVersion ?? 0);
    const result = await this.write({
      compare: [{ key, target: 'mod', result: 'equal', operand: version }],
      success: [{ type: 'delete', key }],
      failure: [{ type: 'range', key }],
    });
    if (!result.succeeded) {
      const current = result.responses[0];
      if (current?.type === 'range' && current.kvs.length === 0) throw notFound(this.subject(name));
      throw conflict(this.subject(name));
    }
    return withRevision(object, result.revision);
  }

  async list(options: ListOptions): Promise<ListResult> {
    const paginated = (options.limit ?? 0) > 0 || options.continueToken !== undefined;
    if (!paginated || options.resourceVersion === '0') {
      if (options.resourceVersion !== '0') {
        // Most recent (or "not older than" a given version): wait until the cache has caught up.
        const given = options.resourceVersion;
        await this.catchUp(given === undefined || given === '' ? undefined : Number(given));
      }
      const keyPrefix = options.namespace === undefined ? undefined : listPrefix(this.resource, options.namespace);
      return this.cache.list(keyPrefix, options.matches);
    }
    return this.listFromStore(options);
  }

  /** A page of a consistent list at one revision, read from the store (upstream does the same). */
  private async listFromStore(options: ListOptions): Promise<ListResult> {
    const prefix = listPrefix(this.resource, options.namespace);
    const limit = options.limit ?? 0;
    let revision = 0;
    let start = prefix;
    if (options.continueToken !== undefined) {
      const point = decodeContinue(options.continueToken);
      revision = point.revision;
      start = prefix + point.start;
    } else if (options.resourceVersion !== undefined && options.resourceVersion !== '') {
      revision = Number(options.resourceVersion);
    }
    const end = prefixEnd(prefix);
    const items: KubeObject[] = [];
    let nextKey: string | undefined;
    try {
      for (;;) {
        const page = await this.backend.range({ key: start, rangeEnd: end, limit: limit > 0 ? Math.max(limit, PAGE) : PAGE, revision });
        // A range answers with the store's head revision, not the one it read at: keep the snapshot's.
        if (revision === 0) revision = page.revision;
        for (const kv of page.kvs) {
          if (limit > 0 && items.length === limit) {
            nextKey = kv.key;
            break;
          }
          const object = decodeObject(kv.value, kv.modRevision);
          if (options.matches === undefined || options.matches(object)) items.push(object);
        }
        const last = page.kvs[page.kvs.length - 1];
        if (nextKey !== undefined || !page.more || last === undefined) break;
        start = `${last.key}\0`;
      }
    } catch (error) {
      if (error instanceof CompactedError) {
        if (options.continueToken !== undefined) throw expiredContinue();
        throw resourceVersionTooOld(revision, error.compactRevision);
      }
      if (error instanceof StoreError && error.code === 'FutureRevision') throw tooLargeResourceVersion(revision, (await this.backend.status()).revision);
      throw error;
    }
    if (nextKey === undefined) return { items, revision };
    const remaining =
      options.matches === undefined
        ? (await this.backend.range({ key: nextKey, rangeEnd: end, revision, countOnly: true })).count
        : undefined;
    return {
      items,
      revision,
      continueToken: encodeContinue({ revision, start: nextKey.slice(prefix.length) }),
      ...(remaining === undefined ? {} : { remainingItemCount: remaining }),
    };
  }

  /**
   * Events of this resource. From a revision: what happened after it (410 if too old). Without one:
   * the current objects as ADDED events, then what happens next.
   */
  async watch(options: WatchOptions): Promise<{ initial: CacheEvent[]; events: AsyncIterable<CacheEvent> }> {
    const keyPrefix = options.namespace === undefined ? undefined : listPrefix(this.resource, options.namespace);
    const base = {
      ...(keyPrefix === undefined ? {} : { keyPrefix }),
      ...(options.matches === undefined ? {} : { matches: options.matches }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    if (options.afterRevision !== undefined) {
      await this.cache.ready;
      return { initial: [], events: this.cache.watch({ ...base, afterRevision: options.afterRevision }) };
    }
    await this.catchUp();
    const snapshot = this.cache.list(keyPrefix, options.matches);
    const initial: CacheEvent[] = snapshot.items.map((object) => ({
      type: 'ADDED',
      key: this.key(object.metadata?.namespace, object.metadata?.name ?? ''),
      object,
      revision: snapshot.revision,
    }));
    return { initial, events: this.cache.watch({ ...base, afterRevision: snapshot.revision }) };
  }

  /** A transaction; a value over the store's limit is 413, as upstream maps etcd's "request is too large". */
  private async write(request: TxnRequest): Promise<TxnResult> {
    try {
      return await this.backend.txn(request);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'ValueTooLarge') {
        throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${error.message}`);
      }
      throw error;
    }
  }

  /** Every key of this resource (used by namespace deletion and tests). */
  get keyPrefix(): string {
    return this.prefix;
  }
}

function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

function withRevision(object: KubeObject, revision: number): KubeObject {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
}
