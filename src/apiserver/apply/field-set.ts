// A set of field paths (fieldpath.Set): what one manager owns. A path is in the set when its last
// element is a member of the node its prefix leads to; the children only give the tree its shape
// and are never empty. Sets are immutable once built: the operations return new sets.
//
// The FieldsV1 encoding (managedFields[].fieldsV1) is a JSON object per node: each member or
// child element is a key; a member with no children is `{}`, and a member that also has children
// carries `".": {}` among them.

import { isJsonObject, type JsonObject } from '../../api/patch/json-value.js';
import { compareElements, FieldPathError, parseElement, type FieldPath, type PathElement } from './field-path.js';

export class FieldSet {
  private readonly members = new Set<PathElement>();
  private readonly children = new Map<PathElement, FieldSet>();

  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Adds a path. Only for sets being built; the root (an empty path) is not a path. */
  insert(path: FieldPath): void {
    if (path.length === 0) return;
    // Walks down by index: no copy of the path's rest at every level.
    let children = this.children;
    let members = this.members;
    for (let i = 0; i < path.length - 1; i++) {
      const element = path[i] as PathElement;
      let child = children.get(element);
      if (child === undefined) {
        child = new FieldSet();
        children.set(element, child);
      }
      children = child.children;
      members = child.members;
    }
    members.add(path[path.length - 1] as PathElement);
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  has(path: FieldPath): boolean {
    const last = path[path.length - 1];
    if (last === undefined) return false;
    return this.nodeAt(path.slice(0, -1))?.members.has(last) ?? false;
  }

  /** Whether some path of the set goes through `path` and further. */
  hasBelow(path: FieldPath): boolean {
    return path.length > 0 && this.nodeAt(path) !== undefined;
  }

  /** The paths below `path`, relative to it (fieldpath.Set.WithPrefix). */
  below(path: FieldPath): FieldSet {
    return this.nodeAt(path) ?? new FieldSet();
  }

  private nodeAt(path: FieldPath): FieldSet | undefined {
    const [first, ...rest] = path;
    if (first === undefined) return this;
    return this.children.get(first)?.nodeAt(rest);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of other.members) out.members.add(m);
    for (const [element, child] of this.children) {
      const theirs = other.children.get(element);
      out.children.set(element, theirs === undefined ? child : child.union(theirs));
    }
    for (const [element, child] of other.children) if (!out.children.has(element)) out.children.set(element, child);
    return out;
  }

  /** The paths of this set that are not in `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [element, child] of this.children) {
      const theirs = other.children.get(element);
      const rest = theirs === undefined ? child : child.difference(theirs);
      if (!rest.isEmpty()) out.children.set(element, rest);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) out.members.add(m);
    for (const [element, child] of this.children) {
      const theirs = other.children.get(element);
      if (theirs === undefined) continue;
      const both = child.intersection(theirs);
      if (!both.isEmpty()) out.children.set(element, both);
    }
    return out;
  }

  /** The paths of this set none of whose prefixes (nor themselves) is a path of `other`. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [element, child] of this.children) {
      if (other.members.has(element)) continue;
      const theirs = other.children.get(element);
      const rest = theirs === undefined ? child : child.recursiveDifference(theirs);
      if (!rest.isEmpty()) out.children.set(element, rest);
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(other.toFieldsV1());
  }

  /** Every path, in upstream's order: a node's members first, then its children. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: FieldSet, prefix: FieldPath): void => {
      for (const m of [...node.members].sort(compareElements)) out.push([...prefix, m]);
      for (const element of [...node.children.keys()].sort(compareElements)) {
        const child = node.children.get(element);
        if (child !== undefined) walk(child, [...prefix, element]);
      }
    };
    walk(this, []);
    return out;
  }

  /** The fieldsV1 form, with elements in upstream's order. */
  toFieldsV1(): JsonObject {
    return this.emit(false);
  }

  private emit(self: boolean): JsonObject {
    const out: JsonObject = {};
    if (self && !this.isEmpty()) out['.'] = {};
    const elements = [...this.members];
    for (const element of this.children.keys()) if (!this.members.has(element)) elements.push(element);
    for (const element of elements.sort(compareElements)) {
      const child = this.children.get(element);
      out[element] = child === undefined ? {} : child.emit(this.members.has(element));
    }
    return out;
  }

  /** Reads a fieldsV1 object; a FieldPathError says what is wrong with it. */
  static fromFieldsV1(value: unknown): FieldSet {
    if (!isJsonObject(value)) throw new FieldPathError('fieldsV1 must be a JSON object');
    return FieldSet.read(value);
  }

  private static read(value: JsonObject): FieldSet {
    const set = new FieldSet();
    for (const [key, inner] of Object.entries(value)) {
      if (key === '.') continue;
      if (!isJsonObject(inner)) throw new FieldPathError(`the value of ${key} in fieldsV1 must be an object`);
      const element = parseElement(key);
      const entries = Object.keys(inner);
      if (entries.length === 0 || entries.includes('.')) set.members.add(element);
      if (entries.some((k) => k !== '.')) {
        const child = FieldSet.read(inner);
        if (!child.isEmpty()) set.children.set(element, child);
      }
    }
    return set;
  }
}
