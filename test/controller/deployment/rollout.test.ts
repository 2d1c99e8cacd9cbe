// The Deployment and ReplicaSet controllers on a whole cluster (API server, scheduler, one superlet
// on the fake runtime): deployments become Available, rolling updates stay within maxSurge and
// maxUnavailable on every pod event, Recreate never runs old and new together, resizes mid-rollout
// are proportional, history is trimmed, and a stuck rollout exceeds its progress deadline.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployments, ReplicaSets } from '../../../src/client/resource-types.js';
import { deploymentController } from '../../../src/controller/deployment/index.js';
import { replicaSetController } from '../../../src/controller/replicaset/index.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import {
  condition,
  createNamespace,
  getDeployment,
  makeDeployment,
  ownedReplicaSets,
  PodWatcher,
  waitForDeployment,
  waitForEvent,
  waitForRollout,
} from './harness.js';

let cluster: TestCluster;
let controllers: TestControllers;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake' });
  controllers = await startTestControllers([deploymentController, replicaSetController], { plane: cluster.plane });
});

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

/** A readiness probe that always fails on the fake runtime (every exec exits 1). */
const NEVER_READY = {
  env: [{ name: 'FAKE_EXEC_EXIT_CODE', value: '1' }],
  readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 },
};

const setImage = async (ns: string, name: string, image: string): Promise<void> => {
  await cluster.client.patch(Deployments, name, ns, { spec: { template: { spec: { containers: [{ name: 'main', image }] } } } }, 'strategic');
};

