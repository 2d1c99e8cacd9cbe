// A descriptor with upstream's conventions filled in (ListKind, singular name, no extras).
import type { ResourceDescriptor } from '../resource.js';

type Required = Pick<ResourceDescriptor, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'>;

export function defineResource(spec: Required & Partial<ResourceDescriptor>): ResourceDescriptor {
  return {
    listKind: `${spec.kind}List`,
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    hasStatus: false,
    columns: [],
    strategy: {},
    ...spec,
  };
}
