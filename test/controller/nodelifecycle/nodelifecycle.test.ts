// The node lifecycle controller with taint-based eviction against a real API server. Nodes and
// their leases are driven by hand (NodeSim); pods are created bound to them and their status is
// written by the test, as a superlet would.
import type { Event, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Events, Nodes, Pods } from '../../../src/client/resource-types.js';
import type { RestClient } from '../../../src/client/rest-client.js';
import { nodeLifecycleController } from '../../../src/controller/nodelifecycle/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { NodeSim, readyOf } from './node-sim.js';

const GRACE_MS = 1_500;
const DEFAULT_TOLERATION_SECONDS = 3;

const taintsOf = (node: Node): Taint[] => node.spec?.taints ?? [];
const hasTaint = (node: Node, key: string, effect: string): boolean => taintsOf(node).some((t) => t.key === key && t.effect === effect);

async function createPod(client: RestClient, name: string, nodeName: string, tolerations: Toleration[] = []): Promise<void> {
  await client.create<Pod>(Pods, { metadata: { name, namespace: 'default' }, spec: { nodeName, tolerations, containers: [{ name: 'c', image: 'busybox' }] } });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.patch(Pods, name, 'default', {
    status: {
      phase: 'Running',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
    },
  }, 'merge', { subresource: 'status' });
}

const getPod = (client: RestClient, name: string): Promise<Pod> => client.get<Pod>(Pods, name, 'default');
const podReady = (pod: Pod): string | undefined => pod.status?.conditions?.find((c) => c.type === 'Ready')?.status;

async function events(client: RestClient, namespace = 'default'): Promise<Event[]> {
  return (await client.list<Event>(Events, { namespace })).items;
}

