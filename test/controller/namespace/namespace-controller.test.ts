// The namespace controller (with the garbage collector beside it, as in a controller manager)
// against a real in-process API server. No superlet runs: a pod bound to a node stays until the
// test plays the superlet and deletes it with grace 0.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Namespace, NamespaceCondition, Pod, Secret, Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/client/client-errors.js';
import type { KubeObject, RestClient } from '../../../src/client/rest-client.js';
import {
  ConfigMaps,
  Deployments,
  Jobs,
  Leases,
  Namespaces,
  Pods,
  ReplicaSets,
  Secrets,
  ServiceAccounts,
  Services,
  type ResourceType,
} from '../../../src/client/resource-types.js';
import { GroupDiscoveryFailedError, serverPreferredResources } from '../../../src/client/discovery.js';
import { garbageCollectorController } from '../../../src/controller/garbagecollector/index.js';
import { namespaceController, namespaceControllerWith } from '../../../src/controller/namespace/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { Kubectl, kubectlVersions } from '../../support/kubectl.js';
import { waitFor } from '../../support/wait.js';

const IMAGE = 'supernetes.local/busybox:latest';
const podSpec = { containers: [{ name: 'main', image: IMAGE }] };

async function exists(client: RestClient, type: ResourceType, name: string, namespace?: string): Promise<boolean> {
  try {
    await client.get<KubeObject>(type, name, namespace);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function waitNamespaceGone(client: RestClient, name: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => !(await exists(client, Namespaces, name)), { what: `namespace ${name} to be gone`, timeoutMs, intervalMs: 100 });
}

/** Waits until the namespace's condition of `type` satisfies `test`, and returns the namespace. */
async function waitCondition(client: RestClient, name: string, type: string, test: (c: NamespaceCondition) => boolean, timeoutMs = 20_000): Promise<Namespace> {
  let last: Namespace | undefined;
  try {
    return await waitFor(async () => {
      last = await client.get<Namespace>(Namespaces, name);
      const condition = last.status?.conditions?.find((c) => c.type === type);
      return condition !== undefined && test(condition) ? last : undefined;
    }, { what: `namespace ${name}: condition ${type}`, timeoutMs, intervalMs: 100 });
  } catch (error) {
    throw new Error(`${(error as Error).message}; last status: ${JSON.stringify(last?.status)}`);
  }
}

const conditionOf = (ns: Namespace, type: string): Pick<NamespaceCondition, 'status' | 'reason' | 'message'> | undefined => {
  const c = ns.status?.conditions?.find((x) => x.type === type);
  return c === undefined ? undefined : { status: c.status, reason: c.reason ?? '', message: c.message ?? '' };
};

describe('namespace controller', () => {
  let t: TestControllers;

  beforeAll(async () => {
    t = await startTestControllers([namespaceControllerWith({ deletionGracePeriodMs: 0 }), garbageCollectorController]);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('deleting a namespace deletes everything in it, then the namespace; other namespaces keep theirs', async () => {
    const { client } = t;
    for (const name of ['ns-full', 'ns-neighbour']) {
      await client.create<Namespace>(Namespaces, { metadata: { name } });
      await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'settings', namespace: name }, data: { a: '1' } });
    }
    const ns = 'ns-full';
    await client.create<Secret>(Secrets, { metadata: { name: 'token', namespace: ns }, stringData: { k: 'v' } });
    await client.create<ServiceAccount>(ServiceAccounts, { metadata: { name: 'robot', namespace: ns } });
    await client.create<Service>(Services, { metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const template = { metadata: { labels: { app: 'web' } }, spec: podSpec };
    const deployment = await client.create<Deployment>(Deployments, { metadata: { name: 'web', namespace: ns }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployment.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
    await client.create<ReplicaSet>(ReplicaSets, { metadata: { name: 'web-1', namespace: ns, ownerReferences: [owner] }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
    await client.create<Pod>(Pods, { metadata: { name: 'loose', namespace: ns }, spec: podSpec });
    await client.create<Job>(Jobs, { metadata: { name: 'once', namespace: ns }, spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } });
    await client.create(Leases, { metadata: { name: 'lock', namespace: ns }, spec: { holderIdentity: 'me' } });

    // The answer to DELETE is the namespace as the deletion left it (it may be gone a moment later).
    const terminating = await client.delete<Namespace>(Namespaces, ns);
    expect(terminating.status?.phase).toBe('Terminating');
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    await waitNamespaceGone(client, ns);
    for (const [type, name] of [
      [ConfigMaps, 'settings'], [Secrets, 'token'], [ServiceAccounts, 'robot'], [Services, 'web'], [Deployments, 'web'],
      [ReplicaSets, 'web-1'], [Pods, 'loose'], [Jobs, 'once'], [Leases, 'lock'],
    ] as const) {
      expect(await exists(client, type, name, ns), `${type.kind} ${name}`).toBe(false);
    }
    expect(await exists(client, ConfigMaps, 'settings', 'ns-neighbour')).toBe(true);
    expect((await client.get<Namespace>(Namespaces, 'ns-neighbour')).status?.phase).toBe('Active');
  });

  it('an object with a finalizer of its own holds the namespace Terminating, with the conditions saying why', async () => {
    const { client } = t;
    const ns = 'ns-held';
    await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] } });
    await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'free', namespace: ns } });
    await client.delete(Namespaces, ns);
    const held = await waitCondition(client, ns, 'NamespaceFinalizersRemaining', (c) => c.status === 'True');
    expect(held.status?.phase).toBe('Terminating');
    expect(held.spec?.finalizers).toEqual(['kubernetes']);
    expect(conditionOf(held, 'NamespaceFinalizersRemaining')).toEqual({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    expect(conditionOf(held, 'NamespaceContentRemaining')).toEqual({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: configmaps. has 1 resource instances',
    });
    expect(conditionOf(held, 'NamespaceDeletionDiscoveryFailure')).toEqual({ status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' });
    expect(conditionOf(held, 'NamespaceDeletionGroupVersionParsingFailure')).toEqual({
      status: 'False',
      reason: 'ParsedGroupVersions',
      message: 'All legacy kube types successfully parsed',
    });
    expect(conditionOf(held, 'NamespaceDeletionContentFailure')).toEqual({
      status: 'False',
      reason: 'ContentDeleted',
      message: 'All content successfully deleted, may be waiting on finalization',
    });
    expect(held.status?.conditions?.map((c) => c.type)).toEqual([
      'NamespaceDeletionDiscoveryFailure',
      'NamespaceDeletionGroupVersionParsingFailure',
      'NamespaceDeletionContentFailure',
      'NamespaceContentRemaining',
      'NamespaceFinalizersRemaining',
    ]);
    expect(await exists(client, ConfigMaps, 'free', ns)).toBe(false);
    expect((await client.get<ConfigMap>(ConfigMaps, 'held', ns)).metadata?.deletionTimestamp).toBeTruthy();

    // The finalizer's owner lets go: the namespace follows (upstream looks again after 15/2+1 s).
    await client.patch(ConfigMaps, 'held', ns, { metadata: { finalizers: null } }, 'merge');
    await waitNamespaceGone(client, ns);
  });

  it('waits for pods to finish gracefully; a pod that outlives its grace period is reported until it goes', async () => {
    const { client } = t;
    const ns = 'ns-pods';
    await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    // Bound to a node, so deletion is graceful: only its superlet (here, the test) removes it.
    await client.create<Pod>(Pods, { metadata: { name: 'bound', namespace: ns }, spec: { ...podSpec, nodeName: 'node-without-superlet', terminationGracePeriodSeconds: 2 } });
    await client.create<Pod>(Pods, { metadata: { name: 'pending', namespace: ns }, spec: podSpec });
    await client.delete(Namespaces, ns);
    const stuck = await waitCondition(client, ns, 'NamespaceDeletionContentFailure', (c) => c.status === 'True');
    expect(conditionOf(stuck, 'NamespaceDeletionContentFailure')).toEqual({
      status: 'True',
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: ${ns} for gvr: /v1, Resource=pods`,
    });
    expect(conditionOf(stuck, 'NamespaceContentRemaining')).toEqual({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 1 resource instances' });
    expect(conditionOf(stuck, 'NamespaceFinalizersRemaining')?.status).toBe('False');
    expect(stuck.status?.phase).toBe('Terminating');
    expect(await exists(client, Pods, 'pending', ns)).toBe(false);
    expect((await client.get<Pod>(Pods, 'bound', ns)).metadata?.deletionTimestamp).toBeTruthy();

    // The superlet stopped the containers and removes the pod.
    await client.delete(Pods, 'bound', ns, { gracePeriodSeconds: 0 });
    await waitNamespaceGone(client, ns);
  });

  it('a namespace created again under the same name after deletion is a new, active namespace', async () => {
    const { client } = t;
    const ns = 'ns-again';
    const first = await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    await client.delete(Namespaces, ns);
    await waitNamespaceGone(client, ns);
    const second = await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    expect(second.metadata?.uid).not.toBe(first.metadata?.uid);
    await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'kept', namespace: ns } });
    expect((await client.get<Namespace>(Namespaces, ns)).status?.phase).toBe('Active');
    expect(await exists(client, ConfigMaps, 'kept', ns)).toBe(true);
  });
});

describe('namespace controller when discovery fails for a group', () => {
  let t: TestControllers;
  let failing = true;

  beforeAll(async () => {
    t = await startTestControllers([
      namespaceControllerWith({
        deletionGracePeriodMs: 0,
        discover: async () => {
          const real = await serverPreferredResources(t.context.client);
          if (!failing) return real;
          return { lists: real.lists, error: new GroupDiscoveryFailedError(new Map([['metrics.example.com/v1', new Error('the server is currently unable to handle the request')]])) };
        },
      }),
    ]);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('empties what it can, keeps the namespace with NamespaceDeletionDiscoveryFailure, and finishes once discovery works', async () => {
    const { client } = t;
    const ns = 'ns-discovery';
    await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'c', namespace: ns } });
    await client.delete(Namespaces, ns);
    const failed = await waitCondition(client, ns, 'NamespaceDeletionDiscoveryFailure', (c) => c.status === 'True');
    expect(conditionOf(failed, 'NamespaceDeletionDiscoveryFailure')).toEqual({
      status: 'True',
      reason: 'DiscoveryFailed',
      message:
        'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.example.com/v1: the server is currently unable to handle the request',
    });
    expect(conditionOf(failed, 'NamespaceContentRemaining')?.status).toBe('False');
    expect(await exists(client, ConfigMaps, 'c', ns)).toBe(false);
    expect(failed.status?.phase).toBe('Terminating');
    failing = false;
    await waitNamespaceGone(client, ns, 70_000);
  }, 90_000);
});

describe('kubectl delete namespace', () => {
  let t: TestControllers;

  beforeAll(async () => {
    // The exported factories, with upstream's 5 s delay.
    t = await startTestControllers([namespaceController, garbageCollectorController]);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('works end to end: Terminating meanwhile, then gone with its content', async () => {
    const versions = kubectlVersions();
    const kubectl = new Kubectl(t.plane.kubeconfigPath, versions[versions.length - 1]?.binary);
    await kubectl.ok(['create', 'namespace', 'doomed']);
    await kubectl.ok(['-n', 'doomed', 'create', 'configmap', 'settings', '--from-literal=a=1']);
    await kubectl.ok(['-n', 'doomed', 'create', 'deployment', 'web', `--image=${IMAGE}`]);
    expect(await kubectl.ok(['delete', 'namespace', 'doomed', '--wait=false'])).toContain('namespace "doomed" deleted');
    expect(await kubectl.ok(['get', 'namespace', 'doomed', '-o', 'jsonpath={.status.phase}'])).toBe('Terminating');
    await kubectl.ok(['wait', '--for=delete', 'namespace/doomed', '--timeout=60s']);
    const gone = await kubectl.run(['get', 'namespace', 'doomed']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('namespaces "doomed" not found');
    expect(await exists(t.client, ConfigMaps, 'settings', 'doomed')).toBe(false);
    expect(await exists(t.client, Deployments, 'web', 'doomed')).toBe(false);

    // And the plain blocking form.
    await kubectl.ok(['create', 'namespace', 'doomed-too']);
    await kubectl.ok(['-n', 'doomed-too', 'create', 'secret', 'generic', 's', '--from-literal=k=v']);
    const deleted = await kubectl.run(['delete', 'namespace', 'doomed-too']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('namespace "doomed-too" deleted');
    expect(await exists(t.client, Namespaces, 'doomed-too')).toBe(false);
  }, 120_000);
});
