// Element order of merged lists, as upstream strategic merge patch computes it (see the design
// proposal "preserve order in strategic merge patch"): elements named by the patch (or by
// $setElementOrder) keep the patch's order, elements only the server has keep theirs, and the two
// are interleaved by their positions in the live list. Upstream's exact interleaving is kept
// because kubectl apply users see it in the stored object.

import { getField, isJsonObject, type Json } from './json-value.js';
import { badArgType, goFormat, mergeFailure, noListOfLists, noMergeKey } from './strategic-merge-errors.js';

export type ElementKind = 'object' | 'string' | 'number' | 'boolean' | 'null';

/** sliceElementType: the one kind shared by every element of the lists; lists of lists are refused. */
export function elementKind(...lists: readonly Json[][]): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const item of list) {
      if (Array.isArray(item)) throw noListOfLists();
      const current = kindOf(item);
      if (kind !== undefined && kind !== current) {
        throw mergeFailure(`list element types are not identical: ${goFormat([...lists])}`);
      }
      kind = current;
    }
  }
  if (kind === undefined) throw mergeFailure('no elements in any of the given slices');
  return kind;
}

function kindOf(item: Exclude<Json, Json[]>): ElementKind {
  if (item === null) return 'null';
  if (typeof item === 'object') return 'object';
  return typeof item === 'string' ? 'string' : typeof item === 'number' ? 'number' : 'boolean';
}

/** The index of the first object element whose merge key equals `value`, or -1. */
export function findByMergeKey(list: readonly Json[], mergeKey: string, value: Json): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i] ?? null;
    if (!isJsonObject(item)) throw mergeFailure(`value for key ${i} is not a map`);
    if (Object.hasOwn(item, mergeKey) && item[mergeKey] === value) return i;
  }
  return -1;
}

/** [elements also in `by`, elements only in `list`], for lists of scalars. */
export function partitionPrimitives(list: readonly Json[], by: readonly Json[]): [Json[], Json[]] {
  const present = new Set(by);
  return [list.filter((item) => present.has(item)), list.filter((item) => !present.has(item))];
}

/** [elements whose merge key is also in `by`, the others], for lists of objects. */
export function partitionByMergeKey(list: readonly Json[], by: readonly Json[], mergeKey: string): [Json[], Json[]] {
  const inBy: Json[] = [];
  const notInBy: Json[] = [];
  for (const item of list) {
    const value = requireMergeKey(item, mergeKey);
    (findByMergeKey(by, mergeKey, value) === -1 ? notInBy : inBy).push(item);
  }
  return [inBy, notInBy];
}

export function requireMergeKey(item: Json, mergeKey: string): Json {
  if (!isJsonObject(item)) throw badArgType({}, item);
  const value = getField(item, mergeKey);
  if (value === undefined) throw noMergeKey(item, mergeKey);
  return value;
}

/**
 * normalizeElementOrder: sorts `patchItems` by `patchOrder` and `serverOnly` by `serverOrder`,
 * then interleaves them, server-only elements going before a patch element only when the live
 * list has them before it.
 */
export function normalizeElementOrder(
  patchItems: readonly Json[],
  serverOnly: readonly Json[],
  patchOrder: readonly Json[],
  serverOrder: readonly Json[],
  mergeKey: string | undefined,
  kind: ElementKind,
): Json[] {
  const sortedPatch = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const merged: Json[] = [];
  let left = 0;
  let right = 0;
  while (left < sortedServer.length || right < sortedPatch.length) {
    const server = sortedServer[left];
    const patch = sortedPatch[right];
    if (server === undefined) {
      merged.push(patch ?? null);
      right++;
    } else if (patch === undefined) {
      merged.push(server);
      left++;
    } else {
      const serverAt = indexOf(serverOrder, server, mergeKey, kind);
      const patchAt = indexOf(serverOrder, patch, mergeKey, kind);
      if (serverAt >= 0 && patchAt >= 0 && serverAt < patchAt) {
        merged.push(server);
        left++;
      } else {
        merged.push(patch);
        right++;
      }
    }
  }
  return merged;
}

/** normalizeSliceOrder: a stable sort by position in `order`; `$patch: delete` elements go last. */
function sortByOrder(
  items: readonly Json[],
  order: readonly Json[],
  mergeKey: string | undefined,
  kind: ElementKind,
): Json[] {
  let kept = [...items];
  let deletions: Json[] = [];
  if (kind === 'object') {
    const key = mergeKey ?? '';
    for (const item of [...items, ...order]) requireMergeKey(item, key);
    deletions = kept.filter((item) => isDeleteDirective(item));
    kept = kept.filter((item) => !isDeleteDirective(item));
  }
  const position = (item: Json): number => {
    const at = indexOf(order, item, mergeKey, kind);
    return at === -1 ? Number.POSITIVE_INFINITY : at;
  };
  return [...kept.sort((a, b) => position(a) - position(b)), ...deletions];
}

function isDeleteDirective(item: Json): boolean {
  return isJsonObject(item) && getField(item, '$patch') === 'delete';
}

/** Position of `item` in `list`: by merge key value for objects, by value for scalars. */
function indexOf(list: readonly Json[], item: Json, mergeKey: string | undefined, kind: ElementKind): number {
  const identity = (value: Json): Json | undefined =>
    kind === 'object' ? (isJsonObject(value) ? getField(value, mergeKey ?? '') : undefined) : value;
  const wanted = identity(item);
  return list.findIndex((candidate) => identity(candidate) === wanted);
}

/**
 * validatePatchWithSetOrderList: the elements of the patch list (deletions aside) must appear in
 * $setElementOrder, in the same relative order.
 */
export function checkElementOrder(
  patchList: readonly Json[],
  order: readonly Json[],
  mergeKey: string | undefined,
): void {
  if (order.length === 0 || patchList.length === 0) return;
  const kept = mergeKey ? patchList.filter((item) => !isDeleteDirective(requireObject(item))) : patchList;
  let inPatch = 0;
  let inOrder = 0;
  while (inPatch < kept.length && inOrder < order.length) {
    const item = kept[inPatch] ?? null;
    if (isJsonObject(item) && Object.hasOwn(item, '$patch')) {
      inPatch++;
      continue;
    }
    if (sameMergeKey(item, order[inOrder] ?? null, mergeKey)) inPatch++;
    inOrder++;
  }
  if (inPatch < kept.length) {
    throw mergeFailure(
      `the order in patch list:\n${goFormat([...patchList])}\n` +
        ` doesn't match $setElementOrder list:\n${goFormat([...order])}`,
    );
  }
}

function requireObject(item: Json): Json {
  if (!isJsonObject(item)) throw badArgType({}, item);
  return item;
}

function sameMergeKey(left: Json, right: Json, mergeKey: string | undefined): boolean {
  if (!mergeKey) return left === right;
  return requireMergeKey(left, mergeKey) === requireMergeKey(right, mergeKey);
}
