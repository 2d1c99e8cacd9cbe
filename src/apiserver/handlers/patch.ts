// patch: JSON patch, merge patch, strategic merge patch (built-in kinds) and server-side apply
// (handlers/apply.ts). The patched object goes through the same update rules as a PUT, and the
// write is recorded in managedFields under the request's field manager (?fieldManager=, else the
// User-Agent's prefix), so that later applies see who set what.
import { ApiError, conflict } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import { recordUpdate } from '../apply/field-manager.js';
import { patchOptions } from '../apply/options.js';
import { readBody, mediaType } from '../http/body.js';
import { checkFields, fieldValidationOf, warningHeaders } from '../openapi/index.js';
import { writeJson } from '../http/responses.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import type { JsonObject } from '../../api/patch/json-value.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { parsePatchBody } from '../../api/patch/patch-body.js';
import { isPatchError, unsupportedPatchType } from '../../api/patch/patch-error.js';
import { patchSchemaForKind } from '../../api/patch/patch-strategies.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge-patch.js';
import { isDryRun, type Handler } from './context.js';
import { parseApplyBody, serveApply } from './apply.js';
import { asObjectOf } from './object-meta.js';
import { writeUpdate } from './update.js';

export { parseApplyBody } from './apply.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

function acceptedTypes(group: string, kind: string): string[] {
  const types = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
  if (patchSchemaForKind({ group, kind }) !== undefined) types.splice(2, 0, STRATEGIC_MERGE_PATCH);
  return types;
}

/**
 * Applies a patch document of `type` to `original` (which is not changed); errors become Status.
 * An apply patch here merges like a strategic merge patch (the scale subresource's use); the
 * PATCH verb sends apply patches through the field manager instead.
 */
export function applyPatch(type: string, original: KubeObject, body: Buffer, kind: string, group = ''): KubeObject {
  try {
    const target = original as unknown as JsonObject;
    switch (type) {
      case JSON_PATCH:
        return applyJsonPatch(target, parsePatchBody(body));
      case MERGE_PATCH:
        return applyMergePatch(target, parsePatchBody(body));
      case STRATEGIC_MERGE_PATCH:
      case APPLY_PATCH: {
        const schema = patchSchemaForKind({ group, kind });
        const patch = type === APPLY_PATCH ? parseApplyBody(body) : parsePatchBody(body);
        if (schema === undefined) {
          if (type === APPLY_PATCH) return applyMergePatch(target, patch);
          throw unsupportedPatchType(acceptedTypes(group, kind));
        }
        return applyStrategicMergePatch(target, patch, schema);
      }
      default:
        throw unsupportedPatchType(acceptedTypes(group, kind));
    }
  } catch (error) {
    if (isPatchError(error)) {
      throw new ApiError(error.code, error.reason, error.message, error.causes.length > 0 ? { causes: [...error.causes] } : undefined, { cause: error });
    }
    throw error;
  }
}

export const patchHandler: Handler = async (context) => {
  const { descriptor } = context.resource;
  const type = mediaType(context.request);
  const body = await readBody(context.request);
  const options = patchOptions(context.query, context.request.headers['user-agent'], type === APPLY_PATCH);
  const validation = fieldValidationOf(context.query);
  // An unknown dryRun directive is refused before anything is done, as PatchOptions.
  isDryRun(context.query, 'PatchOptions');
  if (type === APPLY_PATCH) {
    await serveApply(context, body, { ...options, validation });
    return;
  }
  const subresource = context.info.subresource;
  let warnings: string[] = [];
  const updated = await writeUpdate(context, (current) => {
    // The result must still be an object of this resource: a patch cannot change kind or apiVersion.
    const patched = asObjectOf(descriptor, applyPatch(type, current, body, descriptor.kind, descriptor.group));
    // Fields of the wrong type are a 400; unknown ones are dropped, with a warning or a 400 (Strict).
    warnings = checkFields(context.registry, descriptor, patched, validation);
    // A resourceVersion the patch sets is a precondition, as upstream.
    const version = patched.metadata?.resourceVersion;
    if (version !== undefined && version !== '' && version !== current.metadata?.resourceVersion) {
      throw conflict(context.resource.store.subject(context.info.name));
    }
    return recordUpdate(descriptor, current, patched, { manager: options.manager, ...(subresource === undefined ? {} : { subresource }) });
  });
  if (warnings.length > 0) context.response.setHeader('Warning', warningHeaders(warnings));
  writeJson(context.response, 200, updated);
};
