// Field sets of values (typed/tofieldset.go) and the comparison of two versions of an object
// (typed/compare.go): what was added, modified and removed, as paths.

import { getField, isJsonObject, jsonEqual, type Json, type JsonObject } from '../../api/patch/json-value.js';
import { fieldElement, type FieldPath } from './field-path.js';
import { FieldSet } from './field-set.js';
import type { SchemaNode, StructNode } from './schema.js';
import { isEmptyish, pairShape, shapeOf } from './shape.js';

/**
 * The fields an applied configuration sets: every leaf, every list item, every empty or null
 * struct field, every map entry. A configuration that does not fit the schema (a keyed item
 * without its key, duplicate items) throws ApplyShapeError.
 */
export function toFieldSet(value: JsonObject, root: StructNode): FieldSet {
  const out = new FieldSet();
  walkSet(value, root, [], out);
  return out;
}

function walkSet(value: Json, node: SchemaNode, path: FieldPath, out: FieldSet): void {
  const shape = shapeOf(node, value, path, true);
  switch (shape.kind) {
    case 'leaf':
      out.insert(path);
      return;
    case 'struct':
      for (const [name, child] of Object.entries(shape.value)) {
        const childPath = [...path, fieldElement(name)];
        walkSet(child, shape.node.field(name), childPath, out);
        if (child === null || (isJsonObject(child) && Object.keys(child).length === 0) || shape.node.granular) out.insert(childPath);
      }
      return;
    case 'list':
      for (const item of shape.items) {
        const itemPath = [...path, item.element];
        walkSet(item.value, shape.element, itemPath, out);
        out.insert(itemPath);
      }
  }
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/**
 * What changed from `before` to `after`. Leaves (scalars, atomic values, values that only one
 * side has as a whole) are added, modified or removed; a list item, map or map entry that appears
 * or disappears is added or removed itself too. A struct field that appears is not: upstream
 * finds Go's zero value already there for most of them, so only their leaves count as added.
 */
export function compareValues(before: Json | undefined, after: Json | undefined, root: StructNode): Comparison {
  const result = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(before, after, root, [], false, result);
  return result;
}

function walkCompare(
  left: Json | undefined,
  right: Json | undefined,
  node: SchemaNode,
  path: FieldPath,
  isItem: boolean,
  out: Comparison,
): void {
  // A null is no value (Go decodes it to the zero value): an explicit null and nothing compare equal.
  if (left === null) left = undefined;
  if (right === null) right = undefined;
  if (left === undefined && right === undefined) return;
  if (left === undefined) {
    walkAdded(right as Json, node, path, isItem, out);
    return;
  }
  const shape = pairShape(node, left, right, path);
  if (shape.kind === 'leaf') {
    if (path.length === 0) return;
    if (left === undefined) out.added.insert(path);
    else if (right === undefined) out.removed.insert(path);
    else if (!jsonEqual(left, right)) out.modified.insert(path);
    return;
  }
  if (shape.kind === 'struct') {
    const names = new Set([...Object.keys(shape.left ?? {}), ...Object.keys(shape.right ?? {})]);
    for (const name of names) {
      const l = shape.left === undefined ? undefined : getField(shape.left, name);
      const r = shape.right === undefined ? undefined : getField(shape.right, name);
      walkCompare(l, r, shape.node.field(name), [...path, fieldElement(name)], shape.node.granular, out);
    }
  } else {
    const lefts = new Map((shape.left ?? []).map((item) => [item.element, item.value]));
    const rights = new Map((shape.right ?? []).map((item) => [item.element, item.value]));
    for (const element of new Set([...lefts.keys(), ...rights.keys()])) {
      walkCompare(lefts.get(element), rights.get(element), shape.element, [...path, element], true, out);
    }
  }
  if (path.length === 0) return;
  if (left === undefined && (isItem || (shape.kind === 'struct' && shape.node.granular))) out.added.insert(path);
  else if (right === undefined) out.removed.insert(path);
}

/**
 * walkCompare of a value only `right` has (every field of a created object): the same outcome,
 * without pairing it with nothing at every node.
 */
function walkAdded(right: Json, node: SchemaNode, path: FieldPath, isItem: boolean, out: Comparison): void {
  if (right === null) return;
  const shape = isEmptyish(right) ? undefined : shapeOf(node, right, path, false);
  if (shape === undefined || shape.kind === 'leaf') {
    if (path.length > 0) out.added.insert(path);
    return;
  }
  if (shape.kind === 'struct') {
    for (const name of Object.keys(shape.value)) {
      const child = shape.value[name];
      if (child === undefined || child === null) continue;
      walkAdded(child, shape.node.field(name), [...path, fieldElement(name)], shape.node.granular, out);
    }
  } else {
    for (const item of shape.items) walkAdded(item.value, shape.element, [...path, item.element], true, out);
  }
  if (path.length > 0 && (isItem || (shape.kind === 'struct' && shape.node.granular))) out.added.insert(path);
}
