// Adds the strategic-merge metadata to the generated schemas, from the same tables the server's
// own strategic merge patch uses (src/api/patch/): x-kubernetes-patch-strategy and
// x-kubernetes-patch-merge-key, which `kubectl apply` reads to compute its patches, and the
// x-kubernetes-list-type / list-map-keys that go with them. The tables are keyed by Go type names
// that need not match the schema names (an EphemeralContainer merges as a Container), so the walk
// starts at each kind and follows the references, pairing every schema with its table entry.
import { BUILTIN_KINDS, BUILTIN_PATCH_META, groupKindKey, type FieldPatchMeta } from '../../../api/patch/patch-strategies.js';
import type { OpenApiSchema, SchemaMap } from '../schema-types.js';
import { V3_REF_PREFIX } from '../schema-types.js';

export interface KindDefinition {
  /** The schema's name, e.g. io.k8s.api.apps.v1.Deployment. */
  readonly definition: string;
  readonly group: string;
  readonly kind: string;
}

/**
 * Lists whose elements are identified by more than the patch merge key (upstream's +listMapKey
 * tags name both), keyed by table type and field.
 */
const LIST_MAP_KEYS: Readonly<Record<string, readonly string[]>> = {
  'Container.ports': ['containerPort', 'protocol'],
  'ServiceSpec.ports': ['port', 'protocol'],
  'PodSpec.topologySpreadConstraints': ['topologyKey', 'whenUnsatisfiable'],
};

/** Adds the extensions in place. Fails if one schema would need two different table entries. */
export function addPatchExtensions(schemas: SchemaMap, kinds: readonly KindDefinition[]): void {
  const tableTypeOf = new Map<string, string>();
  const queue: string[] = [];
  const assign = (definition: string, tableType: string, via: string): void => {
    if (!Object.hasOwn(BUILTIN_PATCH_META, tableType) || !Object.hasOwn(schemas, definition)) return;
    const known = tableTypeOf.get(definition);
    if (known === tableType) return;
    if (known !== undefined) throw new Error(`${definition} merges as ${known} and as ${tableType} (via ${via})`);
    tableTypeOf.set(definition, tableType);
    queue.push(definition);
  };
  for (const { definition, group, kind } of kinds) {
    const key = groupKindKey({ group, kind });
    const root = Object.hasOwn(BUILTIN_KINDS, key) ? BUILTIN_KINDS[key] : undefined;
    if (root !== undefined) assign(definition, root, kind);
  }
  for (let definition = queue.shift(); definition !== undefined; definition = queue.shift()) {
    const tableType = tableTypeOf.get(definition) ?? '';
    const fields = BUILTIN_PATCH_META[tableType] ?? {};
    for (const [name, property] of Object.entries(schemas[definition]?.properties ?? {})) {
      const meta = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (meta !== undefined) annotate(property, meta, `${tableType}.${name}`);
      const child = referenceOf(property);
      if (child !== undefined) assign(child, meta?.type ?? `${tableType}.${name}`, `${definition}.${name}`);
    }
  }
}

function annotate(property: OpenApiSchema, meta: FieldPatchMeta, tableField: string): void {
  const strategies = [...(meta.strategy === undefined ? [] : [meta.strategy]), ...(meta.retainKeys === true ? ['retainKeys'] : [])];
  if (strategies.length > 0) property['x-kubernetes-patch-strategy'] = strategies.join(',');
  if (meta.mergeKey !== undefined) property['x-kubernetes-patch-merge-key'] = meta.mergeKey;
  if (property.type !== 'array' || meta.strategy !== 'merge') return;
  if (meta.mergeKey === undefined) {
    property['x-kubernetes-list-type'] = 'set';
    return;
  }
  property['x-kubernetes-list-type'] = 'map';
  property['x-kubernetes-list-map-keys'] = [...(LIST_MAP_KEYS[tableField] ?? [meta.mergeKey])];
}

/** The schema a property refers to, directly, through allOf, or as the element of a list or map. */
function referenceOf(property: OpenApiSchema): string | undefined {
  const target = property.items ?? (typeof property.additionalProperties === 'object' ? property.additionalProperties : property);
  const ref = target.$ref ?? target.allOf?.[0]?.$ref;
  return ref?.startsWith(V3_REF_PREFIX) === true ? ref.slice(V3_REF_PREFIX.length) : undefined;
}
