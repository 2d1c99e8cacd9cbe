// Generic ObjectMeta checks every resource shares (upstream's ValidateObjectMeta): name syntax for
// the resource, namespace, labels, annotations, owner references, finalizers, and what an update
// may not change.
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { FieldCause } from '../../api/api-errors.js';
import { fieldErrorMessage, type FieldError } from '../../api/validation/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/objectmeta.js';
import type { KubeObject, ResourceDescriptor } from '../registry/resource.js';

const toCause = (error: FieldError): FieldCause => ({ reason: error.type, field: error.field, message: fieldErrorMessage(error) });

export function validateMetadata(descriptor: ResourceDescriptor, object: KubeObject, old?: KubeObject): FieldCause[] {
  const meta = object.metadata as ObjectMeta | undefined;
  const errors = validateObjectMeta(meta, {
    namespaced: descriptor.namespaced,
    ...(descriptor.nameValidator === undefined ? {} : { validateName: descriptor.nameValidator }),
  });
  if (old !== undefined) errors.push(...validateObjectMetaUpdate(meta, old.metadata as ObjectMeta | undefined));
  return errors.map(toCause);
}
