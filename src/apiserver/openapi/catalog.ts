// The generated schemas as the server serves them: with x-kubernetes-group-version-kind on every
// kind the registry serves (kubectl explain finds a kind's schema by it), and cut down to what
// one document references.
import type { ResourceDescriptor } from '../registry/resource.js';
import { definitionNameOf } from './naming.js';
import type { GroupVersionKindExtension, OpenApiSchema, SchemaFile, SchemaMap } from './schema-types.js';
import { V3_REF_PREFIX } from './schema-types.js';
import schemaFile from './schemas.json' with { type: 'json' };
import { subresourceBodyKinds } from './subresources.js';

/** schemas.json, written by generator/main.ts from kubernetes-types. */
export const GENERATED_SCHEMAS: SchemaFile = schemaFile as unknown as SchemaFile;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** A copy of the schemas with the group-version-kinds of the served kinds. */
export function servedSchemas(file: SchemaFile, descriptors: readonly ResourceDescriptor[]): SchemaMap {
  const kinds = new Map<string, GroupVersionKindExtension[]>();
  const add = (definition: string, gvk: GroupVersionKindExtension): void => {
    const list = kinds.get(definition) ?? [];
    if (!list.some((k) => k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind)) list.push(gvk);
    kinds.set(definition, list);
  };
  for (const d of descriptors) {
    for (const kind of [d.kind, d.listKind]) add(definitionNameOf(d.group, d.version, kind), { group: d.group, kind, version: d.version });
    for (const sub of subresourceBodyKinds(d)) add(definitionNameOf(sub.group, sub.version, sub.kind), { group: sub.group, kind: sub.kind, version: sub.version });
    // Every group version accepts these meta types as its own, as upstream registers them.
    for (const kind of ['DeleteOptions', 'WatchEvent']) add(`${META}.${kind}`, { group: d.group, kind, version: d.version });
  }
  add(`${META}.Status`, { group: '', kind: 'Status', version: 'v1' });
  const schemas: SchemaMap = {};
  for (const [name, schema] of Object.entries(file.schemas)) {
    const gvks = kinds.get(name);
    schemas[name] = gvks === undefined ? schema : { ...schema, 'x-kubernetes-group-version-kind': gvks.sort(compareGvk) };
  }
  return schemas;
}

function compareGvk(a: GroupVersionKindExtension, b: GroupVersionKindExtension): number {
  const key = (k: GroupVersionKindExtension): string => `${k.group}/${k.version}/${k.kind}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** Stands in for a type the generator did not emit (a resource added since): accepts any object. */
function missingSchema(name: string): OpenApiSchema {
  return {
    description: `No schema was generated for ${name}: run generator/main.ts to regenerate schemas.json.`,
    type: 'object',
  };
}

/** The schemas `document` refers to, directly or through other schemas, sorted by name. */
export function referencedSchemas(document: unknown, schemas: SchemaMap): SchemaMap {
  const found = new Map<string, OpenApiSchema>();
  const pending: unknown[] = [document];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      pending.push(...(value as unknown[]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string' && child.startsWith(V3_REF_PREFIX)) {
          const name = child.slice(V3_REF_PREFIX.length);
          if (found.has(name)) continue;
          const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
          found.set(name, schema ?? missingSchema(name));
          if (schema !== undefined) pending.push(schema);
        } else {
          pending.push(child);
        }
      }
    }
  }
  return Object.fromEntries([...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
