// Every served resource: its descriptor and its store, found by group/version/plural or by kind.
import type { Backend } from '../../supercache/backend.js';
import { ResourceStore } from '../storage/resource-store.js';
import type { ResourceDescriptor } from './resource.js';

export interface RegisteredResource {
  readonly descriptor: ResourceDescriptor;
  readonly store: ResourceStore;
}

export interface GroupVersions {
  readonly group: string;
  readonly versions: string[];
}

export class Registry {
  private readonly byPath = new Map<string, RegisteredResource>();
  private readonly byKind = new Map<string, RegisteredResource>();
  readonly resources: RegisteredResource[];

  constructor(descriptors: readonly ResourceDescriptor[], backend: Backend) {
    this.resources = descriptors.map((descriptor) => ({ descriptor, store: new ResourceStore(descriptor, backend) }));
    for (const entry of this.resources) {
      const d = entry.descriptor;
      this.byPath.set(`${d.group}/${d.version}/${d.plural}`, entry);
      this.byKind.set(`${d.group}/${d.kind}`, entry);
    }
  }

  /** Starts every watch cache; resolves when all have listed. */
  async start(signal: AbortSignal): Promise<void> {
    await Promise.all(this.resources.map((r) => r.store.start(signal)));
  }

  lookup(group: string, version: string, plural: string): RegisteredResource | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  kind(group: string, kind: string): RegisteredResource | undefined {
    return this.byKind.get(`${group}/${kind}`);
  }

  /** The API groups in discovery order: the core group first, then by name. */
  groups(): GroupVersions[] {
    const groups = new Map<string, Set<string>>();
    for (const { descriptor } of this.resources) {
      const versions = groups.get(descriptor.group) ?? new Set<string>();
      versions.add(descriptor.version);
      groups.set(descriptor.group, versions);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
      .map(([group, versions]) => ({ group, versions: [...versions] }));
  }

  inGroupVersion(group: string, version: string): RegisteredResource[] {
    return this.resources.filter((r) => r.descriptor.group === group && r.descriptor.version === version);
  }
}
