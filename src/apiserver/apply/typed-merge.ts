// Merging an applied configuration into the live object (typed/merge.go) and removing what an
// applier stopped applying (merge/update.go prune, with typed/remove.go).

import { cloneJson, getField, isJsonObject, setField, type Json, type JsonObject } from '../../api/patch/json-value.js';
import { fieldElement, isFieldElement, type FieldPath, type PathElement } from './field-path.js';
import type { FieldSet } from './field-set.js';
import type { ListItem } from './list-items.js';
import type { SchemaNode, StructNode } from './schema.js';
import { pairShape, shapeOf } from './shape.js';

/** A copy of a configured value with its null map entries left out: null in a configuration unsets. */
function withoutNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) setField(out, key, withoutNulls(item));
  return out;
}

/**
 * The live object with the configuration merged in: fields the configuration sets take its
 * value, structs and maps merge field by field, associative lists and sets item by item (items
 * keep the configuration's order, and live-only items stay where they were), everything else
 * is replaced. A null in the configuration removes the field.
 */
export function mergeObjects(live: JsonObject, config: JsonObject, root: StructNode): JsonObject {
  const merged = walkMerge(live, config, root, []);
  return isJsonObject(merged ?? null) ? (merged as JsonObject) : {};
}

function walkMerge(left: Json | undefined, right: Json | undefined, node: SchemaNode, path: FieldPath): Json | undefined {
  if (right === undefined) return left === undefined ? undefined : cloneJson(left);
  if (right === null) return undefined;
  if (left === undefined) return withoutNulls(right);
  const shape = pairShape(node, left, right, path);
  if (shape.kind === 'leaf') return withoutNulls(right);
  if (shape.kind === 'struct') {
    const l = shape.left ?? {};
    const r = shape.right ?? {};
    const out: JsonObject = {};
    for (const name of Object.keys(l)) {
      const value = walkMerge(getField(l, name), getField(r, name), shape.node.field(name), [...path, fieldElement(name)]);
      if (value !== undefined) setField(out, name, value);
    }
    for (const name of Object.keys(r)) {
      if (Object.hasOwn(l, name)) continue;
      const value = walkMerge(undefined, getField(r, name), shape.node.field(name), [...path, fieldElement(name)]);
      if (value !== undefined) setField(out, name, value);
    }
    return out;
  }
  const out: Json[] = [];
  for (const [element, l, r] of mergeOrder(shape.left ?? [], shape.right ?? [])) {
    const value = walkMerge(l, r, shape.element, [...path, element]);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/**
 * The order of a merged list (typed/merge.go visitListItems): the items both sides have come in
 * the configuration's order; an item only the live side has stays after the item it followed; a
 * configured item the live side lacks comes where the configuration puts it.
 */
function mergeOrder(lhs: readonly ListItem[], rhs: readonly ListItem[]): [PathElement, Json | undefined, Json | undefined][] {
  const lhsValues = new Map(lhs.map((item) => [item.element, item.value]));
  const rhsValues = new Map(rhs.map((item) => [item.element, item.value]));
  const shared = rhs.filter((item) => lhsValues.has(item.element)).map((item) => item.element);
  let nextShared = 0;
  const out: [PathElement, Json | undefined, Json | undefined][] = [];
  const done = new Set<PathElement>();
  let l = 0;
  let r = 0;
  while (l < lhs.length || r < rhs.length) {
    const left = lhs[l];
    const right = rhs[r];
    if (left !== undefined && right !== undefined) {
      if (left.element === right.element) {
        out.push([left.element, left.value, right.value]);
        done.add(left.element);
        l++;
        r++;
        nextShared++;
        continue;
      }
      const wanted = shared[nextShared];
      if (rhsValues.has(left.element) && wanted !== undefined && wanted !== left.element) {
        l++;
        continue;
      }
    }
    if (left !== undefined) {
      if (!rhsValues.has(left.element)) {
        out.push([left.element, left.value, undefined]);
        l++;
        continue;
      }
      if (done.has(left.element)) {
        l++;
        continue;
      }
    }
    if (right !== undefined) {
      out.push([right.element, lhsValues.get(right.element), right.value]);
      done.add(right.element);
      r++;
      if (shared[nextShared] === right.element) nextShared++;
      continue;
    }
    // Only live items that the configuration also has, all merged already.
    l++;
  }
  return out;
}

/**
 * Removes from `value` what the applier applied last time (`last`) and no manager, the applier's
 * new configuration included (`owned`), claims now. A struct field counts as claimed when a
 * claimed path runs through it; a list item or map entry only when it is claimed itself. What
 * an applier never applied stays, so defaults and other writers' fields are kept. A map or list
 * left empty by the removal goes too.
 */
export function pruneObject(value: JsonObject, last: FieldSet, owned: FieldSet, root: StructNode): JsonObject {
  if (last.isEmpty()) return value;
  const pruned = walkPrune(value, root, [], last, owned);
  return isJsonObject(pruned ?? null) ? (pruned as JsonObject) : {};
}

function claimed(set: FieldSet, path: FieldPath): boolean {
  const last = path[path.length - 1];
  return set.has(path) || (last !== undefined && isFieldElement(last) && set.hasBelow(path));
}

function walkPrune(value: Json, node: SchemaNode, path: FieldPath, last: FieldSet, owned: FieldSet): Json | undefined {
  const shape = shapeOf(node, value, path, false);
  if (shape.kind === 'leaf') return value;
  let removed = false;
  const keep = (childPath: FieldPath, child: Json, childNode: SchemaNode): Json | undefined => {
    if (claimed(last, childPath) && !claimed(owned, childPath)) return undefined;
    if (!last.hasBelow(childPath)) return child;
    return walkPrune(child, childNode, childPath, last, owned);
  };
  if (shape.kind === 'struct') {
    const out: JsonObject = {};
    for (const [name, child] of Object.entries(shape.value)) {
      const kept = keep([...path, fieldElement(name)], child, shape.node.field(name));
      if (kept === undefined) removed = true;
      else setField(out, name, kept);
    }
    return removed && Object.keys(out).length === 0 && path.length > 0 ? undefined : out;
  }
  const out: Json[] = [];
  for (const item of shape.items) {
    const kept = keep([...path, item.element], item.value, shape.element);
    if (kept === undefined) removed = true;
    else out.push(kept);
  }
  return removed && out.length === 0 ? undefined : out;
}
