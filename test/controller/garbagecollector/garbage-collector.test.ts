// The garbage collector against a real in-process API server: owners and dependents are made by
// hand, and each test waits for the API server's state the collector must reach.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Event, Pod } from 'kubernetes-types/core/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigMaps, Deployments, Events, Nodes, Pods, ReplicaSets } from '../../../src/client/resource-types.js';
import { garbageCollectorController } from '../../../src/controller/garbagecollector/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { clearFinalizers, createNamespace, deployment, exists, ownerRef, pod, podNames, replicaSet, waitGone } from './harness.js';

let t: TestControllers;

beforeAll(async () => {
  t = await startTestControllers([garbageCollectorController]);
});

afterAll(async () => {
  await t?.stop();
});

async function replicaSetWithPods(namespace: string, name: string, count: number, refExtra: Parameters<typeof ownerRef>[1] = {}): Promise<ReplicaSet> {
  const rs = await t.client.create<ReplicaSet>(ReplicaSets, replicaSet(namespace, name));
  for (let i = 0; i < count; i++) await t.client.create<Pod>(Pods, pod(namespace, `${name}-${i}`, [ownerRef(rs, refExtra)]));
  return rs;
}

describe('garbage collector', () => {
  it('background: deleting a ReplicaSet deletes the pods it owns, and no others', async () => {
    await createNamespace(t.client, 'gc-background');
    await replicaSetWithPods('gc-background', 'web', 3);
    await t.client.create<Pod>(Pods, pod('gc-background', 'bystander', []));
    await t.client.delete(ReplicaSets, 'web', 'gc-background', { propagationPolicy: 'Background' });
    await waitFor(async () => (await podNames(t.client, 'gc-background')).join(',') === 'bystander', { what: 'only the bystander pod left' });
  });

  it('foreground: the owner stays with foregroundDeletion until its blocking dependents are gone', async () => {
    await createNamespace(t.client, 'gc-foreground');
    const rs = await replicaSetWithPods('gc-foreground', 'web', 2);
    // A dependent held by a finalizer of its own keeps the owner waiting.
    await t.client.create<Pod>(Pods, pod('gc-foreground', 'held', [ownerRef(rs)], ['example.com/hold']));
    await t.client.delete(ReplicaSets, 'web', 'gc-foreground', { propagationPolicy: 'Foreground' });
    await waitFor(async () => (await podNames(t.client, 'gc-foreground')).join(',') === 'held', { what: 'the unheld pods deleted' });
    const held = await t.client.get<Pod>(Pods, 'held', 'gc-foreground');
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    const waiting = await t.client.get<ReplicaSet>(ReplicaSets, 'web', 'gc-foreground');
    expect(waiting.metadata?.deletionTimestamp).toBeTruthy();
    expect(waiting.metadata?.finalizers).toEqual(['foregroundDeletion']);

    await clearFinalizers(t.client, Pods, 'held', 'gc-foreground');
    await waitGone(t.client, ReplicaSets, 'web', 'gc-foreground');
  });

  it('foreground: a dependent without blockOwnerDeletion does not hold the owner', async () => {
    await createNamespace(t.client, 'gc-nonblocking');
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, replicaSet('gc-nonblocking', 'web'));
    await t.client.create<Pod>(Pods, pod('gc-nonblocking', 'loose', [ownerRef(rs, { blockOwnerDeletion: false })], ['example.com/hold']));
    await t.client.delete(ReplicaSets, 'web', 'gc-nonblocking', { propagationPolicy: 'Foreground' });
    await waitGone(t.client, ReplicaSets, 'web', 'gc-nonblocking');
    // The dependent was still deleted (it waits on its own finalizer).
    expect((await t.client.get<Pod>(Pods, 'loose', 'gc-nonblocking')).metadata?.deletionTimestamp).toBeTruthy();
    await clearFinalizers(t.client, Pods, 'loose', 'gc-nonblocking');
  });

  it('foreground through two levels: a Deployment waits for its ReplicaSet, which waits for its pods', async () => {
    await createNamespace(t.client, 'gc-chain');
    const d = await t.client.create<Deployment>(Deployments, deployment('gc-chain', 'app'));
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, { ...replicaSet('gc-chain', 'app-1'), metadata: { name: 'app-1', namespace: 'gc-chain', ownerReferences: [ownerRef(d)] } });
    await t.client.create<Pod>(Pods, pod('gc-chain', 'p0', [ownerRef(rs)]));
    await t.client.create<Pod>(Pods, pod('gc-chain', 'held', [ownerRef(rs)], ['example.com/hold']));
    await t.client.delete(Deployments, 'app', 'gc-chain', { propagationPolicy: 'Foreground' });
    // The ReplicaSet itself is deleted in the foreground, since it has dependents.
    await waitFor(async () => (await t.client.get<ReplicaSet>(ReplicaSets, 'app-1', 'gc-chain')).metadata?.finalizers?.includes('foregroundDeletion'), {
      what: 'the ReplicaSet deleted in the foreground',
    });
    await waitGone(t.client, Pods, 'p0', 'gc-chain');
    expect(await exists(t.client, Deployments, 'app', 'gc-chain')).toBeDefined();
    await clearFinalizers(t.client, Pods, 'held', 'gc-chain');
    await waitGone(t.client, Deployments, 'app', 'gc-chain');
    expect(await exists(t.client, ReplicaSets, 'app-1', 'gc-chain')).toBeUndefined();
  });

  it('orphan: the owner goes, its dependents stay without the reference to it', async () => {
    await createNamespace(t.client, 'gc-orphan');
    const rs = await replicaSetWithPods('gc-orphan', 'web', 2);
    const other = await t.client.create<ReplicaSet>(ReplicaSets, replicaSet('gc-orphan', 'other'));
    await t.client.create<Pod>(Pods, pod('gc-orphan', 'shared', [ownerRef(rs), ownerRef(other, { controller: false })]));
    await t.client.delete(ReplicaSets, 'web', 'gc-orphan', { propagationPolicy: 'Orphan' });
    await waitGone(t.client, ReplicaSets, 'web', 'gc-orphan');
    const pods = (await t.client.list<Pod>(Pods, { namespace: 'gc-orphan' })).items;
    expect(pods.map((p) => p.metadata?.name).sort()).toEqual(['shared', 'web-0', 'web-1']);
    for (const p of pods) expect(p.metadata?.ownerReferences?.some((r) => r.uid === rs.metadata?.uid) ?? false).toBe(false);
    const shared = pods.find((p) => p.metadata?.name === 'shared');
    expect(shared?.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['other']);
    expect(shared?.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('a dependent whose owner uid does not exist is deleted, even when an object of that name exists', async () => {
    await createNamespace(t.client, 'gc-missing');
    await t.client.create<ReplicaSet>(ReplicaSets, replicaSet('gc-missing', 'web'));
    const ghost = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: '00000000-0000-4000-8000-000000000001', controller: true };
    const impostor = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: '00000000-0000-4000-8000-000000000002', controller: true };
    await t.client.create<Pod>(Pods, pod('gc-missing', 'orphaned', [ghost]));
    await t.client.create<Pod>(Pods, pod('gc-missing', 'renamed', [impostor]));
    await waitGone(t.client, Pods, 'orphaned', 'gc-missing');
    await waitGone(t.client, Pods, 'renamed', 'gc-missing');
    expect(await exists(t.client, ReplicaSets, 'web', 'gc-missing')).toBeDefined();
  });

  it('a dependent with one live owner keeps living and loses its dangling reference', async () => {
    await createNamespace(t.client, 'gc-dangling');
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, replicaSet('gc-dangling', 'web'));
    const ghost = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: '00000000-0000-4000-8000-000000000003' };
    await t.client.create<Pod>(Pods, pod('gc-dangling', 'two-owners', [ownerRef(rs), ghost]));
    const fixed = await waitFor(async () => {
      const p = await t.client.get<Pod>(Pods, 'two-owners', 'gc-dangling');
      return p.metadata?.ownerReferences?.length === 1 ? p : undefined;
    }, { what: 'the dangling reference removed' });
    expect(fixed.metadata?.ownerReferences?.[0]?.uid).toBe(rs.metadata?.uid);
    expect(fixed.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('a cluster-scoped owner: deleting a Node deletes the ConfigMap it owns', async () => {
    await createNamespace(t.client, 'gc-cluster');
    const node = await t.client.create<KubeNode>(Nodes, { metadata: { name: 'gc-node-1' } });
    await t.client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'per-node', namespace: 'gc-cluster', ownerReferences: [ownerRef(node, { controller: false })] } });
    await t.client.delete(Nodes, 'gc-node-1');
    await waitGone(t.client, ConfigMaps, 'per-node', 'gc-cluster');
  });

  it('an ownerReference into another namespace is reported (OwnerRefInvalidNamespace) and the dependent collected', async () => {
    await createNamespace(t.client, 'gc-ns-a');
    await createNamespace(t.client, 'gc-ns-b');
    const owner = await t.client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'owner', namespace: 'gc-ns-b' } });
    await waitFor(async () => (await exists(t.client, ConfigMaps, 'owner', 'gc-ns-b')) !== undefined, { what: 'owner created' });
    await t.client.create<Pod>(Pods, pod('gc-ns-a', 'cross', [ownerRef(owner, { controller: false })]));
    await waitGone(t.client, Pods, 'cross', 'gc-ns-a');
    const event = await waitFor(async () => {
      const events = (await t.client.list<Event>(Events, { namespace: 'gc-ns-a' })).items;
      return events.find((e) => e.reason === 'OwnerRefInvalidNamespace');
    }, { what: 'an OwnerRefInvalidNamespace event' });
    expect(event.type).toBe('Warning');
    expect(event.involvedObject.name).toBe('cross');
    expect(event.message).toBe(`ownerRef [v1/ConfigMap, namespace: gc-ns-a, name: owner, uid: ${owner.metadata?.uid ?? ''}] does not exist in namespace "gc-ns-a"`);
    expect(await exists(t.client, ConfigMaps, 'owner', 'gc-ns-b')).toBeDefined();
  });
});

