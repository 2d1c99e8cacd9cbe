// The 409 an apply gets when it would change fields another manager owns (upstream's
// NewConflictError / getConflictMessage / printManager), one FieldManagerConflict cause per field.

import { ApiError } from '../../api/api-errors.js';
import { printPath, type FieldPath } from './field-path.js';
import type { FieldSet } from './field-set.js';
import type { ManagerEntry } from './managers.js';

export interface Conflict {
  /** The identity of the manager that owns the field (managerId). */
  readonly id: string;
  readonly entry: ManagerEntry;
  readonly path: FieldPath;
}

/** An apply's conflicts, before they become a Status (kubectl's own may still be forgiven). */
export class ApplyConflicts extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} apply conflicts`);
  }
}

/** `"kubectl" with subresource "scale" using apps/v1`: the manager as upstream names it. */
export function printManager(entry: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource !== undefined && entry.subresource !== '') text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  // The identity of an entry has no time, so upstream never prints the "at <time>" part.
  if (entry.operation === 'Update') text += ` using ${entry.apiVersion}`;
  return text;
}

/** The conflicts of each manager (by identity) as a flat list, managers in identity order. */
export function listConflicts(owners: ReadonlyMap<string, { readonly entry: ManagerEntry; readonly fields: FieldSet }>): Conflict[] {
  const out: Conflict[] = [];
  for (const id of [...owners.keys()].sort()) {
    const owner = owners.get(id);
    if (owner === undefined) continue;
    for (const path of owner.fields.paths()) out.push({ id, entry: owner.entry, path });
  }
  return out;
}

export function conflictError(conflicts: readonly Conflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.entry)}`, field: printPath(c.path) }));
  let message: string;
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(only.entry)}: ${printPath(only.path)}`;
  } else {
    const lines: string[] = [];
    let current: string | undefined;
    for (const c of conflicts) {
      if (c.id !== current) {
        current = c.id;
        lines.push(`conflicts with ${printManager(c.entry)}:`);
      }
      lines.push(`- ${printPath(c.path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
