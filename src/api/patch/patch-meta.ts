// The vocabulary of the strategic-merge tables: one entry per field carrying a struct tag upstream,
// and shorthands named after the tags so a table line reads like the Go field it stands for.

export type PatchStrategy = 'merge' | 'replace';

/** What upstream's struct tags say about one field. A field absent from the table has none. */
export interface FieldPatchMeta {
  /** patchStrategy "merge": a list merges element-wise; "replace": a map is replaced whole. */
  readonly strategy?: PatchStrategy;
  /** patchStrategy "...,retainKeys": clients send $retainKeys for it (the server honours it anywhere). */
  readonly retainKeys?: boolean;
  /** patchMergeKey: the element field that identifies an element of a merged list of objects. */
  readonly mergeKey?: string;
  /** The type of the value, or of each element of a list: a key of the same table. */
  readonly type?: string;
}

export type StructPatchMeta = Readonly<Record<string, FieldPatchMeta>>;
export type PatchMetaTable = Readonly<Record<string, StructPatchMeta>>;

// Shorthands for the tables, named after the struct tags they stand for.

/** patchStrategy:"merge" patchMergeKey:"<key>" on a list of `type`. */
export function mergeByKey(mergeKey: string, type?: string): FieldPatchMeta {
  return type === undefined ? { strategy: 'merge', mergeKey } : { strategy: 'merge', mergeKey, type };
}

/** patchStrategy:"merge,retainKeys" patchMergeKey:"<key>". */
export function mergeByKeyRetainKeys(mergeKey: string, type?: string): FieldPatchMeta {
  return { ...mergeByKey(mergeKey, type), retainKeys: true };
}

/** patchStrategy:"merge" on a list of strings: a set union, with $deleteFromPrimitiveList to remove. */
export const MERGE_PRIMITIVES: FieldPatchMeta = { strategy: 'merge' };

/** No strategy of its own, but a struct whose fields have some. */
export function struct(type: string): FieldPatchMeta {
  return { type };
}

/** The fields of a top-level object with metadata, and optionally spec and status, of these types. */
export function topLevel(spec?: string, status?: string): StructPatchMeta {
  const fields: Record<string, FieldPatchMeta> = { metadata: struct('ObjectMeta') };
  if (spec !== undefined) fields['spec'] = struct(spec);
  if (status !== undefined) fields['status'] = struct(status);
  return fields;
}
