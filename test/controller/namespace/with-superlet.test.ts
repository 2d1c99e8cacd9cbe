// Namespace deletion and foreground cascades with running pods: a scheduler and a superlet on the
// fake runtime run the pods, so their deletion is graceful and finished by the superlet.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/client/client-errors.js';
import { Namespaces, Pods, ReplicaSets } from '../../../src/client/resource-types.js';
import { garbageCollectorController } from '../../../src/controller/garbagecollector/index.js';
import { namespaceControllerWith } from '../../../src/controller/namespace/index.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { isRunningAndReady } from '../../support/pods.js';
import { waitFor } from '../../support/wait.js';

let cluster: TestCluster;
let t: TestControllers;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake' });
  t = await startTestControllers([namespaceControllerWith({ deletionGracePeriodMs: 0 }), garbageCollectorController], { plane: cluster.plane });
});

afterAll(async () => {
  await t?.stop();
  await cluster?.stop();
});

const podSpec = { terminationGracePeriodSeconds: 2, containers: [{ name: 'main', image: 'supernetes.local/busybox:latest', command: ['sleep', '3600'] }] };

async function waitRunning(namespace: string, names: string[]): Promise<void> {
  await waitFor(async () => {
    const pods = (await t.client.list<Pod>(Pods, { namespace })).items;
    return names.every((n) => pods.some((p) => p.metadata?.name === n && isRunningAndReady(p)));
  }, { what: `pods ${names.join(', ')} running`, timeoutMs: 60_000, intervalMs: 100 });
}

async function gone(type: typeof Pods, name: string, namespace?: string): Promise<boolean> {
  try {
    await t.client.get(type, name, namespace);
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

describe('with a superlet running the pods', () => {
  it('a deleted namespace waits for its running pods to stop, then goes', async () => {
    const ns = 'ns-running';
    await t.client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    await t.client.create<Pod>(Pods, { metadata: { name: 'a', namespace: ns }, spec: podSpec });
    await t.client.create<Pod>(Pods, { metadata: { name: 'b', namespace: ns }, spec: podSpec });
    await waitRunning(ns, ['a', 'b']);
    await t.client.delete(Namespaces, ns);
    // Deleted gracefully: marked first, removed by the superlet once stopped.
    await waitFor(async () => (await t.client.get<Pod>(Pods, 'a', ns).catch(() => undefined))?.metadata?.deletionTimestamp !== undefined || (await gone(Pods, 'a', ns)), {
      what: 'pod a being deleted',
    });
    await waitFor(async () => (await gone(Pods, 'a', ns)) && (await gone(Pods, 'b', ns)), { what: 'the pods removed by the superlet', timeoutMs: 30_000 });
    await waitFor(() => gone(Namespaces, ns), { what: `namespace ${ns} gone`, timeoutMs: 30_000, intervalMs: 100 });
  });

  it('foreground deletion of a ReplicaSet waits for its running pods to be stopped and removed', async () => {
    const ns = 'gc-running';
    await t.client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, {
      metadata: { name: 'web', namespace: ns },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
    });
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
    await t.client.create<Pod>(Pods, { metadata: { name: 'web-0', namespace: ns, ownerReferences: [owner] }, spec: podSpec });
    await waitRunning(ns, ['web-0']);
    await t.client.delete(ReplicaSets, 'web', ns, { propagationPolicy: 'Foreground' });
    const stopping = await waitFor(async () => {
      const p = await t.client.get<Pod>(Pods, 'web-0', ns).catch(() => undefined);
      return p?.metadata?.deletionTimestamp !== undefined ? p : undefined;
    }, { what: 'the pod deleted gracefully' });
    expect(stopping.metadata?.deletionGracePeriodSeconds).toBe(2);
    expect((await t.client.get<ReplicaSet>(ReplicaSets, 'web', ns)).metadata?.finalizers).toEqual(['foregroundDeletion']);
    await waitFor(() => gone(ReplicaSets, 'web', ns), { what: 'the ReplicaSet gone after its pod', timeoutMs: 30_000, intervalMs: 100 });
    expect(await gone(Pods, 'web-0', ns)).toBe(true);
  });
});