describe('garbage collector restarts', () => {
  it('a foreground deletion begun while the collector was down finishes after it starts', async () => {
    await createNamespace(t.client, 'gc-restart-down');
    await replicaSetWithPods('gc-restart-down', 'web', 3);
    await t.stopControllers();
    await t.client.delete(ReplicaSets, 'web', 'gc-restart-down', { propagationPolicy: 'Foreground' });
    expect((await podNames(t.client, 'gc-restart-down')).length).toBe(3);
    await t.restartControllers();
    await waitGone(t.client, ReplicaSets, 'web', 'gc-restart-down');
    expect(await podNames(t.client, 'gc-restart-down')).toEqual([]);
  });

  it('a collector stopped in the middle of a cascade finishes it after the restart', async () => {
    await createNamespace(t.client, 'gc-restart-mid');
    await replicaSetWithPods('gc-restart-mid', 'web', 40);
    await t.client.delete(ReplicaSets, 'web', 'gc-restart-mid', { propagationPolicy: 'Foreground' });
    // Stop as soon as the cascade is seen under way.
    await waitFor(async () => (await podNames(t.client, 'gc-restart-mid')).length < 40, { what: 'the first pods deleted', intervalMs: 5 });
    await t.stopControllers();
    const left = (await podNames(t.client, 'gc-restart-mid')).length;
    console.log(`pods left when the collector stopped: ${left} of 40`);
    await t.restartControllers();
    await waitGone(t.client, ReplicaSets, 'web', 'gc-restart-mid');
    expect(await podNames(t.client, 'gc-restart-mid')).toEqual([]);
  });
});

interface KubeNode {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; uid?: string };
}
