// A node whose superlet stops: its Lease is no longer renewed, SuperController marks it Unknown
// and taints it, evicts its pods after their tolerationSeconds, and the ReplicaSet brings them
// back on the other node (a second superlet on the same Docker daemon). Times are shortened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Nodes, Pods } from '../../src/client/resource-types.js';
import { allControllers } from '../../src/controller/all-controllers.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startTestControllers, type TestControllers } from '../support/controllers.js';
import { isRunningAndReady } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;
let controllers: TestControllers;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 2 });
  const nodeLifecycle = { gracePeriodMs: 8000, monitorPeriodMs: 1000, evictionQps: 10, defaultTolerationSeconds: 2 };
  controllers = await startTestControllers(allControllers({ nodeLifecycle }), { plane: cluster.plane });
});

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

describe('node loss', { timeout: 300_000 }, () => {
  it('marks the node Unknown and brings its pods back on the other node', async () => {
    await cluster.kubectl.ok(['create', 'deployment', 'survive', '--image=supernetes.local/busybox:latest', '--replicas=4', '--', 'sleep', '3600']);
    await cluster.kubectl.ok(['rollout', 'status', 'deployment/survive', '--timeout=240s']);
    const [, lost] = cluster.nodes;
    const before = (await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=survive' })).items;
    const onLost = before.filter((p) => p.spec?.nodeName === lost!.name);
    expect(onLost.length).toBeGreaterThan(0);

    lost!.stop();
    const node = await waitFor(async () => {
      const n = await cluster.client.get<Node>(Nodes, lost!.name);
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'Unknown' && (n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
    }, { what: `node ${lost!.name} Unknown and tainted`, timeoutMs: 120_000, intervalMs: 500 });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe('Kubelet stopped posting node status.');

    await waitFor(async () => {
      const pods = (await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=survive' })).items
        .filter((p) => p.metadata?.deletionTimestamp === undefined);
      return pods.length === 4 && pods.every((p) => p.spec?.nodeName === cluster.nodes[0]!.name && isRunningAndReady(p));
    }, { what: '4 ready pods on the remaining node', timeoutMs: 180_000, intervalMs: 500 });
  });
});
