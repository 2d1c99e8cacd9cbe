// The patch client-side apply sends, as kubectl computes it (strategicpatch.CreateThreeWayMergePatch):
// original is what was applied last time (the last-applied annotation), modified is the file now,
// current is the live object. The patch is what changed from current to modified, leaving alone
// what others added (no deletions), plus the deletions from original to modified (only what this
// file itself once set). Edit uses the two-way form: everything from original to modified.
import { isJsonObject, type Json, type JsonObject } from '../../api/patch/json-value.js';
import { patchSchemaForKind, type PatchSchema } from '../../api/patch/patch-strategies.js';
import { diffMaps, DIRECTIVE, RETAIN_KEYS, SET_ELEMENT_ORDER } from './strategic-diff.js';

/** A schema without strategies: the diff is then a JSON merge patch (kinds without strategies). */
const NO_STRATEGIES: PatchSchema = {
  name: 'unstructured',
  field: () => ({ strategy: undefined, retainKeys: false, mergeKey: undefined, schema: NO_STRATEGIES }),
};

export interface PatchPlan {
  readonly patch: JsonObject;
  /** strategic for built-in kinds, merge for the rest (custom resources), as kubectl chooses. */
  readonly type: 'strategic' | 'merge';
}

function schemaFor(apiVersion: string, kind: string): { schema: PatchSchema; type: 'strategic' | 'merge' } {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const schema = patchSchemaForKind({ group, kind });
  return schema === undefined ? { schema: NO_STRATEGIES, type: 'merge' } : { schema, type: 'strategic' };
}

export function threeWayPatch(original: JsonObject, modified: JsonObject, current: JsonObject, apiVersion: string, kind: string): PatchPlan {
  const { schema, type } = schemaFor(apiVersion, kind);
  const strategic = type === 'strategic';
  const delta = diffMaps(current, modified, schema, { ignoreDeletions: true, setElementOrder: strategic });
  const deletions = diffMaps(original, modified, schema, { ignoreChangesAndAdditions: true, setElementOrder: strategic });
  return { patch: mergePatches(deletions, delta, schema), type };
}

export function twoWayPatch(original: JsonObject, modified: JsonObject, apiVersion: string, kind: string): PatchPlan {
  const { schema, type } = schemaFor(apiVersion, kind);
  return { patch: diffMaps(original, modified, schema, { setElementOrder: type === 'strategic' }), type };
}

/**
 * Merges patch `b` into patch `a` (upstream's mergeMap without MergeParallelList): directives are
 * carried over as they are, merge lists are merged by key, everything else is taken from `b`.
 */
export function mergePatches(a: JsonObject, b: JsonObject, schema: PatchSchema): JsonObject {
  for (const [key, value] of Object.entries(b)) {
    if (key === RETAIN_KEYS || key.startsWith(`${SET_ELEMENT_ORDER}/`) || key.startsWith('$deleteFromPrimitiveList/')) {
      if (!Object.hasOwn(a, key)) a[key] = value;
      continue;
    }
    const existing = Object.hasOwn(a, key) ? a[key] : undefined;
    if (value === null || existing === undefined || existing === null) {
      a[key] = value;
      continue;
    }
    const field = schema.field(key);
    if (isJsonObject(existing) && isJsonObject(value)) {
      a[key] = field.strategy === 'replace' ? value : mergePatches(existing, value, field.schema);
    } else if (Array.isArray(existing) && Array.isArray(value) && field.strategy === 'merge') {
      a[key] = mergeLists(existing, value, field.mergeKey, field.schema);
    } else {
      a[key] = value;
    }
  }
  return a;
}

function mergeLists(a: Json[], b: Json[], mergeKey: string | undefined, schema: PatchSchema): Json[] {
  if (mergeKey === undefined || !b.some((element) => isJsonObject(element))) {
    const merged = [...a];
    for (const element of b) if (!merged.some((m) => m === element)) merged.push(element);
    return merged;
  }
  const merged = [...a];
  for (const element of b) {
    if (!isJsonObject(element) || Object.hasOwn(element, DIRECTIVE)) {
      merged.push(element);
      continue;
    }
    const index = merged.findIndex((m) => isJsonObject(m) && m[mergeKey] === element[mergeKey]);
    const match = merged[index];
    if (index >= 0 && isJsonObject(match)) merged[index] = mergePatches({ ...match }, element, schema);
    else merged.push(element);
  }
  return merged;
}
