// Server-side apply (PATCH with application/apply-patch+yaml): the configuration is merged into
// the stored object by the field manager (src/apiserver/apply/), with managed fields, pruning and
// conflicts; a missing object is created from it. An apply that changes nothing writes nothing.
import { parse as parseYaml } from 'yaml';
import { badRequest, conflict, isApiError } from '../../api/api-errors.js';
import { apiVersionOf, type KubeObject } from '../registry/resource.js';
import { applyConfiguration } from '../apply/field-manager.js';
import { isJsonObject, type Json, type JsonObject } from '../../api/patch/json-value.js';
import { writeJson } from '../http/responses.js';
import { checkFields, warningHeaders, type FieldValidation } from '../openapi/index.js';
import { isDryRun, type RequestContext } from './context.js';
import { checkNamespaceOpen, placeInNamespace, prepareForCreate, validate } from './object-meta.js';
import { writeUpdate } from './update.js';

export function parseApplyBody(body: Buffer): Json {
  try {
    return parseYaml(body.toString('utf8')) as Json;
  } catch (error) {
    throw badRequest(`error decoding YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

function parseApplyConfig(body: Buffer): JsonObject {
  const parsed = parseApplyBody(body);
  if (!isJsonObject(parsed)) throw badRequest('error decoding YAML: the apply configuration must be an object');
  return parsed;
}

export interface ApplyOptions {
  readonly manager: string;
  readonly force: boolean;
  /** ?fieldValidation=: what unknown fields in the configuration get. */
  readonly validation: FieldValidation;
}

/** Serves an apply patch: 200 with the object applied, or 201 when the apply created it. */
export async function serveApply(context: RequestContext, body: Buffer, options: ApplyOptions): Promise<void> {
  const config = parseApplyConfig(body);
  const { descriptor } = context.resource;
  // Fields of the wrong type are a 400; unknown ones are dropped, with a warning or a 400 (Strict).
  // A configuration of another kind is left to the field manager, which refuses it first.
  if (config['kind'] === descriptor.kind && config['apiVersion'] === apiVersionOf(descriptor)) {
    const warnings = checkFields(context.registry, descriptor, config, options.validation);
    if (warnings.length > 0) context.response.setHeader('Warning', warningHeaders(warnings));
  }
  const subresource = context.info.subresource;
  const info = { manager: options.manager, force: options.force, ...(subresource === undefined ? {} : { subresource }) };
  for (let attempt = 0; ; attempt++) {
    try {
      const updated = await writeUpdate(context, (current) => {
        // A resourceVersion in the configuration is a precondition, as upstream.
        const version = isJsonObject(config['metadata'] ?? null) ? (config['metadata'] as JsonObject)['resourceVersion'] : undefined;
        if (typeof version === 'string' && version !== '' && version !== current.metadata?.resourceVersion) {
          throw conflict(context.resource.store.subject(context.info.name));
        }
        return applyConfiguration(descriptor, current, config, info);
      });
      writeJson(context.response, 200, updated);
      return;
    } catch (error) {
      if (!isApiError(error, 'NotFound') || subresource !== undefined) throw error;
    }
    try {
      writeJson(context.response, 201, await createApplied(context, config, options));
      return;
    } catch (error) {
      // Someone created it meanwhile: apply to theirs.
      if (!isApiError(error, 'AlreadyExists') || attempt > 0) throw error;
    }
  }
}

/** Server-side apply of an object that does not exist yet: the applied configuration is created. */
export async function createApplied(context: RequestContext, config: JsonObject, options: ApplyOptions): Promise<KubeObject> {
  const { descriptor, store } = context.resource;
  const object = applyConfiguration(descriptor, undefined, config, { manager: options.manager, force: options.force });
  const name = context.info.name ?? '';
  if (object.metadata?.name !== undefined && object.metadata.name !== name) {
    throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  }
  object.metadata = { ...object.metadata, name };
  placeInNamespace(descriptor, object, context.info.namespace);
  prepareForCreate(descriptor, object);
  validate(descriptor, object);
  await checkNamespaceOpen(context.registry, descriptor, object);
  await descriptor.strategy.prepareForCreate?.(object, context.registry);
  return isDryRun(context.query, 'PatchOptions') ? object : store.create(object);
}
