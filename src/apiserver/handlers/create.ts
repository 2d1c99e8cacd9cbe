// create (POST): decode, place in the namespace, fill in what the server owns, default, validate,
// admit, then write with "must not exist yet" as the condition.
import { writeJson } from '../http/responses.js';
import { recordUpdate } from '../apply/field-manager.js';
import { writeManager } from '../apply/options.js';
import { checkFields, fieldValidationOf, warningHeaders } from '../openapi/index.js';
import { decodeBody, mediaType, readBody } from '../http/body.js';
import { isDryRun, type Handler } from './context.js';
import { asObjectOf, checkNamespaceOpen, placeInNamespace, prepareForCreate, validate } from './object-meta.js';

export const createHandler: Handler = async (context) => {
  const { descriptor, store } = context.resource;
  if (context.info.subresource !== undefined) throw new Error(`unexpected subresource ${context.info.subresource}`);
  const manager = writeManager(context.query, context.request.headers['user-agent'], 'CreateOptions');
  const body = decodeBody(await readBody(context.request), mediaType(context.request));
  const object = asObjectOf(descriptor, body);
  // Unknown fields: dropped with a warning, or refused with ?fieldValidation=Strict.
  const warnings = checkFields(context.registry, descriptor, object, fieldValidationOf(context.query));
  if (warnings.length > 0) context.response.setHeader('Warning', warningHeaders(warnings));
  placeInNamespace(descriptor, object, context.info.namespace);
  prepareForCreate(descriptor, object);
  // Server-side apply's bookkeeping: this writer owns every field it set.
  object.metadata = recordUpdate(descriptor, undefined, object, { manager, defaulted: true }).metadata;
  validate(descriptor, object);
  await checkNamespaceOpen(context.registry, descriptor, object);
  await descriptor.strategy.prepareForCreate?.(object, context.registry);
  const created = isDryRun(context.query) ? object : await store.create(object);
  writeJson(context.response, 201, created);
};
