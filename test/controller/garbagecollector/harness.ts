// Objects for the garbage collector's tests: owners and dependents made by hand (no ReplicaSet
// controller runs here, so the pods a test creates are the only ones).
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Namespace, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound } from '../../../src/client/client-errors.js';
import type { KubeObject, RestClient } from '../../../src/client/rest-client.js';
import { Namespaces, Pods, type ResourceType } from '../../../src/client/resource-types.js';
import { waitFor } from '../../support/wait.js';

export async function createNamespace(client: RestClient, name: string): Promise<void> {
  await client.create<Namespace>(Namespaces, { metadata: { name } });
}

const template = (app: string): PodTemplateSpec => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'main', image: 'supernetes.local/busybox:latest' }] },
});

export function replicaSet(namespace: string, name: string): ReplicaSet {
  return { metadata: { name, namespace }, spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: template(name) } };
}

export function deployment(namespace: string, name: string): Deployment {
  return { metadata: { name, namespace }, spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: template(name) } };
}

/** A reference to `owner` as a controller would write it (controller and blockOwnerDeletion true). */
export function ownerRef(owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
    ...extra,
  };
}

export function pod(namespace: string, name: string, owners: OwnerReference[], finalizers?: string[]): Pod {
  return {
    metadata: { name, namespace, ownerReferences: owners, ...(finalizers === undefined ? {} : { finalizers }) },
    spec: { containers: [{ name: 'main', image: 'supernetes.local/busybox:latest' }] },
  };
}

export async function exists(client: RestClient, type: ResourceType, name: string, namespace?: string): Promise<KubeObject | undefined> {
  try {
    return await client.get<KubeObject>(type, name, namespace);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function waitGone(client: RestClient, type: ResourceType, name: string, namespace?: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => (await exists(client, type, name, namespace)) === undefined, { what: `${type.kind} ${namespace ?? ''}/${name} to be gone`, timeoutMs });
}

export async function podNames(client: RestClient, namespace: string): Promise<string[]> {
  return (await client.list<Pod>(Pods, { namespace })).items.map((p) => p.metadata?.name ?? '').sort();
}

/** Removes every finalizer of the object (a test playing the finalizer's controller). */
export async function clearFinalizers(client: RestClient, type: ResourceType, name: string, namespace?: string): Promise<void> {
  await client.patch(type, name, namespace, { metadata: { finalizers: null } }, 'merge');
}
