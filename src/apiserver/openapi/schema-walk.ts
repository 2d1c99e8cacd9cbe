// Walks an object against its kind's schema the way upstream's JSON decoder reads it into the Go
// types: a value of the wrong JSON type is a decoding error, worded as Go's encoding/json words it
// ("cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
// a field the type does not declare is unknown, named by its path with list indices
// (spec.template.spec.containers[0].imagePolicy), and removed. null is accepted anywhere and
// becomes what Go decodes it to: the field left out, or the zero value inside a map.
import type { OpenApiSchema, SchemaMap } from './schema-types.js';
import { V3_REF_PREFIX } from './schema-types.js';

export interface WalkResult {
  /** Paths of the fields no schema declares; they have been deleted from the object. */
  readonly unknown: string[];
  /** Decoding errors, in encoding/json's words. */
  readonly typeErrors: string[];
}

/** Where a value sits: the Go struct holding the field, the field's path from the root (no list indices), and the JSON path. */
interface Field {
  readonly struct: string;
  readonly path: string;
  readonly jsonPath: string;
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const lastSegment = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

export function walkObject(object: Record<string, unknown>, definition: string, schemas: SchemaMap): WalkResult {
  const result: WalkResult = { unknown: [], typeErrors: [] };
  const root = schemas[definition];
  if (root !== undefined) visitFields(object, root, lastSegment(definition), { struct: lastSegment(definition), path: '', jsonPath: '' }, schemas, result);
  return result;
}

interface Resolved {
  readonly schema: OpenApiSchema;
  /** The definition the schema came from, when it was a reference. */
  readonly definition?: string;
}

function resolve(schema: OpenApiSchema, schemas: SchemaMap): Resolved {
  let current: Resolved = { schema };
  for (let depth = 0; depth < 16; depth++) {
    const s = current.schema;
    const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0]?.$ref : undefined);
    if (ref === undefined || !ref.startsWith(V3_REF_PREFIX)) return current;
    const definition = ref.slice(V3_REF_PREFIX.length);
    current = { schema: schemas[definition] ?? {}, definition };
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type of a value as encoding/json names it ("number 1.5" for a fraction where an integer goes). */
function jsonKind(value: unknown, integer: boolean): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return integer && !Number.isInteger(value) ? `number ${value}` : 'number';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'string' ? 'string' : 'object';
}

function fits(value: unknown, schema: OpenApiSchema): boolean {
  if (schema['x-kubernetes-int-or-string'] === true) return typeof value === 'number' || typeof value === 'string';
  switch (schema.type) {
    case undefined:
      return true;
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
  }
}

/** The Go type of a schema as Go prints it: int32, []v1.Container, map[string]string, resource.Quantity. */
function goType(schema: OpenApiSchema, schemas: SchemaMap): string {
  const { schema: s, definition } = resolve(schema, schemas);
  if (definition !== undefined) {
    const parts = definition.split('.');
    return `${parts[parts.length - 2] ?? ''}.${parts[parts.length - 1] ?? ''}`;
  }
  if (s.type === 'array') return `[]${s.items === undefined ? 'interface {}' : goType(s.items, schemas)}`;
  if (s.type === 'object') return typeof s.additionalProperties === 'object' ? `map[string]${goType(s.additionalProperties, schemas)}` : 'map[string]interface {}';
  if (s.type === 'integer') return s.format ?? 'int';
  if (s.type === 'number') return 'float64';
  if (s.type === 'boolean') return 'bool';
  return s.type ?? 'interface {}';
}

function zeroValue(schema: OpenApiSchema): string | number | boolean | undefined {
  if (schema.type === 'string') return '';
  if (schema.type === 'integer' || schema.type === 'number') return 0;
  if (schema.type === 'boolean') return false;
  return undefined;
}

function visit(value: unknown, schema: OpenApiSchema, field: Field, schemas: SchemaMap, result: WalkResult): void {
  if (value === null || value === undefined) return;
  const { schema: resolved, definition } = resolve(schema, schemas);
  if (!fits(value, resolved)) {
    const kind = jsonKind(value, resolved.type === 'integer');
    result.typeErrors.push(`json: cannot unmarshal ${kind} into Go struct field ${field.struct}.${field.path} of type ${goType(schema, schemas)}`);
    return;
  }
  if (Array.isArray(value)) {
    const items = resolved.items;
    if (items !== undefined) value.forEach((item, i) => visit(item, items, { ...field, jsonPath: `${field.jsonPath}[${i}]` }, schemas, result));
  } else if (isObject(value)) {
    visitFields(value, resolved, definition === undefined ? field.struct : lastSegment(definition), field, schemas, result);
  }
}

function visitFields(object: Record<string, unknown>, schema: OpenApiSchema, struct: string, field: Field, schemas: SchemaMap, result: WalkResult): void {
  const properties = schema.properties;
  if (properties !== undefined) {
    for (const key of Object.keys(object)) {
      const child: Field = { struct, path: join(field.path, key), jsonPath: join(field.jsonPath, key) };
      const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (property !== undefined && object[key] === null) {
        // Go decodes null into the zero value, which the JSON form omits.
        delete object[key];
      } else if (property === undefined) {
        result.unknown.push(child.jsonPath);
        delete object[key];
      } else {
        visit(object[key], property, child, schemas, result);
      }
    }
    return;
  }
  const additional = schema.additionalProperties;
  if (typeof additional === 'object') {
    for (const [key, value] of Object.entries(object)) {
      if (value === null) {
        // A null map value decodes to the zero value of the map's value type ("" for labels).
        const zero = zeroValue(resolve(additional, schemas).schema);
        if (zero === undefined) delete object[key];
        else object[key] = zero;
        continue;
      }
      visit(value, additional, { ...field, jsonPath: join(field.jsonPath, key) }, schemas, result);
    }
  }
  // An object schema with neither (RawExtension, FieldsV1) takes anything.
}
