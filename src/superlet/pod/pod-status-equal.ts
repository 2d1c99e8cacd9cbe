// Whether two pod statuses say the same thing, so the worker writes only on change. Semantic, as
// upstream compares Go structs: an absent field equals its empty value ('' , [], {}, null), since
// a status read back from the API server may spell emptiness differently from one computed here.
// Conditions are compared by type whatever their order (upstream's isPodStatusByKubeletEqual) and
// container statuses by name (upstream sorts them by name); init container statuses keep spec order.
import type { PodStatus } from 'kubernetes-types/core/v1.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Drops empty values recursively; undefined when nothing is left. */
function prune(value: unknown): Json | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    const items = value.map(prune).map((v) => (v === undefined ? null : v));
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const v = prune((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  // Nothing else appears in JSON; a bigint or function would be a bug upstream of here.
  return typeof value === 'bigint' ? value.toString() : null;
}

function keyed(list: unknown, key: string): unknown {
  if (!Array.isArray(list)) return list;
  const entries = list.map((item: unknown) => {
    const name = (item as Record<string, unknown> | null)?.[key];
    return [typeof name === 'string' ? name : '', item] as const;
  });
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([, item]) => item);
}

function canonical(status: PodStatus): string {
  const shaped = {
    ...status,
    conditions: keyed(status.conditions, 'type'),
    containerStatuses: keyed(status.containerStatuses, 'name'),
    ephemeralContainerStatuses: keyed(status.ephemeralContainerStatuses, 'name'),
  };
  return JSON.stringify(prune(shaped) ?? {});
}

export function podStatusEqual(a: PodStatus, b: PodStatus): boolean {
  return canonical(a) === canonical(b);
}
