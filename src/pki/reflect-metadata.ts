// @peculiar/x509 2.x registers its algorithms through tsyringe, which refuses to load unless a
// Reflect metadata polyfill (the `reflect-metadata` package) is present. That package is not a
// dependency of ours, so this installs the small part of its API that tsyringe uses, and only when
// nothing else has: a real `reflect-metadata` loaded first always wins.
//
// It necessarily mutates the global `Reflect`; it is called only from `loadX509`, right before the
// library is imported, so nothing in our code depends on it being there.

type MetadataKey = unknown;
type Target = object;

interface ReflectMetadataApi {
  defineMetadata(key: MetadataKey, value: unknown, target: Target, property?: string | symbol): void;
  getOwnMetadata(key: MetadataKey, target: Target, property?: string | symbol): unknown;
  getMetadata(key: MetadataKey, target: Target, property?: string | symbol): unknown;
  hasOwnMetadata(key: MetadataKey, target: Target, property?: string | symbol): boolean;
  hasMetadata(key: MetadataKey, target: Target, property?: string | symbol): boolean;
  metadata(key: MetadataKey, value: unknown): (target: Target, property?: string | symbol) => void;
}

export function ensureReflectMetadata(): void {
  const reflect = Reflect as typeof Reflect & Partial<ReflectMetadataApi>;
  if (typeof reflect.getMetadata === 'function') return;

  // target -> property ('' for the target itself) -> key -> value
  const store = new WeakMap<Target, Map<string | symbol, Map<MetadataKey, unknown>>>();
  const table = (target: Target, property: string | symbol | undefined, create: boolean) => {
    let byProperty = store.get(target);
    if (!byProperty) {
      if (!create) return undefined;
      byProperty = new Map();
      store.set(target, byProperty);
    }
    const slot = property ?? '';
    let byKey = byProperty.get(slot);
    if (!byKey && create) {
      byKey = new Map();
      byProperty.set(slot, byKey);
    }
    return byKey;
  };
  const chain = function* (target: Target): Generator<Target> {
    for (let o: Target | null = target; o !== null; o = Object.getPrototypeOf(o) as Target | null) yield o;
  };

  const api: ReflectMetadataApi = {
    defineMetadata(key, value, target, property) {
      table(target, property, true)?.set(key, value);
    },
    getOwnMetadata(key, target, property) {
      return table(target, property, false)?.get(key);
    },
    hasOwnMetadata(key, target, property) {
      return table(target, property, false)?.has(key) ?? false;
    },
    getMetadata(key, target, property) {
      for (const o of chain(target)) {
        const own = table(o, property, false);
        if (own?.has(key)) return own.get(key);
      }
      return undefined;
    },
    hasMetadata(key, target, property) {
      for (const o of chain(target)) if (table(o, property, false)?.has(key)) return true;
      return false;
    },
    metadata(key, value) {
      return (target, property) => api.defineMetadata(key, value, target, property);
    },
  };
  for (const [name, fn] of Object.entries(api)) {
    Object.defineProperty(Reflect, name, { value: fn, writable: true, configurable: true });
  }
}
