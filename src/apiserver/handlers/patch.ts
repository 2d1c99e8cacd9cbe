// patch: JSON patch, merge patch, strategic merge patch (built-in kinds) and apply patch
// (server-side apply, creating the object when it is missing). The patched object then goes
// through the same update rules as a PUT.
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, conflict, isApiError } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import { readBody, mediaType } from '../http/body.js';
import { writeJson } from '../http/responses.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import type { Json, JsonObject } from '../patch/json-value.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { parsePatchBody } from '../patch/patch-body.js';
import { isPatchError, unsupportedPatchType } from '../patch/patch-error.js';
import { patchSchemaForKind } from '../patch/patch-strategies.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.js';
import { isDryRun, type Handler, type RequestContext } from './context.js';
import { createApplied } from './apply.js';
import { writeUpdate } from './update.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

function acceptedTypes(group: string, kind: string): string[] {
  const types = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
  if (patchSchemaForKind({ group, kind }) !== undefined) types.splice(2, 0, STRATEGIC_MERGE_PATCH);
  return types;
}

/** Applies a patch document of `type` to `original` (which is not changed); errors become Status. */
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

export function parseApplyBody(body: Buffer): Json {
  try {
    return parseYaml(body.toString('utf8')) as Json;
  } catch (error) {
    throw badRequest(`error decoding YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

export const patchHandler: Handler = async (context: RequestContext) => {
  const { descriptor } = context.resource;
  const type = mediaType(context.request);
  const body = await readBody(context.request);
  if (type === APPLY_PATCH) {
    const fieldManager = context.query.get('fieldManager');
    if (fieldManager === null || fieldManager === '') {
      throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
  }
  try {
    const updated = await writeUpdate(context, (current) => {
      const patched = applyPatch(type, current, body, descriptor.kind, descriptor.group);
      // A resourceVersion the patch sets is a precondition, as upstream.
      const version = patched.metadata?.resourceVersion;
      if (version !== undefined && version !== '' && version !== current.metadata?.resourceVersion) {
        throw conflict(context.resource.store.subject(context.info.name));
      }
      return patched;
    });
    writeJson(context.response, 200, updated);
  } catch (error) {
    if (type === APPLY_PATCH && isApiError(error, 'NotFound') && context.info.subresource === undefined) {
      const created = await createApplied(context, parseApplyBody(body), isDryRun(context.query));
      writeJson(context.response, 201, created);
      return;
    }
    throw error;
  }
};
