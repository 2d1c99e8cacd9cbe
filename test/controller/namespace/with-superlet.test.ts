// Namespace deletion and foreground cascades with running pods: a scheduler and a superlet on the
// fake runtime run the pods, so their deletion is graceful and finished by the superlet.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/client/client-errors.js';
import type { KubeObject } from '../../../src/client/rest-client.js';
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
    const from = (await t.client.list<Pod>(Pods, { namespace: ns })).metadata.resourceVersion;
    const stopWatching = new AbortController();
    const seen: { line: string; rv: number }[] = [];
    const watching = [
      { type: Pods, options: { namespace: ns } },
      { type: Namespaces, options: { fieldSelector: `metadata.name=${ns}` } },
    ].map(async ({ type, options }) => {
      for await (const e of t.client.watch<KubeObject>(type, { ...options, resourceVersion: from, signal: stopWatching.signal })) {
        const deleting = e.object.metadata?.deletionTimestamp === undefined ? '' : ' deleting';
        seen.push({ line: `${type.kind} ${e.object.metadata?.name ?? ''} ${e.type}${deleting}`, rv: Number(e.object.metadata?.resourceVersion) });
      }
    });
    await t.client.delete(Namespaces, ns);
    await waitFor(() => gone(Namespaces, ns), { what: `namespace ${ns} gone`, timeoutMs: 30_000, intervalMs: 100 });
    await waitFor(() => seen.some((e) => e.line === `Namespace ${ns} DELETED deleting`), { what: 'the namespace DELETED event' });
    stopWatching.abort();
    await Promise.allSettled(watching);
    const story = seen.sort((x, y) => x.rv - y.rv).map((e) => e.line);
    const at = (line: string): number => story.indexOf(line);
    // Pods are deleted gracefully (marked, then removed by the superlet), and only then the namespace goes.
    for (const line of [`Namespace ${ns} MODIFIED deleting`, 'Pod a MODIFIED deleting', 'Pod b MODIFIED deleting', 'Pod a DELETED deleting', 'Pod b DELETED deleting']) {
      expect(story).toContain(line);
    }
    for (const pod of ['a', 'b']) {
      expect(at(`Pod ${pod} MODIFIED deleting`), story.join('; ')).toBeGreaterThan(at(`Namespace ${ns} MODIFIED deleting`));
      expect(at(`Pod ${pod} DELETED deleting`), story.join('; ')).toBeGreaterThan(at(`Pod ${pod} MODIFIED deleting`));
      expect(at(`Namespace ${ns} DELETED deleting`), story.join('; ')).toBeGreaterThan(at(`Pod ${pod} DELETED deleting`));
    }
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
    // Both watches from one revision: resourceVersions are the store's global revisions, so the
    // events of the two streams can be put in the order they happened.
    const from = (await t.client.list<Pod>(Pods, { namespace: ns })).metadata.resourceVersion;
    const seen: { kind: string; type: string; rv: number; obj: KubeObject }[] = [];
    const stopWatching = new AbortController();
    const watching = [Pods, ReplicaSets].map(async (type) => {
      for await (const e of t.client.watch<KubeObject>(type, { namespace: ns, resourceVersion: from, signal: stopWatching.signal })) {
        seen.push({ kind: type.kind, type: e.type, rv: Number(e.object.metadata?.resourceVersion), obj: e.object });
      }
    });
    await t.client.delete(ReplicaSets, 'web', ns, { propagationPolicy: 'Foreground' });
    await waitFor(() => gone(ReplicaSets, 'web', ns), { what: 'the ReplicaSet gone after its pod', timeoutMs: 30_000, intervalMs: 100 });
    await waitFor(() => seen.some((e) => e.kind === 'ReplicaSet' && e.type === 'DELETED'), { what: 'the ReplicaSet DELETED event' });
    stopWatching.abort();
    await Promise.allSettled(watching);
    seen.sort((a, b) => a.rv - b.rv);
    const story = seen.map((e) => `${e.kind} ${e.type}${e.obj.metadata?.deletionTimestamp === undefined ? '' : ` deleting(${String(e.obj.metadata.deletionGracePeriodSeconds)}s, ${(e.obj.metadata.finalizers ?? []).join('+')})`}`);
    const at = (pattern: RegExp): number => {
      const index = story.findIndex((line) => pattern.test(line));
      expect(index, `${String(pattern)} in ${story.join('; ')}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    // The owner is marked first, then its pod is deleted gracefully, removed by the superlet, and only then the owner goes.
    expect(at(/^ReplicaSet MODIFIED deleting\(0s, foregroundDeletion\)/), story.join('; ')).toBeGreaterThanOrEqual(0);
    expect(at(/^Pod MODIFIED deleting\(2s/), story.join('; ')).toBeGreaterThan(at(/^ReplicaSet MODIFIED deleting/));
    expect(at(/^Pod DELETED/), story.join('; ')).toBeGreaterThan(at(/^Pod MODIFIED deleting\(2s/));
    expect(at(/^ReplicaSet DELETED/), story.join('; ')).toBeGreaterThan(at(/^Pod DELETED/));
  });
});
