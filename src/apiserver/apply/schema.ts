// The shape server-side apply sees in an object: which lists are associative (keyed by which
// fields), which are sets of scalars, which maps or structs are owned whole. Upstream reads this
// from the OpenAPI extensions of the built-in types (x-kubernetes-list-type, -list-map-keys,
// -map-type, falling back to patchStrategy/patchMergeKey); here it comes from the strategic merge
// table (patch-strategies*.ts) plus the few places where the list-map keys or atomicity differ.
// Kinds the table does not know get upstream's deduced schema: maps are granular, lists atomic.

import type { Json } from '../../api/patch/json-value.js';
import { patchSchemaForKind, type GroupKind, type PatchSchema } from '../../api/patch/patch-strategies.js';

/** A value owned and replaced as a whole: a scalar, an atomic list, an atomic map or struct. */
export interface LeafNode {
  readonly kind: 'leaf';
}

/** An object whose fields are owned one by one; when the value is not an object, it is a leaf. */
export interface StructNode {
  readonly kind: 'struct';
  /** A map (labels, data, ...) rather than a struct: its entries are always members. */
  readonly granular: boolean;
  field(name: string): SchemaNode;
}

/** A list of scalars owned item by item (x-kubernetes-list-type: set): `v:` elements. */
export interface SetNode {
  readonly kind: 'set';
}

/** An associative list (x-kubernetes-list-type: map): `k:` elements built from the key fields. */
export interface KeyedNode {
  readonly kind: 'keyed';
  readonly keys: readonly string[];
  /** Defaults of key fields an item may leave out (protocol: TCP). */
  readonly defaults: Readonly<Record<string, Json>>;
  readonly element: SchemaNode;
}

export type SchemaNode = LeafNode | StructNode | SetNode | KeyedNode;
export type ListNode = SetNode | KeyedNode;

export const LEAF: LeafNode = { kind: 'leaf' };

/** Upstream's deduced schema: every object a granular map, every list atomic. */
export const DEDUCED: StructNode = { kind: 'struct', granular: true, field: () => DEDUCED };

/**
 * Fields that are atomic wherever they appear in a built-in type (+structType=atomic or
 * +mapType=atomic upstream): label selectors, node selectors and the env source references.
 */
const ATOMIC_FIELDS: ReadonlySet<string> = new Set([
  'selector',
  'podSelector',
  'nodeSelector',
  'labelSelector',
  'namespaceSelector',
  'requiredDuringSchedulingIgnoredDuringExecution',
  'configMapKeyRef',
  'secretKeyRef',
  'fieldRef',
  'resourceFieldRef',
  'configMapRef',
  'secretRef',
]);

/** Fields of built-in types that are maps (not structs): string maps and quantity maps. */
const GRANULAR_MAPS: ReadonlySet<string> = new Set([
  'labels',
  'annotations',
  'data',
  'binaryData',
  'stringData',
  'limits',
  'requests',
  'capacity',
  'allocatable',
  'hard',
  'used',
  'matchLabels',
  'volumeAttributes',
  'parameters',
]);

interface ListOverride {
  readonly keys: readonly string[];
  readonly defaults?: Readonly<Record<string, Json>>;
}

/**
 * Associative lists whose x-kubernetes-list-map-keys are not just the patch merge key. Keyed by
 * the type name the strategic merge table gives the list's parent, then the field.
 */
const LIST_OVERRIDES: Readonly<Record<string, ListOverride>> = {
  'Container.ports': { keys: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } },
  'ServiceSpec.ports': { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } },
  'PodSpec.topologySpreadConstraints': { keys: ['topologyKey', 'whenUnsatisfiable'] },
};

/** Associative lists whose items are atomic structs (OwnerReference, LocalObjectReference, ...). */
const ATOMIC_ITEMS: ReadonlySet<string> = new Set(['ObjectMeta.ownerReferences', 'PodSpec.imagePullSecrets', 'ServiceAccount.secrets']);

function structOf(schema: PatchSchema): StructNode {
  // Built once per field: the schema is walked on every write.
  const fields = new Map<string, SchemaNode>();
  return {
    kind: 'struct',
    granular: false,
    field: (name) => {
      let node = fields.get(name);
      if (node === undefined) {
        node = fieldOf(schema, name);
        fields.set(name, node);
      }
      return node;
    },
  };
}

function fieldOf(parent: PatchSchema, name: string): SchemaNode {
  const field = parent.field(name);
  const qualified = `${parent.name}.${name}`;
  if (ATOMIC_FIELDS.has(name)) return LEAF;
  if (field.strategy === 'merge') {
    if (field.mergeKey === undefined) return { kind: 'set' };
    const override = Object.hasOwn(LIST_OVERRIDES, qualified) ? LIST_OVERRIDES[qualified] : undefined;
    return {
      kind: 'keyed',
      keys: override?.keys ?? [field.mergeKey],
      defaults: override?.defaults ?? {},
      element: ATOMIC_ITEMS.has(qualified) ? LEAF : structOf(field.schema),
    };
  }
  // Values of these maps are scalars; an object among them (never in a built-in type) is deduced.
  if (GRANULAR_MAPS.has(name)) return DEDUCED;
  return structOf(field.schema);
}

/** The schema of objects of this kind: the built-in table's, or the deduced one. */
export function schemaForKind(groupKind: GroupKind): StructNode {
  const key = `${groupKind.group}/${groupKind.kind}`;
  let schema = schemasByKind.get(key);
  if (schema === undefined) {
    const patchSchema = patchSchemaForKind(groupKind);
    schema = patchSchema === undefined ? DEDUCED : structOf(patchSchema);
    schemasByKind.set(key, schema);
  }
  return schema;
}

const schemasByKind = new Map<string, StructNode>();
