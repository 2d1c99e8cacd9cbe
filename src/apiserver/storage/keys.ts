// Where objects live in SuperCache: /registry/<group>/<resource>/<namespace>/<name>, the core group
// spelled "core", cluster-scoped objects without the namespace segment.
import type { ResourceDescriptor } from '../registry/resource.js';

export function resourcePrefix(resource: Pick<ResourceDescriptor, 'group' | 'plural'>): string {
  return `/registry/${resource.group === '' ? 'core' : resource.group}/${resource.plural}/`;
}

/** The prefix of one namespace's objects, or of all of them when `namespace` is undefined. */
export function listPrefix(resource: Pick<ResourceDescriptor, 'group' | 'plural' | 'namespaced'>, namespace?: string): string {
  const base = resourcePrefix(resource);
  return resource.namespaced && namespace !== undefined ? `${base}${namespace}/` : base;
}

export function objectKey(
  resource: Pick<ResourceDescriptor, 'group' | 'plural' | 'namespaced'>,
  namespace: string | undefined,
  name: string,
): string {
  return resource.namespaced ? `${resourcePrefix(resource)}${namespace ?? ''}/${name}` : `${resourcePrefix(resource)}${name}`;
}
