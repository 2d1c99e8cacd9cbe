// What the d.ts files cannot say: Go's integer widths and float fields (all are `number` in
// TypeScript), and the formats of the few aliased scalar types. Upstream takes these from the Go
// types; the lists here name the fields whose Go type is int64 or float64 (every other number is an
// int32), checked against the API reference of the served groups.
import type { OpenApiSchema } from '../schema-types.js';

/** Fields (by name, in any type) that are int64 in Go. */
const INT64_FIELDS = new Set([
  'activeDeadlineSeconds',
  'deletionGracePeriodSeconds',
  'expirationSeconds',
  'fsGroup',
  'generation',
  'gid',
  'gracePeriodSeconds',
  'observedGeneration',
  'remainingItemCount',
  'revision',
  'runAsGroup',
  'runAsUser',
  'seconds',
  'sizeBytes',
  'startingDeadlineSeconds',
  'supplementalGroups',
  'terminationGracePeriodSeconds',
  'tolerationSeconds',
  'uid',
]);

/** Fields (Type.field) that are float64 in Go. */
const FLOAT_FIELDS = new Set(['JSONSchemaProps.maximum', 'JSONSchemaProps.minimum', 'JSONSchemaProps.multipleOf']);

/** The schema of a `number` at `where` (Type.field). */
export function numberSchema(where: string): OpenApiSchema {
  if (FLOAT_FIELDS.has(where)) return { type: 'number', format: 'double' };
  const field = where.slice(where.lastIndexOf('.') + 1);
  return { type: 'integer', format: INT64_FIELDS.has(field) ? 'int64' : 'int32' };
}

/** Aliases of string with a meaning of their own; undefined for any other alias. */
export function aliasSchema(name: string): OpenApiSchema | undefined {
  switch (name) {
    case 'Time':
    case 'MicroTime':
      return { type: 'string', format: 'date-time' };
    case 'Quantity':
      // "1Gi" or 2 or 0.5. No `type`, as upstream's v3 schema: `kubectl explain` then names it
      // Quantity; v2.ts writes type: string.
      return { oneOf: [{ type: 'string' }, { type: 'number' }], 'x-kubernetes-int-or-string': true };
    default:
      return undefined;
  }
}

/** util/intstr.IntOrString, which the d.ts files inline as `number | string`. */
export const INT_OR_STRING_SCHEMA: OpenApiSchema = {
  description:
    'IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type. This allows you to have, for example, a JSON field that can accept a name or number.',
  format: 'int-or-string',
  oneOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
};
