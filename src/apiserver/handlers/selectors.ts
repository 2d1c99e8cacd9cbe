// ?labelSelector= and ?fieldSelector= as one predicate over objects. Field selectors work on
// metadata.name, metadata.namespace and the fields the resource's strategy exposes; any other
// field is a 400, with upstream's message.
import { badRequest } from '../../api/api-errors.js';
import { FieldSelectorError, parseFieldSelector } from '../../api/field-selector.js';
import { LabelSelectorError, parseLabelSelector } from '../../api/label-selector.js';
import type { KubeObject, ResourceDescriptor } from '../registry/resource.js';

export function objectFields(descriptor: ResourceDescriptor, object: KubeObject): Record<string, string> {
  return {
    'metadata.name': object.metadata?.name ?? '',
    ...(descriptor.namespaced ? { 'metadata.namespace': object.metadata?.namespace ?? '' } : {}),
    ...descriptor.strategy.fields?.(object),
  };
}

/**
 * The predicate the query asks for, or undefined when it asks for everything. `name` (a watch of
 * one object: .../pods/NAME?watch=1) adds metadata.name=NAME.
 */
export function objectMatcher(query: URLSearchParams, descriptor: ResourceDescriptor, name?: string): ((object: KubeObject) => boolean) | undefined {
  const labelText = query.get('labelSelector') ?? '';
  let fieldText = query.get('fieldSelector') ?? '';
  if (name !== undefined) fieldText = fieldText === '' ? `metadata.name=${name}` : `${fieldText},metadata.name=${name}`;
  if (labelText === '' && fieldText === '') return undefined;
  let labels;
  let fields;
  try {
    labels = labelText === '' ? undefined : parseLabelSelector(labelText);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw badRequest(`unable to parse requirement: ${error.message}`);
    throw error;
  }
  try {
    fields = fieldText === '' ? undefined : parseFieldSelector(fieldText);
  } catch (error) {
    if (error instanceof FieldSelectorError) throw badRequest(`invalid field selector: ${error.message}`);
    throw error;
  }
  if (fields !== undefined) {
    // Which fields this resource supports: those it reports for any object.
    const supported = new Set(Object.keys(objectFields(descriptor, { metadata: {} })));
    for (const requirement of fields.requirements) {
      if (!supported.has(requirement.field)) throw badRequest(`field label not supported: ${requirement.field}`);
    }
  }
  return (object) =>
    (labels === undefined || labels.matches(object.metadata?.labels)) &&
    (fields === undefined || fields.matches(objectFields(descriptor, object)));
}
