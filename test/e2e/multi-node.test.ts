// Two superlets on one Docker daemon: the scheduler spreads pods over both, each superlet runs only
// its own, and a pod that fits nowhere stays Pending with the scheduler's upstream message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Pods } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { isRunningAndReady, shellPod, waitForEvent, waitForPod } from '../support/pods.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 2 });
});

afterAll(async () => {
  await cluster?.stop();
});

describe('two nodes on one Docker daemon', { timeout: 180_000 }, () => {
  it('spreads the pods of one owner over both nodes, and each node runs only its own', async () => {
    const names = ['spread-0', 'spread-1', 'spread-2', 'spread-3'];
    for (const name of names) {
      const pod = shellPod(name, 'sleep 3600');
      pod.metadata!.labels = { app: 'spread' };
      await cluster.client.create(Pods, pod);
    }
    const pods: Pod[] = [];
    for (const name of names) pods.push(await waitForPod(cluster.client, name, isRunningAndReady, 'Running'));
    const byNode = new Map<string, number>();
    for (const pod of pods) byNode.set(pod.spec!.nodeName!, (byNode.get(pod.spec!.nodeName!) ?? 0) + 1);
    expect([...byNode.keys()].sort()).toEqual(cluster.nodes.map((n) => n.name).sort());
    for (const node of cluster.nodes) {
      const mine = pods.filter((p) => p.spec?.nodeName === node.name).map((p) => p.metadata?.uid).sort();
      const running = [...new Set((await node.runtime.listContainers({ nodeName: node.name })).filter((c) => c.state === 'running' && names.includes(c.pod.name)).map((c) => c.pod.uid))].sort();
      expect(running).toEqual(mine);
    }
  });

  it('keeps a pod that asks for more CPU than any node has Pending, with the upstream message', async () => {
    const pod = shellPod('too-big', 'sleep 3600');
    pod.spec!.containers[0]!.resources = { requests: { cpu: '1000' } };
    await cluster.client.create(Pods, pod);
    const pending = await waitForPod(cluster.client, 'too-big', (p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') === true, 'PodScheduled=False');
    const condition = pending.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(condition?.reason).toBe('Unschedulable');
    expect(condition?.message).toMatch(/^0\/2 nodes are available: 2 Insufficient cpu\./);
    expect(pending.status?.phase).toBe('Pending');
    expect(pending.spec?.nodeName).toBeUndefined();
    await waitForEvent(cluster.client, 'too-big', 'FailedScheduling', /0\/2 nodes are available: 2 Insufficient cpu/);
  });
});
