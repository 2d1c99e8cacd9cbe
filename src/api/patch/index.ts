// The patch logic of the PATCH verb: pure functions from (stored object, request body) to the
// patched object or a PatchError.

export { acceptedPatchContentTypes, applyPatch, PATCH_CONTENT_TYPES, resolvePatchType } from './apply-patch.js';
export type { ApplyPatchOptions, PatchType } from './apply-patch.js';
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export type { Json, JsonObject } from './json-value.js';
export { applyMergePatch } from './merge-patch.js';
export { parsePatchBody } from './patch-body.js';
export { isPatchError, PatchError } from './patch-error.js';
export type { PatchErrorCause, PatchErrorReason } from './patch-error.js';
export {
  BUILTIN_KINDS,
  BUILTIN_PATCH_META,
  groupKindKey,
  isStrategicMergePatchSupported,
  patchSchemaForKind,
  patchSchemaFromTable,
} from './patch-strategies.js';
export type {
  FieldPatch,
  FieldPatchMeta,
  GroupKind,
  PatchMetaTable,
  PatchSchema,
  PatchStrategy,
  StructPatchMeta,
} from './patch-strategies.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
