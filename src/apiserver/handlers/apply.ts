// Server-side apply of an object that does not exist yet: the applied configuration is created.
import { badRequest } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import type { Json } from '../patch/json-value.js';
import type { RequestContext } from './context.js';
import { asObjectOf, checkNamespaceOpen, placeInNamespace, prepareForCreate, timestamp, validate } from './object-meta.js';

export async function createApplied(context: RequestContext, applied: Json, dryRun: boolean): Promise<KubeObject> {
  const { descriptor, store } = context.resource;
  const object = asObjectOf(descriptor, applied);
  const name = context.info.name ?? '';
  if (object.metadata?.name !== undefined && object.metadata.name !== name) {
    throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  }
  object.metadata = { ...object.metadata, name };
  placeInNamespace(descriptor, object, context.info.namespace);
  prepareForCreate(descriptor, object);
  const manager = context.query.get('fieldManager') ?? '';
  object.metadata.managedFields = [
    { manager, operation: 'Apply', apiVersion: object.apiVersion, time: timestamp(), fieldsType: 'FieldsV1', fieldsV1: {} },
  ];
  validate(descriptor, object);
  await checkNamespaceOpen(context.registry, descriptor, object);
  await descriptor.strategy.prepareForCreate?.(object, context.registry);
  return dryRun ? object : store.create(object);
}
