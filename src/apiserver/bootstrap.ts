// What a fresh cluster has before anyone asks: the namespaces default, kube-system, kube-public and
// kube-node-lease. Created through the resource store with the same rules as any create.
import { isApiError } from '../api/api-errors.js';
import type { KubeObject } from './registry/resource.js';
import type { Registry } from './registry/registry.js';
import { prepareForCreate } from './handlers/object-meta.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapCluster(registry: Registry): Promise<void> {
  const namespaces = registry.lookup('', 'v1', 'namespaces');
  if (namespaces === undefined) return;
  for (const name of SYSTEM_NAMESPACES) {
    const object: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    try {
      await namespaces.store.create(prepareForCreate(namespaces.descriptor, object));
    } catch (error) {
      if (!isApiError(error, 'AlreadyExists')) throw error;
    }
  }
}
