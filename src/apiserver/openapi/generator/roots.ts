// The types to emit: every served kind and its list, the kinds its subresources take, and the
// meta/v1 types the operations use. Everything these reach is emitted with them.
import type { ResourceDescriptor } from '../../registry/resource.js';
import { subresourceBodyKinds } from '../subresources.js';
import type { RootType } from './generate.js';
import { typesModuleOf } from '../naming.js';

/** meta/v1 types that operations take or return whatever the resource. */
export const META_ROOTS: readonly string[] = [
  'APIGroup',
  'APIGroupList',
  'APIResourceList',
  'APIVersions',
  'DeleteOptions',
  'Patch',
  'Status',
  'WatchEvent',
];

export function rootTypesOf(descriptors: readonly ResourceDescriptor[]): RootType[] {
  const roots = new Map<string, RootType>();
  const add = (module: string, name: string): void => void roots.set(`${module}.${name}`, { module, name });
  for (const d of descriptors) {
    const module = typesModuleOf(d.group, d.version);
    add(module, d.kind);
    add(module, d.listKind);
    for (const kind of subresourceBodyKinds(d)) add(typesModuleOf(kind.group, kind.version), kind.kind);
  }
  for (const name of META_ROOTS) add('meta/v1', name);
  return [...roots.values()];
}

/** The kubernetes-types modules the roots live in (the compiler follows their imports). */
export function modulesOf(roots: readonly RootType[]): string[] {
  return [...new Set(roots.map((r) => r.module))].sort();
}
