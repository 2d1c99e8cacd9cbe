// The per-type metadata strategic merge patch needs: for each field of each built-in type, whether
// its list merges element-wise (and by which key) or is replaced whole, whether it honours
// retainKeys, and the type of its value, so the merge can walk from a kind into nested fields.
// Upstream reads this from Go struct tags (patchStrategy, patchMergeKey); here it is a table keyed
// by type name (patch-strategies-core.ts, patch-strategies-groups.ts). Kubernetes decides whether a
// resource accepts strategic merge patch by whether it is a compiled-in type, so custom resources
// are refused: isStrategicMergePatchSupported mirrors that with the kinds the table knows.

import { CORE_KINDS, CORE_PATCH_META } from './patch-strategies-core.js';
import { GROUP_KINDS, GROUP_PATCH_META } from './patch-strategies-groups.js';
import type { PatchMetaTable, PatchStrategy } from './patch-meta.js';

export type { FieldPatchMeta, PatchMetaTable, PatchStrategy, StructPatchMeta } from './patch-meta.js';

/** One step of the walk through a type: what the merge needs to know about a field. */
export interface FieldPatch {
  readonly strategy: PatchStrategy | undefined;
  readonly retainKeys: boolean;
  readonly mergeKey: string | undefined;
  /** The schema of the field's value (for a list: of its elements). */
  readonly schema: PatchSchema;
}

export interface PatchSchema {
  /** The type's name, as upstream's error messages name it. */
  readonly name: string;
  field(name: string): FieldPatch;
}

export interface GroupKind {
  /** "" for the core group. */
  readonly group: string;
  readonly kind: string;
}

/** Merged table of every built-in type the API server serves. */
export const BUILTIN_PATCH_META: PatchMetaTable = { ...CORE_PATCH_META, ...GROUP_PATCH_META };

/** GroupKind key (see groupKindKey) of each built-in kind → its root type in BUILTIN_PATCH_META. */
export const BUILTIN_KINDS: Readonly<Record<string, string>> = { ...CORE_KINDS, ...GROUP_KINDS };

/** Kubernetes' GroupKind.String(): "Deployment.apps", or just "Pod" for the core group. */
export function groupKindKey(groupKind: GroupKind): string {
  return groupKind.group === '' ? groupKind.kind : `${groupKind.kind}.${groupKind.group}`;
}

export function isStrategicMergePatchSupported(groupKind: GroupKind): boolean {
  return Object.hasOwn(BUILTIN_KINDS, groupKindKey(groupKind));
}

/** The schema to strategic-merge an object of this kind with, or undefined for unknown kinds. */
export function patchSchemaForKind(groupKind: GroupKind): PatchSchema | undefined {
  const key = groupKindKey(groupKind);
  const type = Object.hasOwn(BUILTIN_KINDS, key) ? BUILTIN_KINDS[key] : undefined;
  return type === undefined ? undefined : patchSchemaFromTable(BUILTIN_PATCH_META, type);
}

/**
 * A schema that walks `table` from `typeName`. Fields the table does not list have no strategy:
 * their maps still merge recursively and their lists are replaced, as for untagged Go fields.
 */
export function patchSchemaFromTable(table: PatchMetaTable, typeName: string): PatchSchema {
  // Schemas are walked on every write: each type's schema and each of its fields is built once.
  let schemas = schemasByTable.get(table);
  if (schemas === undefined) {
    schemas = new Map();
    schemasByTable.set(table, schemas);
  }
  let schema = schemas.get(typeName);
  if (schema === undefined) {
    schema = buildPatchSchema(table, typeName);
    schemas.set(typeName, schema);
  }
  return schema;
}

const schemasByTable = new WeakMap<PatchMetaTable, Map<string, PatchSchema>>();

function buildPatchSchema(table: PatchMetaTable, typeName: string): PatchSchema {
  const fields = Object.hasOwn(table, typeName) ? table[typeName] : undefined;
  const known = new Map<string, FieldPatch>();
  return {
    name: typeName,
    field(name: string): FieldPatch {
      let field = known.get(name);
      if (field === undefined) {
        const meta = fields !== undefined && Object.hasOwn(fields, name) ? fields[name] : undefined;
        field = {
          strategy: meta?.strategy,
          retainKeys: meta?.retainKeys ?? false,
          mergeKey: meta?.mergeKey,
          schema: patchSchemaFromTable(table, meta?.type ?? `${typeName}.${name}`),
        };
        known.set(name, field);
      }
      return field;
    },
  };
}
