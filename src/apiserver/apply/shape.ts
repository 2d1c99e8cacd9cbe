// How a value is walked under a schema node: as a struct or map (field by field), as a list (item
// by item, by path element) or as a leaf. A value that does not have the shape its node expects
// (a string where a struct belongs, a list that cannot be keyed) is a leaf: it is then owned and
// replaced whole, which is what upstream does with what it cannot type either.

import { isJsonObject, type Json, type JsonObject } from '../../api/patch/json-value.js';
import type { FieldPath } from './field-path.js';
import { indexList, type ListItem } from './list-items.js';
import { LEAF, type SchemaNode, type StructNode } from './schema.js';

export type Shape =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'struct'; readonly node: StructNode; readonly value: JsonObject }
  | { readonly kind: 'list'; readonly element: SchemaNode; readonly items: readonly ListItem[] };

const LEAF_SHAPE: Shape = { kind: 'leaf' };

export function shapeOf(node: SchemaNode, value: Json, path: FieldPath, strict: boolean): Shape {
  if (node.kind === 'struct') return isJsonObject(value) ? { kind: 'struct', node, value } : LEAF_SHAPE;
  if ((node.kind === 'set' || node.kind === 'keyed') && Array.isArray(value)) {
    const items = indexList(node, value, path, strict);
    if (items === undefined) return LEAF_SHAPE;
    return { kind: 'list', element: node.kind === 'set' ? LEAF : node.element, items };
  }
  return LEAF_SHAPE;
}

export function isEmptyish(value: Json | undefined): boolean {
  return value === undefined || value === null || (Array.isArray(value) ? value.length === 0 : isJsonObject(value) && Object.keys(value).length === 0);
}

/** Both sides of a comparison or merge: walked together only when they have the same shape. */
export type PairShape =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'struct'; readonly node: StructNode; readonly left?: JsonObject; readonly right?: JsonObject }
  | { readonly kind: 'list'; readonly element: SchemaNode; readonly left?: readonly ListItem[]; readonly right?: readonly ListItem[] };

/**
 * The shape of a pair of values (either may be missing). Two empty or missing values are a leaf,
 * as upstream promotes them, to keep `{}` apart from `null` and from nothing.
 */
export function pairShape(node: SchemaNode, left: Json | undefined, right: Json | undefined, path: FieldPath): PairShape {
  if (isEmptyish(left) && isEmptyish(right)) return LEAF_SHAPE;
  const l = left === undefined ? undefined : shapeOf(node, left, path, false);
  const r = right === undefined ? undefined : shapeOf(node, right, path, false);
  const kind = l?.kind ?? r?.kind ?? 'leaf';
  if ((l !== undefined && l.kind !== kind) || (r !== undefined && r.kind !== kind)) return LEAF_SHAPE;
  if (kind === 'struct' && node.kind === 'struct') {
    return {
      kind,
      node,
      ...(l?.kind === 'struct' ? { left: l.value } : {}),
      ...(r?.kind === 'struct' ? { right: r.value } : {}),
    };
  }
  if (kind === 'list') {
    const element = l?.kind === 'list' ? l.element : r?.kind === 'list' ? r.element : LEAF;
    return {
      kind,
      element,
      ...(l?.kind === 'list' ? { left: l.items } : {}),
      ...(r?.kind === 'list' ? { right: r.items } : {}),
    };
  }
  return LEAF_SHAPE;
}