describe('Deployment on the fake-runtime cluster', () => {
  it('5 replicas become Available, with a pod-template-hash ReplicaSet, revision 1 and upstream status', async () => {
    const ns = 'available';
    await createNamespace(cluster.client, ns);
    await cluster.client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 5 }));
    const d = await waitForRollout(cluster.client, ns, 'web');

    const [rs, ...others] = await ownedReplicaSets(cluster.client, ns, d);
    expect(others).toEqual([]);
    const hash = rs?.metadata?.labels?.['pod-template-hash'] ?? '';
    expect(hash).toMatch(/^[456789bcdf]+$/);
    expect(rs?.metadata?.name).toBe(`web-${hash}`);
    expect(rs?.spec?.selector?.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs?.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs?.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(rs?.metadata?.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '5',
      'deployment.kubernetes.io/max-replicas': '7',
    });
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 5, updatedReplicas: 5, readyReplicas: 5, availableReplicas: 5 });
    expect(d.status?.unavailableReplicas ?? 0).toBe(0);
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });

    const pods = (await cluster.client.list<{ metadata?: { labels?: Record<string, string> } }>({ group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true }, { namespace: ns })).items;
    expect(pods).toHaveLength(5);
    expect(pods.every((p) => p.metadata?.labels?.['pod-template-hash'] === hash)).toBe(true);
    await waitForEvent(cluster.client, ns, 'web', 'ScalingReplicaSet', new RegExp(`^Scaled up replica set web-${hash} from 0 to 5$`));
  });

  it('a rolling update never has fewer than replicas - maxUnavailable Ready pods nor more than replicas + maxSurge', async () => {
    const ns = 'rolling';
    await createNamespace(cluster.client, ns);
    // 25% of 6: surge rounds up to 2, unavailable down to 1. New pods take a second to turn
    // Ready, so that a scale-down of the old ones that did not wait for them would show.
    await cluster.client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 6, readyAfterSeconds: 1 }));
    const first = await waitForRollout(cluster.client, ns, 'web');
    const watcher = new PodWatcher(cluster.client, ns);
    await watcher.start();
    try {
      await waitFor(() => watcher.ready === 6 && watcher.active === 6, { what: 'the watch to see 6 Ready pods' });
      watcher.arm();
      await setImage(ns, 'web', 'supernetes.local/busybox:v2');
      const d = await waitForDeployment(cluster.client, ns, 'web', (x) => (x.metadata?.generation ?? 0) > (first.metadata?.generation ?? 0), 'the new generation');
      const done = await waitForRollout(cluster.client, ns, 'web');
      await waitFor(() => watcher.active === 6 && watcher.ready === 6, { what: 'the watch to settle at 6 Ready pods' });
      expect(watcher.maxActive, watcher.history.join(' ')).toBeLessThanOrEqual(8);
      expect(watcher.minReady, watcher.history.join(' ')).toBeGreaterThanOrEqual(5);
      // It did move: more than 6 pods at some moment, and fewer than 6 Ready at another.
      expect(watcher.maxActive).toBeGreaterThan(6);
      expect(watcher.history.length).toBeGreaterThan(10);

      const [old, current] = await ownedReplicaSets(cluster.client, ns, d);
      expect(old?.spec?.replicas).toBe(0);
      expect(current?.spec?.replicas).toBe(6);
      expect(current?.spec?.template?.spec?.containers?.[0]?.image).toBe('supernetes.local/busybox:v2');
      expect(old?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
      expect(current?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      expect(watcher.all.filter((p) => p.metadata?.deletionTimestamp === undefined).every((p) => p.spec?.containers?.[0]?.image === 'supernetes.local/busybox:v2')).toBe(true);
      await waitForEvent(cluster.client, ns, 'web', 'ScalingReplicaSet', new RegExp(`^Scaled down replica set ${old?.metadata?.name ?? ''} from \\d+ to 0$`));
    } finally {
      await watcher.stop();
    }
  });

  it('Recreate scales the old ReplicaSet to 0 and waits for its pods to be gone before creating the new one', async () => {
    const ns = 'recreate';
    await createNamespace(cluster.client, ns);
    await cluster.client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 3, strategy: 'Recreate' }));
    await waitForRollout(cluster.client, ns, 'web');
    const watcher = new PodWatcher(cluster.client, ns);
    let overlap = false;
    watcher.onEvent = (pods) => {
      const images = new Set(pods.map((p) => p.spec?.containers?.[0]?.image));
      if (images.size > 1) overlap = true;
    };
    await watcher.start();
    try {
      watcher.arm();
      await setImage(ns, 'web', 'supernetes.local/busybox:v2');
      const d = await waitForRollout(cluster.client, ns, 'web');
      // Not even a terminating old pod beside a new one: the old are gone before the new exist.
      expect(overlap).toBe(false);
      expect(watcher.maxActive).toBeLessThanOrEqual(3);
      expect(watcher.minReady).toBe(0);
      const [old, current] = await ownedReplicaSets(cluster.client, ns, d);
      expect(old?.spec?.replicas).toBe(0);
      expect(current?.spec?.replicas).toBe(3);
      expect(condition(d, 'Available')?.status).toBe('True');
    } finally {
      await watcher.stop();
    }
  });

  it('a resize in the middle of a rollout is shared in proportion between the old and new ReplicaSets', async () => {
    const ns = 'proportional';
    await createNamespace(cluster.client, ns);
    await cluster.client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 5, maxSurge: 1, maxUnavailable: 1 }));
    await waitForRollout(cluster.client, ns, 'web');
    // The new pods run but their readiness probe always fails: the rollout stops at old 4, new 2.
    await cluster.client.patch(Deployments, 'web', ns, { spec: { template: { spec: { containers: [{ name: 'main', ...NEVER_READY }] } } } }, 'strategic');
    const stuck = await waitForDeployment(cluster.client, ns, 'web', (x) => x.status?.observedGeneration === 2 && x.status.updatedReplicas === 2 && x.status.replicas === 6, 'old 4 and new 2');
    const [old, current] = await ownedReplicaSets(cluster.client, ns, stuck);
    expect([old?.spec?.replicas, current?.spec?.replicas]).toEqual([4, 2]);
    expect(condition(stuck, 'Available')?.status).toBe('True');

    // 5 -> 10 with surge 1: 11 allowed, 6 wanted; the larger (old) gets round(4*11/6)-4 = 3, the new 2.
    await cluster.client.patch(Deployments, 'web', ns, { spec: { replicas: 10 } }, 'merge', { subresource: 'scale' });
    await waitFor(
      async () => {
        const [o, n] = await ownedReplicaSets(cluster.client, ns, stuck);
        return o?.spec?.replicas === 7 && n?.spec?.replicas === 4 && o.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'] === '10';
      },
      { what: 'old 7 and new 4, annotated with the new size', timeoutMs: 20_000, intervalMs: 100 },
    );
    const after = await waitForDeployment(cluster.client, ns, 'web', (x) => x.status?.observedGeneration === x.metadata?.generation, 'the resize observed');
    expect(after.status?.replicas ?? 0).toBeLessThanOrEqual(11);
    await waitForEvent(cluster.client, ns, 'web', 'ScalingReplicaSet', new RegExp(`^Scaled up replica set ${old?.metadata?.name ?? ''} from 4 to 7$`));
  });

  it('a rollout whose pods crash exceeds its progress deadline (Progressing False, ProgressDeadlineExceeded)', async () => {
    const ns = 'deadline';
    await createNamespace(cluster.client, ns);
    await cluster.client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 2, progressDeadlineSeconds: 2, env: { FAKE_EXIT_CODE: '1' } }));
    const d = await waitForDeployment(cluster.client, ns, 'web', (x) => condition(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded', 'ProgressDeadlineExceeded', 30_000);
    const [rs] = await ownedReplicaSets(cluster.client, ns, d);
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'False', message: `ReplicaSet "${rs?.metadata?.name ?? ''}" has timed out progressing.` });
    expect(condition(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(d.status?.availableReplicas ?? 0).toBe(0);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets, deleting the oldest', async () => {
    const ns = 'history';
    await createNamespace(cluster.client, ns);
    await cluster.client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 1, revisionHistoryLimit: 1 }));
    await waitForRollout(cluster.client, ns, 'web');
    const names: string[] = [];
    for (const version of ['v2', 'v3', 'v4']) {
      await setImage(ns, 'web', `supernetes.local/busybox:${version}`);
      await waitForDeployment(cluster.client, ns, 'web', (x) => x.status?.observedGeneration === x.metadata?.generation, 'generation observed');
      const d = await waitForRollout(cluster.client, ns, 'web');
      const rss = await ownedReplicaSets(cluster.client, ns, d);
      names.push(...rss.map((rs) => rs.metadata?.name ?? ''));
    }
    const d = await getDeployment(cluster.client, ns, 'web');
    const rss = await waitFor(
      async () => {
        const list = await ownedReplicaSets(cluster.client, ns, d);
        return list.length === 2 ? list : undefined;
      },
      { what: 'two ReplicaSets left', timeoutMs: 20_000, intervalMs: 100 },
    );
    const byRevision = rss.map((rs) => [rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], rs.spec?.template?.spec?.containers?.[0]?.image]).sort();
    expect(byRevision).toEqual([
      ['3', 'supernetes.local/busybox:v3'],
      ['4', 'supernetes.local/busybox:v4'],
    ]);
    const all = await cluster.client.list<ReplicaSet>(ReplicaSets, { namespace: ns });
    expect(all.items).toHaveLength(2);
    expect(new Set(names).size).toBe(4);
  });
});
