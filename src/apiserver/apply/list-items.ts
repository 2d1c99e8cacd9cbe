// The path element of each item of an associative list or set (typed/helpers.go
// listItemToPathElement). An applied configuration must index cleanly (upstream refuses it
// otherwise); a stored object that does not is treated as owning the list whole.

import { isJsonObject, type Json } from '../../api/patch/json-value.js';
import { keyElement, printElement, printPath, valueElement, type FieldPath, type PathElement } from './field-path.js';
import type { ListNode } from './schema.js';

export interface ListItem {
  readonly element: PathElement;
  readonly value: Json;
}

/** An applied configuration that does not fit the type (the message is upstream's). */
export class ApplyShapeError extends Error {}

function elementOf(node: ListNode, item: Json): PathElement | { readonly problem: string } {
  if (node.kind === 'set') {
    if (item === null) return { problem: "associative list without keys has an element that's an explicit null" };
    if (Array.isArray(item)) return { problem: 'not supported: associative list with lists as elements' };
    if (isJsonObject(item)) return { problem: "associative list without keys has an element that's a map type" };
    return valueElement(item);
  }
  if (item === null) return { problem: 'associative list with keys may not have a null element' };
  if (!isJsonObject(item)) return { problem: 'associative list with keys may not have non-map elements' };
  const keys: [string, Json][] = [];
  for (const name of node.keys) {
    const value = Object.hasOwn(item, name) ? item[name] : Object.hasOwn(node.defaults, name) ? node.defaults[name] : undefined;
    if (value === undefined) {
      return { problem: `associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)` };
    }
    keys.push([name, value]);
  }
  return keyElement(keys);
}

/**
 * The items of `list` with their path elements, or undefined when the list cannot be indexed
 * (then it is a leaf). With `strict`, that is an ApplyShapeError instead.
 */
export function indexList(node: ListNode, list: readonly Json[], path: FieldPath, strict: boolean): ListItem[] | undefined {
  const items: ListItem[] = [];
  const seen = new Set<PathElement>();
  for (const [index, value] of list.entries()) {
    const element = elementOf(node, value);
    if (typeof element !== 'string') {
      if (strict) throw new ApplyShapeError(`${printPath(path)}: element ${index}: ${element.problem}`);
      return undefined;
    }
    if (seen.has(element)) {
      if (strict) throw new ApplyShapeError(`${printPath(path)}: duplicate entries for key ${printElement(element)}`);
      return undefined;
    }
    seen.add(element);
    items.push({ element, value });
  }
  return items;
}
