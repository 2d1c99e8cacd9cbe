// PodGC against a real API server (no superlet: pod phases are written by the test through the
// status subresource, as a superlet would).
import type { Namespace, Node, NodeCondition, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/client/client-errors.js';
import { Namespaces, Nodes, Pods } from '../../../src/client/resource-types.js';
import type { WatchEvent } from '../../../src/client/rest-client.js';
import { podGCController } from '../../../src/controller/podgc/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitForPodGone } from '../../support/pods.js';
import { waitFor } from '../../support/wait.js';

const QUARANTINE_MS = 1_500;

describe('PodGC', () => {
  let t: TestControllers;

  beforeAll(async () => {
    t = await startTestControllers([podGCController({ terminatedPodGCThreshold: 3, gcPeriodMs: 200, quarantineMs: QUARANTINE_MS })]);
  });
  afterAll(async () => {
    await t.stop();
  });

  async function createPod(name: string, nodeName?: string, namespace = 'default'): Promise<Pod> {
    return t.client.create<Pod>(Pods, {
      metadata: { name, namespace },
      spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName === undefined ? {} : { nodeName }) },
    });
  }
  async function setStatus(name: string, status: Pod['status'], namespace = 'default'): Promise<void> {
    await t.client.patch(Pods, name, namespace, { status }, 'merge', { subresource: 'status' });
  }
  async function exists(name: string, namespace = 'default'): Promise<boolean> {
    try {
      await t.client.get<Pod>(Pods, name, namespace);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
  async function createNode(name: string, ready: NodeCondition['status'], taints: NonNullable<Node['spec']>['taints'] = []): Promise<void> {
    await t.client.create<Node>(Nodes, { metadata: { name }, spec: { taints } });
    await t.client.patch(Nodes, name, undefined, { status: { conditions: [{ type: 'Ready', status: ready, reason: 'Test' }] } }, 'merge', { subresource: 'status' });
  }

  it('keeps only the threshold of terminated pods, evicted and oldest deleted first', async () => {
    const ns = 'gc-terminated';
    await t.client.create<Namespace>(Namespaces, { metadata: { name: ns } });
    // Stopped while the pods finish, so the first pass sees them all and must choose.
    await t.stopControllers();
    // Created one by one: creation times are whole seconds, names break ties in the same order.
    for (const name of ['t1', 't2', 't3', 't4', 't5', 'z-evicted', 'running']) await createPod(name, undefined, ns);
    for (const name of ['t1', 't2', 't3', 't4', 't5']) await setStatus(name, { phase: name === 't2' ? 'Failed' : 'Succeeded' }, ns);
    await setStatus('running', { phase: 'Running' }, ns);
    // The newest pod, but evicted: it goes first.
    await setStatus('z-evicted', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }, ns);
    await t.restartControllers();
    // 6 terminated (only this test leaves terminated pods), threshold 3.
    const names = async (): Promise<string[]> => (await t.client.list<Pod>(Pods, { namespace: ns })).items.map((p) => p.metadata?.name ?? '').sort();
    await waitFor(async () => (await names()).length === 4, { what: 'three terminated pods deleted' });
    expect(await names()).toEqual(['running', 't3', 't4', 't5']);
  });

  it('deletes the pods of a node that no longer exists after the quarantine, marking them Failed first', async () => {
    const events: WatchEvent<Pod>[] = [];
    const list = await t.client.list<Pod>(Pods, { namespace: 'default' });
    const stopWatch = new AbortController();
    const watching = (async () => {
      for await (const event of t.client.watch<Pod>(Pods, { namespace: 'default', resourceVersion: list.metadata.resourceVersion, signal: stopWatch.signal })) events.push(event);
    })();
    try {
      const start = Date.now();
      await createPod('orphan', 'ghost-node');
      await setStatus('orphan', { phase: 'Running' });
      // A node that shows up during the quarantine saves its pods.
      await createPod('saved', 'late-node');
      await createNode('late-node', 'True');
      await waitForPodGone(t.client, 'orphan', 10_000);
      expect(Date.now() - start).toBeGreaterThanOrEqual(QUARANTINE_MS);
      expect(await exists('saved')).toBe(true);
      const failed = events.find((e) => e.object.metadata?.name === 'orphan' && e.type === 'MODIFIED' && e.object.status?.phase === 'Failed');
      expect(failed?.object.status?.conditions).toContainEqual(
        expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }),
      );
    } finally {
      stopWatch.abort();
      await watching.catch(() => undefined);
    }
  });

  it('force-deletes terminating pods on an out-of-service node, and only there', async () => {
    await createNode('oos-node', 'False', [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }]);
    await createNode('down-node', 'False');
    await createPod('on-oos', 'oos-node');
    await createPod('on-down', 'down-node');
    await setStatus('on-oos', { phase: 'Running' });
    await setStatus('on-down', { phase: 'Running' });
    // Graceful deletes: with no superlet, both would stay Terminating.
    await t.client.delete(Pods, 'on-oos', 'default');
    await t.client.delete(Pods, 'on-down', 'default');
    await waitForPodGone(t.client, 'on-oos', 10_000);
    const stuck = await t.client.get<Pod>(Pods, 'on-down', 'default');
    expect(stuck.metadata?.deletionTimestamp).toBeDefined();
    // Cleanup for the other tests: force it.
    await t.client.delete(Pods, 'on-down', 'default', { gracePeriodSeconds: 0 });
  });

  it('deletes the orphans of a node deleted while it was stopped, after a restart', async () => {
    await createNode('doomed', 'True');
    await createPod('doomed-pod', 'doomed');
    await t.stopControllers();
    await t.client.delete(Nodes, 'doomed');
    await t.restartControllers();
    await waitForPodGone(t.client, 'doomed-pod', 10_000);
    await waitFor(() => exists('saved'), { what: 'the pod of an existing node to stay' });
  });
});
