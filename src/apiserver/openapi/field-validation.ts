// Server-side field validation (?fieldValidation=Strict|Warn|Ignore) from the served schemas:
// upstream's decoder fails on values of the wrong type, drops the fields a kind does not declare,
// and by the directive fails the request (Strict: what kubectl sends by default), warns (Warn: the
// default) or says nothing. The handlers call checkFields on the object they are about to store
// (for a patch: the patched object), before defaulting.
import { ApiError, badRequest } from '../../api/api-errors.js';
import type { Registry } from '../registry/registry.js';
import { openApiDocuments } from './documents.js';
import { definitionNameOf } from './naming.js';
import { walkObject } from './schema-walk.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

const DIRECTIVES: readonly FieldValidation[] = ['Ignore', 'Warn', 'Strict'];

/** The directive of a request: its fieldValidation parameter, Warn when absent. */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation');
  if (value === null || value === '') return 'Warn';
  const directive = DIRECTIVES.find((d) => d === value);
  if (directive === undefined) throw badRequest(`fieldValidation parameter unsupported: ${JSON.stringify(value)} (use Ignore, Warn or Strict)`);
  return directive;
}

export interface KindRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/**
 * Checks `object` against its kind's schema as upstream's decoder would: a field of the wrong
 * JSON type fails the request (400, whatever the directive, as upstream's decoding error); the
 * fields the kind does not declare are removed, in place, and by the directive fail the request
 * (Strict, naming them all), come back as warnings to send as `Warning: 299` headers (Warn; see
 * warningHeaders) or are dropped silently (Ignore). Kinds without a schema are left alone.
 */
export function checkFields(registry: Registry, kind: KindRef, object: unknown, directive: FieldValidation): string[] {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return [];
  const { unknown, typeErrors } = walkObject(object as Record<string, unknown>, definitionNameOf(kind.group, kind.version, kind.kind), openApiDocuments(registry).schemas);
  const cannot = `${kind.kind} in version ${JSON.stringify(kind.version)} cannot be handled as a ${kind.kind}`;
  // encoding/json stops at the first error it meets.
  if (typeErrors[0] !== undefined) throw badRequest(`${cannot}: ${typeErrors[0]}`);
  if (unknown.length === 0 || directive === 'Ignore') return [];
  const problems = unknown.map((path) => `unknown field ${JSON.stringify(path)}`);
  if (directive === 'Strict') throw new ApiError(400, 'BadRequest', `${cannot}: strict decoding error: ${problems.join(', ')}`);
  return problems;
}

/** Warning header values (RFC 7234, code 299, as upstream sends them) for some warnings. */
export function warningHeaders(warnings: readonly string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}