describe('node lifecycle controller', () => {
  let t: TestControllers;

  beforeAll(async () => {
    t = await startTestControllers([
      nodeLifecycleController({ gracePeriodMs: GRACE_MS, monitorPeriodMs: 200, defaultTolerationSeconds: DEFAULT_TOLERATION_SECONDS, evictionQps: 10 }),
    ]);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('marks a node that stops renewing Unknown, taints it, evicts its pods by their tolerations, and untaints it when it returns', async () => {
    const healthy = new NodeSim(t.client, 'healthy');
    const lost = new NodeSim(t.client, 'lost');
    await healthy.start();
    await lost.start();
    try {
      await createPod(t.client, 'short', 'lost', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }]);
      await createPod(t.client, 'defaulted', 'lost');
      await createPod(t.client, 'forever', 'lost', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
      await createPod(t.client, 'elsewhere', 'healthy');
      // Alive for longer than the grace period: the lease alone keeps it Ready.
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 500));
      expect(readyOf(await lost.node())?.status).toBe('True');

      const stoppedAt = Date.now();
      await lost.stop();
      const unknown = await waitFor(async () => {
        const node = await lost.node();
        return readyOf(node)?.status === 'Unknown' ? node : undefined;
      }, { what: 'the lost node to turn Unknown', timeoutMs: 10_000 });
      // The last renewal may have landed up to one renew period before the stop.
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(GRACE_MS - 250);
      for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
        expect(unknown.status?.conditions?.find((c) => c.type === type)).toMatchObject({
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
        });
      }
      const tainted = await waitFor(async () => {
        const node = await lost.node();
        return hasTaint(node, 'node.kubernetes.io/unreachable', 'NoExecute') && hasTaint(node, 'node.kubernetes.io/unreachable', 'NoSchedule') ? node : undefined;
      }, { what: 'the unreachable taints', timeoutMs: 10_000 });
      expect(taintsOf(tainted).find((x) => x.effect === 'NoExecute')?.timeAdded).toMatch(/Z$/);
      expect(hasTaint(tainted, 'node.kubernetes.io/not-ready', 'NoExecute')).toBe(false);

      // MarkPodsNotReady, with its event.
      await waitFor(async () => podReady(await getPod(t.client, 'forever')) === 'False', { what: 'pods on the lost node not ready' });
      await waitFor(async () => (await events(t.client)).some((e) => e.involvedObject.name === 'forever' && e.reason === 'NodeNotReady' && e.message === 'Node is not ready'), {
        what: 'the NodeNotReady event',
      });

      // A controller crash meanwhile: the clocks run from the taint's timeAdded, not from memory.
      await t.stopControllers();
      await t.restartControllers();

      const deleted = (name: string) => async (): Promise<Pod | undefined> => {
        const pod = await getPod(t.client, name);
        return pod.metadata?.deletionTimestamp !== undefined ? pod : undefined;
      };
      const short = await waitFor(deleted('short'), { what: 'short to be evicted', timeoutMs: 10_000 });
      const shortAt = Date.now();
      await waitFor(deleted('defaulted'), { what: 'defaulted to be evicted', timeoutMs: 15_000 });
      const defaultedAt = Date.now();
      expect(shortAt).toBeLessThan(defaultedAt);
      // Each clock runs from the taint's timeAdded (whole seconds, so never later than the real add).
      const addedAt = Date.parse(taintsOf(tainted).find((x) => x.effect === 'NoExecute')?.timeAdded ?? '');
      expect(shortAt).toBeGreaterThanOrEqual(addedAt + 1_000);
      expect(defaultedAt).toBeGreaterThanOrEqual(addedAt + DEFAULT_TOLERATION_SECONDS * 1000);
      expect(short.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
        status: 'True',
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
      });
      const evictions = (await events(t.client)).filter((e) => e.reason === 'TaintManagerEviction');
      expect(evictions.map((e) => e.message)).toEqual(expect.arrayContaining(['Marking for deletion Pod default/short', 'Marking for deletion Pod default/defaulted']));
      expect((await events(t.client)).some((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === 'lost' && e.reason === 'NodeNotReady')).toBe(true);

      // The healthy node and its pod were never touched.
      const other = await healthy.node();
      expect(readyOf(other)?.status).toBe('True');
      expect(taintsOf(other)).toEqual([]);
      expect((await getPod(t.client, 'elsewhere')).metadata?.deletionTimestamp).toBeUndefined();

      // The kubelet comes back: lease renewed and Ready posted.
      lost.resume();
      await lost.postStatus('True');
      await waitFor(async () => taintsOf(await lost.node()).length === 0, { what: 'the taints removed', timeoutMs: 10_000 });
      expect((await getPod(t.client, 'forever')).metadata?.deletionTimestamp).toBeUndefined();
    } finally {
      await healthy.stop();
      await lost.stop();
    }
  });

  it('taints a node that reports NotReady or pressure with the condition taints, and swaps to unreachable when it goes silent', async () => {
    const anchor = new NodeSim(t.client, 'anchor');
    const sick = new NodeSim(t.client, 'sick');
    await anchor.start();
    await sick.start();
    try {
      await sick.postStatus('False', [{ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory' }]);
      await waitFor(async () => {
        const node = await sick.node();
        return hasTaint(node, 'node.kubernetes.io/not-ready', 'NoExecute') && hasTaint(node, 'node.kubernetes.io/not-ready', 'NoSchedule') && hasTaint(node, 'node.kubernetes.io/memory-pressure', 'NoSchedule');
      }, { what: 'not-ready and memory-pressure taints', timeoutMs: 10_000 });
      // Cordoned: the unschedulable taint; a taint of someone else's stays.
      await t.client.patch(Nodes, 'sick', undefined, { spec: { unschedulable: true, taints: [...taintsOf(await sick.node()), { key: 'example.com/mine', effect: 'NoSchedule' }] } }, 'merge');
      await waitFor(async () => hasTaint(await sick.node(), 'node.kubernetes.io/unschedulable', 'NoSchedule'), { what: 'the unschedulable taint' });

      await sick.stop();
      await waitFor(async () => {
        const node = await sick.node();
        return hasTaint(node, 'node.kubernetes.io/unreachable', 'NoExecute') && !hasTaint(node, 'node.kubernetes.io/not-ready', 'NoExecute') && hasTaint(node, 'node.kubernetes.io/unreachable', 'NoSchedule');
      }, { what: 'the taints swapped to unreachable', timeoutMs: 10_000 });

      sick.resume();
      await sick.postStatus('True');
      await t.client.patch(Nodes, 'sick', undefined, { spec: { unschedulable: false } }, 'merge');
      await waitFor(async () => {
        const keys = taintsOf(await sick.node()).map((x) => `${x.key}:${x.effect}`);
        return keys.length === 1 && keys[0] === 'example.com/mine:NoSchedule';
      }, { what: 'only the foreign taint left', timeoutMs: 10_000 });
    } finally {
      await anchor.stop();
      await sick.stop();
    }
  });
});

describe('node lifecycle controller when every node is down', () => {
  let t: TestControllers;

  beforeAll(async () => {
    t = await startTestControllers([nodeLifecycleController({ gracePeriodMs: GRACE_MS, monitorPeriodMs: 200, defaultTolerationSeconds: 1, evictionQps: 10 })]);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('marks the node Unknown but evicts nothing until another node is Ready (master disruption mode)', async () => {
    const only = new NodeSim(t.client, 'only');
    await only.start();
    await createPod(t.client, 'survivor', 'only');
    await only.stop();
    await waitFor(async () => readyOf(await only.node())?.status === 'Unknown', { what: 'Unknown', timeoutMs: 10_000 });
    await waitFor(async () => podReady(await getPod(t.client, 'survivor')) === 'False', { what: 'the pod marked not ready' });
    await waitFor(async () => hasTaint(await only.node(), 'node.kubernetes.io/unreachable', 'NoSchedule'), { what: 'the NoSchedule taint' });
    // A negative check: several monitor periods and more than the toleration pass with no NoExecute taint.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hasTaint(await only.node(), 'node.kubernetes.io/unreachable', 'NoExecute')).toBe(false);
    expect((await getPod(t.client, 'survivor')).metadata?.deletionTimestamp).toBeUndefined();

    // Another node is Ready: the controller trusts its view again; the lost node gets a fresh grace, then the taint.
    const fresh = new NodeSim(t.client, 'fresh');
    await fresh.start();
    try {
      await waitFor(async () => hasTaint(await only.node(), 'node.kubernetes.io/unreachable', 'NoExecute'), { what: 'the NoExecute taint', timeoutMs: 10_000 });
      await waitFor(async () => (await getPod(t.client, 'survivor')).metadata?.deletionTimestamp !== undefined, { what: 'the eviction', timeoutMs: 10_000 });
    } finally {
      await fresh.stop();
    }
  });
});
