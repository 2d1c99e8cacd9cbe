// The ReplicaSet controller on a whole cluster (API server, scheduler, one superlet on the fake
// runtime): the pods it creates are scheduled, run and turn Ready, and the status says so.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicaSets } from '../../../src/client/resource-types.js';
import { replicaSetController } from '../../../src/controller/replicaset/index.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { isRunningAndReady } from '../../support/pods.js';
import { waitFor } from '../../support/wait.js';
import { makeReplicaSet, ownedPods, waitForStatus } from './harness.js';

let cluster: TestCluster;
let controllers: TestControllers;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake' });
  controllers = await startTestControllers([replicaSetController], { plane: cluster.plane });
});

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

describe('ReplicaSet on the fake-runtime cluster', () => {
  it('runs 5 replicas as 5 Running and Ready pods and reports readyReplicas 5', async () => {
    const rs = await cluster.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('default', 'hello', { replicas: 5 }));
    const uid = rs.metadata?.uid ?? '';
    const pods = await waitFor(
      async () => {
        const owned = await ownedPods(cluster.client, 'default', uid);
        return owned.length === 5 && owned.every(isRunningAndReady) ? owned : undefined;
      },
      { what: '5 Running and Ready pods', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(pods.every((p) => p.spec?.nodeName === cluster.nodes[0]?.name)).toBe(true);
    const status = await waitForStatus(cluster.client, 'default', 'hello', (r) => r.status?.readyReplicas === 5, 'readyReplicas 5', 30_000);
    expect(status.status).toMatchObject({ replicas: 5, fullyLabeledReplicas: 5, readyReplicas: 5, availableReplicas: 5, observedGeneration: 1 });
    expect(await ownedPods(cluster.client, 'default', uid)).toHaveLength(5);
  });
});
