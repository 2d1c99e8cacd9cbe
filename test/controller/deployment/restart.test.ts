// SuperController stopped in the middle of a rolling update (several times, at different points)
// and started again: the rollout finishes with exactly spec.replicas pods of the new template, and
// at no pod event were there more than replicas + maxSurge pods or fewer than replicas -
// maxUnavailable Ready ones. Nothing in memory is needed: the new controllers read it all back.
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployments } from '../../../src/client/resource-types.js';
import { deploymentController } from '../../../src/controller/deployment/index.js';
import { replicaSetController } from '../../../src/controller/replicaset/index.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { createNamespace, getDeployment, makeDeployment, ownedReplicaSets, PodWatcher, rolledOut, waitForRollout } from './harness.js';

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

describe('Deployment controller restarts', () => {
  it('stopped and restarted in the middle of a rollout converges to exactly the desired replicas within the bounds', async () => {
    const ns = 'restart';
    await createNamespace(cluster.client, ns);
    await cluster.client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 8, maxSurge: 2, maxUnavailable: 1, readyAfterSeconds: 1 }));
    await waitForRollout(cluster.client, ns, 'web');
    const watcher = new PodWatcher(cluster.client, ns);
    await watcher.start();
    const newPods = (): number => watcher.all.filter((p) => p.metadata?.deletionTimestamp === undefined && p.spec?.containers?.[0]?.image === 'supernetes.local/busybox:v2').length;
    try {
      await waitFor(() => watcher.active === 8 && watcher.ready === 8, { what: 'the watch to see 8 Ready pods' });
      watcher.arm();
      await cluster.client.patch(Deployments, 'web', ns, { spec: { template: { spec: { containers: [{ name: 'main', image: 'supernetes.local/busybox:v2' }] } } } }, 'strategic');

      const stoppedAt: string[] = [];
      for (const milestone of [1, 4, 6]) {
        await waitFor(() => newPods() >= milestone, { what: `${milestone} new pods`, intervalMs: 5 });
        await controllers.stopControllers();
        const d = await getDeployment(cluster.client, ns, 'web');
        stoppedAt.push(`${newPods()} new pods, rolled out: ${String(rolledOut(d))}`);
        // While no controller runs, the pods already asked for still start and turn Ready.
        await waitFor(() => watcher.all.filter((p) => p.metadata?.deletionTimestamp === undefined).every((p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')), {
          what: 'the pods to settle while the controllers are down',
          timeoutMs: 20_000,
        });
        await controllers.restartControllers();
      }
      // Each stop came before the rollout was over.
      expect(stoppedAt.every((s) => s.endsWith('false')), stoppedAt.join('; ')).toBe(true);

      const d = await waitForRollout(cluster.client, ns, 'web');
      await waitFor(() => watcher.active === 8 && newPods() === 8 && watcher.ready === 8, { what: 'exactly 8 new Ready pods', timeoutMs: 20_000 });
      expect(watcher.maxActive, watcher.history.join(' ')).toBeLessThanOrEqual(10);
      expect(watcher.minReady, watcher.history.join(' ')).toBeGreaterThanOrEqual(7);
      const rss = await ownedReplicaSets(cluster.client, ns, d);
      expect(rss.map((rs) => rs.spec?.replicas).sort()).toEqual([0, 8]);
      expect(rss).toHaveLength(2);
      expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    } finally {
      await watcher.stop();
    }
  });
});
