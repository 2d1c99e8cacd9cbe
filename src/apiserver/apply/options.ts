// The write options that concern field management: ?fieldManager= (checked as upstream's
// ValidateFieldManager), the manager a write without one is recorded under (upstream derives it
// from the User-Agent: "kubectl/v1.33.1 (linux/amd64) ..." → "kubectl"), and ?force=.

import { invalid, type FieldCause } from '../../api/api-errors.js';

export const FIELD_MANAGER_MAX_LENGTH = 128;

/** Printable as Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols, ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** upstream prefixFromUserAgent: up to the first "/", printable characters only, at most 128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/', 1)[0] ?? '';
  let out = '';
  for (const char of prefix) {
    if (!PRINTABLE.test(char)) continue;
    if (Buffer.byteLength(out + char, 'utf8') > FIELD_MANAGER_MAX_LENGTH) break;
    out += char;
  }
  return out;
}

/** upstream ValidateFieldManager: at most 128 bytes, printable characters only. */
export function fieldManagerProblems(manager: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (Buffer.byteLength(manager, 'utf8') > FIELD_MANAGER_MAX_LENGTH) {
    causes.push({ reason: 'FieldValueTooLong', field: 'fieldManager', message: `fieldManager: Too long: may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` });
  }
  let position = 0;
  for (const char of manager) {
    if (!PRINTABLE.test(char)) {
      const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'fieldManager',
        message: `fieldManager: Invalid value: ${JSON.stringify(manager)}: invalid character ${code} (at position ${position})`,
      });
    }
    position += Buffer.byteLength(char, 'utf8');
  }
  return causes;
}

export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

/**
 * The manager a create, update or non-apply patch is recorded under: ?fieldManager= when given
 * (422 when it is not a valid one), otherwise the User-Agent's prefix.
 */
export function writeManager(query: URLSearchParams, userAgent: string | undefined, kind: WriteOptionsKind): string {
  const given = query.get('fieldManager') ?? '';
  const causes = fieldManagerProblems(given);
  if (causes.length > 0) throw invalid(kind, 'meta.k8s.io', '', causes);
  return given === '' ? managerFromUserAgent(userAgent) : given;
}

/** ?force= as Kubernetes decodes a query boolean: present and not "0" or "false" means true. */
export function forceOption(query: URLSearchParams): boolean | undefined {
  const value = query.get('force');
  if (value === null) return undefined;
  return value !== '0' && value.toLowerCase() !== 'false';
}

/** PatchOptions for a patch: the manager and force, checked as upstream's ValidatePatchOptions. */
export function patchOptions(query: URLSearchParams, userAgent: string | undefined, isApply: boolean): { manager: string; force: boolean } {
  const manager = query.get('fieldManager') ?? '';
  const force = forceOption(query);
  const causes: FieldCause[] = [];
  if (!isApply && force !== undefined) {
    causes.push({ reason: 'FieldValueForbidden', field: 'force', message: 'force: Forbidden: may not be specified for non-apply patch' });
  }
  if (isApply && manager === '') {
    causes.push({ reason: 'FieldValueRequired', field: 'fieldManager', message: 'fieldManager: Required value: is required for apply patch' });
  }
  causes.push(...fieldManagerProblems(manager));
  if (causes.length > 0) throw invalid('PatchOptions', 'meta.k8s.io', '', causes);
  return { manager: manager === '' ? managerFromUserAgent(userAgent) : manager, force: force ?? false };
}
