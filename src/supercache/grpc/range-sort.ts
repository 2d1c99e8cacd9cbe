// The parts of etcd's Range that are presentation rather than storage: sorting by another target
// or descending, and the min/max mod/create revision filters. The store returns keys in ascending
// order; when a client asks for more, the whole range is read, shaped here, then limited, as etcd does.
import type { Backend, KeyValue, RangeOptions, RangeResult } from '../backend.js';
import { int } from './convert.js';
import type { PbRangeRequest } from './proto.js';

const SORT_KEYS: Record<PbRangeRequest['sort_target'], (kv: KeyValue) => number | string | Buffer> = {
  Key: (kv) => kv.key,
  Version: (kv) => kv.version,
  Create: (kv) => kv.createRevision,
  Mod: (kv) => kv.modRevision,
  Value: (kv) => kv.value,
};

function order(a: number | string | Buffer, b: number | string | Buffer): number {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function needsShaping(request: PbRangeRequest): boolean {
  const sorted = request.sort_order === 'Descend' || (request.sort_order === 'Ascend' && request.sort_target !== 'Key');
  const filtered = [request.min_mod_revision, request.max_mod_revision, request.min_create_revision, request.max_create_revision].some(
    (bound) => int(bound) > 0,
  );
  return sorted || filtered;
}

export async function shapedRange(backend: Backend, request: PbRangeRequest, options: RangeOptions): Promise<RangeResult> {
  if (!needsShaping(request)) return backend.range(options);
  const limit = options.limit ?? 0;
  const all = await backend.range({ ...options, limit: 0, countOnly: false });
  const within = (value: number, min: number, max: number): boolean => (min === 0 || value >= min) && (max === 0 || value <= max);
  let kvs = all.kvs.filter(
    (kv) =>
      within(kv.modRevision, int(request.min_mod_revision), int(request.max_mod_revision)) &&
      within(kv.createRevision, int(request.min_create_revision), int(request.max_create_revision)),
  );
  if (request.sort_order !== 'None') {
    const keyOf = SORT_KEYS[request.sort_target];
    const direction = request.sort_order === 'Descend' ? -1 : 1;
    kvs = [...kvs].sort((a, b) => direction * order(keyOf(a), keyOf(b)));
  }
  const more = limit > 0 && kvs.length > limit;
  return { revision: all.revision, kvs: options.countOnly ? [] : more ? kvs.slice(0, limit) : kvs, more, count: all.count };
}
