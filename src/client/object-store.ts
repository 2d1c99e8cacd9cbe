// The informer's cache: objects by key, with secondary indexes. Objects are deep-frozen on the way
// in, because every handler and reader shares the same instance and a mutation by one would
// silently corrupt what the others (and the next diff) see.
import type { KubeObject } from './rest-client.js';

export type IndexFunc<T> = (obj: T) => string[];

/** "namespace/name", or "name" for a cluster-scoped object (client-go's MetaNamespaceKeyFunc). */
export function keyOf(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value as object)) deepFreeze(child);
  return Object.freeze(value);
}

// A throwing indexer must not leave the store half-updated: it just indexes nothing for that object.
function indexValues<T>(fn: IndexFunc<T>, obj: T): string[] {
  try {
    return fn(obj);
  } catch {
    return [];
  }
}

export const namespaceIndex: IndexFunc<KubeObject> = (obj) => [obj.metadata?.namespace ?? ''];

export class ObjectStore<T extends KubeObject> {
  private readonly objects = new Map<string, Readonly<T>>();
  // index name -> index value -> keys
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Record<string, IndexFunc<T>>) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  /** Adds indexers while the store is still empty (shared informers gather them before start). */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    if (this.objects.size > 0) throw new Error('indexers can only be added before the store fills');
    for (const [name, indexer] of Object.entries(indexers)) {
      if (this.indices.has(name)) continue;
      this.indexers[name] = indexer;
      this.indices.set(name, new Map());
    }
  }

  get size(): number {
    return this.objects.size;
  }

  get(key: string): Readonly<T> | undefined {
    return this.objects.get(key);
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  list(): Readonly<T>[] {
    return [...this.objects.values()];
  }

  byIndex(indexName: string, value: string): Readonly<T>[] {
    const index = this.indices.get(indexName);
    if (index === undefined) throw new Error(`no index named "${indexName}"`);
    const out: Readonly<T>[] = [];
    for (const key of index.get(value) ?? []) {
      const obj = this.objects.get(key);
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  /** Stores obj (frozen) and returns the object it replaced. */
  put(obj: T): { old: Readonly<T> | undefined; current: Readonly<T> } {
    const current = deepFreeze(obj);
    const key = keyOf(current);
    const old = this.objects.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.objects.set(key, current);
    this.index(key, current);
    return { old, current };
  }

  remove(key: string): Readonly<T> | undefined {
    const old = this.objects.get(key);
    if (old === undefined) return undefined;
    this.unindex(key, old);
    this.objects.delete(key);
    return old;
  }

  private index(key: string, obj: Readonly<T>): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name);
      if (index === undefined) continue;
      for (const value of indexValues(fn, obj as T)) {
        let keys = index.get(value);
        if (keys === undefined) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: Readonly<T>): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name);
      if (index === undefined) continue;
      for (const value of indexValues(fn, obj as T)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
