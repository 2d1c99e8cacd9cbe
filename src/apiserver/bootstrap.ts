// What a fresh cluster has before anyone asks: the namespaces default, kube-system, kube-public and
// kube-node-lease, and the `kubernetes` Service in default (the first address of the service
// range) whose Endpoints point at the API server. Created with the same rules as any create.
import { isApiError } from '../api/api-errors.js';
import type { KubeObject } from './registry/resource.js';
import type { Registry } from './registry/registry.js';
import { prepareForCreate } from './handlers/object-meta.js';
import { ipToString, SERVICE_RANGE } from './registry/resources/services.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates `object` if missing; with `refresh`, an existing one gets those fields (e.g. a new port). */
async function ensure(registry: Registry, plural: string, object: KubeObject, refresh: readonly string[] = []): Promise<void> {
  const entry = registry.lookup('', 'v1', plural);
  if (entry === undefined) return;
  try {
    await entry.store.create(prepareForCreate(entry.descriptor, object));
  } catch (error) {
    if (!isApiError(error, 'AlreadyExists')) throw error;
    if (refresh.length === 0) return;
    await entry.store.update(object.metadata?.namespace, object.metadata?.name ?? '', (current) => {
      for (const field of refresh) current[field] = object[field];
      return current;
    });
  }
}

export interface ApiServerAddress {
  readonly ip: string;
  readonly port: number;
}

export async function bootstrapCluster(registry: Registry, address?: ApiServerAddress): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(registry, 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  if (address === undefined) return;
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  await ensure(registry, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: {
      type: 'ClusterIP',
      clusterIP: ipToString(SERVICE_RANGE.base + 1),
      clusterIPs: [ipToString(SERVICE_RANGE.base + 1)],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: address.port }],
    },
  });
  await ensure(registry, 'endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: address.ip }], ports: [{ name: 'https', port: address.port, protocol: 'TCP' }] }],
  }, ['subsets']);
}
