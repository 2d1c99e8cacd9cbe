// The PATCH verb's entry point into this folder: from the request's Content-Type to the patch
// type (refusing, as kube-apiserver does, the types a resource does not accept) and from the body
// to the patched object. Server-side apply (application/apply-patch+yaml) is recognised here but
// applied elsewhere.

import { applyJsonPatch } from './json-patch.js';
import type { JsonObject } from './json-value.js';
import { applyMergePatch } from './merge-patch.js';
import { parsePatchBody } from './patch-body.js';
import { unsupportedPatchType } from './patch-error.js';
import { isStrategicMergePatchSupported, patchSchemaForKind, type GroupKind } from './patch-strategies.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** The media types a PATCH of this kind accepts, in the order kube-apiserver lists them. */
export function acceptedPatchContentTypes(groupKind: GroupKind): string[] {
  const types: PatchType[] = isStrategicMergePatchSupported(groupKind)
    ? ['json', 'merge', 'strategic', 'apply']
    : ['json', 'merge', 'apply'];
  return types.map((type) => PATCH_CONTENT_TYPES[type]);
}

/**
 * The patch type named by a Content-Type header (parameters such as charset ignored), or a 415
 * PatchError listing the accepted types: for an unknown media type, and for strategic merge patch
 * of a kind that is not built in (custom resources), as upstream answers both.
 */
export function resolvePatchType(contentType: string | undefined, groupKind: GroupKind): PatchType {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const accepted = acceptedPatchContentTypes(groupKind);
  const type = (Object.keys(PATCH_CONTENT_TYPES) as PatchType[]).find((t) => PATCH_CONTENT_TYPES[t] === mediaType);
  if (type === undefined || !accepted.includes(mediaType)) throw unsupportedPatchType(accepted);
  return type;
}

export interface ApplyPatchOptions {
  readonly type: Exclude<PatchType, 'apply'>;
  /** The object as stored; not modified. */
  readonly original: JsonObject;
  /** The raw request body. */
  readonly body: string | Uint8Array;
  /** Kind of the object patched (for a subresource, of the object the subresource speaks). */
  readonly groupKind: GroupKind;
}

/** The patched object, or a PatchError carrying the status kube-apiserver would answer. */
export function applyPatch(options: ApplyPatchOptions): JsonObject {
  const patch = parsePatchBody(options.body);
  switch (options.type) {
    case 'json':
      return applyJsonPatch(options.original, patch);
    case 'merge':
      return applyMergePatch(options.original, patch);
    case 'strategic': {
      const schema = patchSchemaForKind(options.groupKind);
      if (schema === undefined) throw unsupportedPatchType(acceptedPatchContentTypes(options.groupKind));
      return applyStrategicMergePatch(options.original, patch, schema);
    }
  }
}
