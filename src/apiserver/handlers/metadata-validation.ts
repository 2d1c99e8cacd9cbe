// Generic ObjectMeta checks every resource shares (name syntax, labels, annotations).
import type { FieldCause } from '../../api/api-errors.js';
import type { KubeObject, ResourceDescriptor } from '../registry/resource.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validateMetadata(_descriptor: ResourceDescriptor, object: KubeObject): FieldCause[] {
  const name = object.metadata?.name;
  if (name === undefined || name === '') {
    return [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'metadata.name: Required value: name or generateName is required' }];
  }
  if (name.length > 253 || !SUBDOMAIN.test(name)) {
    return [
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
    ];
  }
  return [];
}
