// The ReplicaSet controller against a real in-process API server (no superlet: pods stay Pending
// unless a test writes their status, as a superlet would).
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pods, ReplicaSets } from '../../../src/client/resource-types.js';
import { replicaSetController } from '../../../src/controller/replicaset/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import {
  createNamespace,
  eventsFor,
  getReplicaSet,
  makePod,
  makeReplicaSet,
  ownedPods,
  setPodStatus,
  waitForOwnedPods,
  waitForStatus,
} from './harness.js';

let t: TestControllers;

beforeAll(async () => {
  t = await startTestControllers([replicaSetController]);
});

afterAll(async () => {
  await t?.stop();
});

async function scale(namespace: string, name: string, replicas: number): Promise<void> {
  await t.client.patch(ReplicaSets, name, namespace, { spec: { replicas } }, 'merge');
}

describe('ReplicaSet controller', () => {
  it('creates the replicas from the template, owned by the ReplicaSet, and scales up and down', async () => {
    await createNamespace(t.client, 'rs-scale');
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('rs-scale', 'web', { replicas: 3, extraLabels: { tier: 'front' } }));
    const uid = rs.metadata?.uid ?? '';
    const pods = await waitForOwnedPods(t.client, 'rs-scale', uid, 3);
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(pod.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
      expect(pod.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid, controller: true, blockOwnerDeletion: true }]);
      expect(pod.spec?.containers[0]?.image).toBe('supernetes.local/busybox:latest');
    }
    await waitForStatus(t.client, 'rs-scale', 'web', (r) => r.status?.replicas === 3 && r.status.observedGeneration === 1, 'replicas 3');
    const created = await waitFor(async () => {
      const events = (await eventsFor(t.client, 'rs-scale', 'web')).filter((e) => e.reason === 'SuccessfulCreate');
      return events.length === 3 ? events : undefined;
    }, { what: 'three SuccessfulCreate events' });
    expect(created.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata?.name ?? ''}`).sort());
    expect(created.every((e) => e.type === 'Normal' && e.involvedObject.kind === 'ReplicaSet' && e.involvedObject.uid === uid)).toBe(true);

    await scale('rs-scale', 'web', 7);
    await waitForOwnedPods(t.client, 'rs-scale', uid, 7);
    const scaledUp = await waitForStatus(t.client, 'rs-scale', 'web', (r) => r.status?.replicas === 7, 'replicas 7');
    expect(scaledUp.status?.observedGeneration).toBe(scaledUp.metadata?.generation);

    await scale('rs-scale', 'web', 2);
    const left = await waitForOwnedPods(t.client, 'rs-scale', uid, 2);
    await waitForStatus(t.client, 'rs-scale', 'web', (r) => r.status?.replicas === 2 && r.status.fullyLabeledReplicas === 2, 'replicas 2');
    const deleted = await waitFor(async () => {
      const events = (await eventsFor(t.client, 'rs-scale', 'web')).filter((e) => e.reason === 'SuccessfulDelete');
      return events.length === 5 ? events : undefined;
    }, { what: 'five SuccessfulDelete events' });
    for (const e of deleted) expect(e.message).toMatch(/^Deleted pod: web-[a-z0-9]{5}$/);
    const survivors = new Set(left.map((p) => p.metadata?.name));
    expect(deleted.some((e) => survivors.has(e.message?.slice('Deleted pod: '.length)))).toBe(false);

    await scale('rs-scale', 'web', 0);
    await waitForOwnedPods(t.client, 'rs-scale', uid, 0);
    await waitForStatus(t.client, 'rs-scale', 'web', (r) => (r.status?.replicas ?? 0) === 0 && r.status?.observedGeneration === r.metadata?.generation, 'replicas 0');
  });

  it('replaces a deleted pod and a pod that failed, and never counts finished pods', async () => {
    await createNamespace(t.client, 'rs-replace');
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('rs-replace', 'api', { replicas: 2 }));
    const uid = rs.metadata?.uid ?? '';
    const [first, second] = await waitForOwnedPods(t.client, 'rs-replace', uid, 2);
    await t.client.delete(Pods, first?.metadata?.name ?? '', 'rs-replace');
    const afterDelete = await waitFor(async () => {
      const pods = await ownedPods(t.client, 'rs-replace', uid);
      return pods.length === 2 && !pods.some((p) => p.metadata?.uid === first?.metadata?.uid) ? pods : undefined;
    }, { what: 'the deleted pod replaced' });
    expect(afterDelete.some((p) => p.metadata?.uid === second?.metadata?.uid)).toBe(true);

    // A pod that ran to an end is no replica any more: a new one takes its place, the old one stays.
    await setPodStatus(t.client, second as Pod, { phase: 'Failed' });
    await waitFor(async () => {
      const pods = await ownedPods(t.client, 'rs-replace', uid);
      return pods.length === 2 && !pods.some((p) => p.metadata?.uid === second?.metadata?.uid);
    }, { what: 'the failed pod replaced' });
    const failedStill = await t.client.get<Pod>(Pods, second?.metadata?.name ?? '', 'rs-replace');
    expect(failedStill.status?.phase).toBe('Failed');
    await waitForStatus(t.client, 'rs-replace', 'api', (r) => r.status?.replicas === 2, 'replicas 2 (the failed pod not counted)');
  });

  it('deletes surplus pods in upstream order: pending before running, not ready before ready', async () => {
    await createNamespace(t.client, 'rs-order');
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('rs-order', 'db', { replicas: 5 }));
    const uid = rs.metadata?.uid ?? '';
    const pods = await waitForOwnedPods(t.client, 'rs-order', uid, 5);
    const [pending, notReady, readyA, readyB, readyC] = pods as [Pod, Pod, Pod, Pod, Pod];
    const hourAgo = new Date(Date.now() - 3_600_000);
    await setPodStatus(t.client, notReady, { phase: 'Running', ready: false });
    for (const pod of [readyA, readyB, readyC]) await setPodStatus(t.client, pod, { phase: 'Running', ready: true, readySince: hourAgo });
    expect(pending.status?.phase ?? 'Pending').toBe('Pending');
    await waitForStatus(t.client, 'rs-order', 'db', (r) => r.status?.readyReplicas === 3, 'readyReplicas 3');

    await scale('rs-order', 'db', 3);
    const left = await waitForOwnedPods(t.client, 'rs-order', uid, 3);
    expect(left.map((p) => p.metadata?.name).sort()).toEqual([readyA, readyB, readyC].map((p) => p.metadata?.name).sort());

    // Among ready pods, the one that restarts most goes first.
    await setPodStatus(t.client, readyB, { phase: 'Running', ready: true, readySince: hourAgo, restarts: 4 });
    await waitFor(async () => (await t.client.get<Pod>(Pods, readyB.metadata?.name ?? '', 'rs-order')).status?.containerStatuses?.[0]?.restartCount === 4, {
      what: 'restart count written',
    });
    await waitForStatus(t.client, 'rs-order', 'db', (r) => r.status?.replicas === 3, 'replicas 3');
    await scale('rs-order', 'db', 2);
    const last = await waitForOwnedPods(t.client, 'rs-order', uid, 2);
    expect(last.map((p) => p.metadata?.name).sort()).toEqual([readyA, readyC].map((p) => p.metadata?.name).sort());
  });

  it('adopts matching orphans and releases pods that stop matching', async () => {
    await createNamespace(t.client, 'rs-adopt');
    const orphan = await t.client.create<Pod>(Pods, makePod('rs-adopt', 'orphan', { app: 'cache' }));
    const stranger = await t.client.create<Pod>(Pods, makePod('rs-adopt', 'stranger', { app: 'other' }));
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('rs-adopt', 'cache', { replicas: 2, extraLabels: { tier: 'mem' } }));
    const uid = rs.metadata?.uid ?? '';
    const pods = await waitForOwnedPods(t.client, 'rs-adopt', uid, 2);
    // The orphan was adopted (so only one pod was created), the stranger left alone.
    expect(pods.some((p) => p.metadata?.uid === orphan.metadata?.uid)).toBe(true);
    const adopted = await t.client.get<Pod>(Pods, 'orphan', 'rs-adopt');
    expect(adopted.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cache', uid, controller: true, blockOwnerDeletion: true }]);
    expect((await t.client.get<Pod>(Pods, 'stranger', 'rs-adopt')).metadata?.ownerReferences).toBeUndefined();
    expect(stranger.metadata?.uid).toBeDefined();
    // The adopted pod lacks the template's tier label: matched by the selector but not fully labeled.
    await waitForStatus(t.client, 'rs-adopt', 'cache', (r) => r.status?.replicas === 2 && r.status.fullyLabeledReplicas === 1, 'fullyLabeledReplicas 1');

    // Relabelled out of the selector: released (its ownerReference removed) and replaced.
    await t.client.patch(Pods, 'orphan', 'rs-adopt', { metadata: { labels: { app: 'retired' } } }, 'merge');
    await waitFor(async () => ((await t.client.get<Pod>(Pods, 'orphan', 'rs-adopt')).metadata?.ownerReferences ?? []).length === 0, {
      what: 'the relabelled pod released',
    });
    const after = await waitFor(async () => {
      const owned = await ownedPods(t.client, 'rs-adopt', uid);
      return owned.length === 2 && !owned.some((p) => p.metadata?.name === 'orphan') ? owned : undefined;
    }, { what: 'a replacement for the released pod' });
    expect(after.every((p) => p.metadata?.labels?.tier === 'mem')).toBe(true);
    await waitForStatus(t.client, 'rs-adopt', 'cache', (r) => r.status?.replicas === 2 && r.status.fullyLabeledReplicas === 2, 'fullyLabeledReplicas 2');
  });

  it('does not adopt a pod another controller owns', async () => {
    await createNamespace(t.client, 'rs-owned');
    const foreign = makePod('rs-owned', 'foreign', { app: 'second' });
    const otherUid = '0b9f7c1e-5d2a-4f0e-9a57-3c1d2e4f5a6b';
    foreign.metadata = { ...foreign.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'someone', uid: otherUid, controller: true }] };
    await t.client.create<Pod>(Pods, foreign);
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('rs-owned', 'second', { replicas: 1 }));
    const owned = await waitForOwnedPods(t.client, 'rs-owned', rs.metadata?.uid ?? '', 1);
    expect(owned[0]?.metadata?.name).not.toBe('foreign');
    await waitForStatus(t.client, 'rs-owned', 'second', (r) => r.status?.replicas === 1, 'replicas 1');
    const stillForeign = await t.client.get<Pod>(Pods, 'foreign', 'rs-owned');
    expect(stillForeign.metadata?.ownerReferences?.map((r) => r.uid)).toEqual([otherUid]);
  });

  it('reports ready and available replicas, honouring minReadySeconds', async () => {
    await createNamespace(t.client, 'rs-status');
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('rs-status', 'svc', { replicas: 3, minReadySeconds: 3 }));
    const uid = rs.metadata?.uid ?? '';
    const [longReady, justReady] = await waitForOwnedPods(t.client, 'rs-status', uid, 3);
    await waitForStatus(t.client, 'rs-status', 'svc', (r) => r.status?.replicas === 3 && (r.status.readyReplicas ?? 0) === 0, 'replicas 3, none ready');

    await setPodStatus(t.client, longReady as Pod, { phase: 'Running', ready: true, readySince: new Date(Date.now() - 60_000) });
    const readyAt = Date.now();
    await setPodStatus(t.client, justReady as Pod, { phase: 'Running', ready: true, readySince: new Date(readyAt) });
    const partly = await waitForStatus(t.client, 'rs-status', 'svc', (r) => r.status?.readyReplicas === 2, 'readyReplicas 2');
    expect(partly.status?.availableReplicas).toBe(1);
    expect(partly.status?.fullyLabeledReplicas).toBe(3);

    // Nothing changes on the API server when the 3 s pass: the controller must come back by itself.
    const available = await waitForStatus(t.client, 'rs-status', 'svc', (r) => r.status?.availableReplicas === 2, 'availableReplicas 2', 10_000);
    // Timestamps have whole seconds, so the pod may count from up to 1 s before readyAt.
    expect(Date.now() - readyAt).toBeGreaterThanOrEqual(2_000);
    expect(available.status?.readyReplicas).toBe(2);
    expect(available.status?.observedGeneration).toBe(1);
  });

  it('sets ReplicaFailure with reason FailedCreate when pods cannot be created, and clears it once they can', async () => {
    await createNamespace(t.client, 'rs-fail');
    // A template annotation the pod validation refuses ("Invalid"): every create fails.
    const bad = makeReplicaSet('rs-fail', 'broken', { replicas: 3, templateAnnotations: { 'not a valid key!': 'x' } });
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, bad);
    const failed = await waitForStatus(t.client, 'rs-fail', 'broken', (r) => (r.status?.conditions ?? []).some((c) => c.type === 'ReplicaFailure'), 'a ReplicaFailure condition');
    const condition = failed.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    expect(condition?.status).toBe('True');
    expect(condition?.reason).toBe('FailedCreate');
    expect(condition?.message).toMatch(/annotations/);
    expect(condition?.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const event = await waitFor(async () => (await eventsFor(t.client, 'rs-fail', 'broken')).find((e) => e.reason === 'FailedCreate'), {
      what: 'a FailedCreate event',
    });
    expect(event.type).toBe('Warning');
    expect(event.message).toMatch(/^Error creating: /);
    expect(await ownedPods(t.client, 'rs-fail', rs.metadata?.uid ?? '')).toHaveLength(0);

    await t.client.patch(ReplicaSets, 'broken', 'rs-fail', { spec: { template: { metadata: { annotations: null } } } }, 'merge');
    await waitForOwnedPods(t.client, 'rs-fail', rs.metadata?.uid ?? '', 3);
    const healed = await waitForStatus(t.client, 'rs-fail', 'broken', (r) => r.status?.replicas === 3 && (r.status.conditions ?? []).length === 0, 'the condition cleared');
    expect(healed.status?.observedGeneration).toBe(healed.metadata?.generation);
  });

  it('converges after being killed and restarted while things changed', async () => {
    await createNamespace(t.client, 'rs-restart');
    const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet('rs-restart', 'job', { replicas: 3 }));
    const uid = rs.metadata?.uid ?? '';
    const pods = await waitForOwnedPods(t.client, 'rs-restart', uid, 3);
    await waitForStatus(t.client, 'rs-restart', 'job', (r) => r.status?.replicas === 3, 'replicas 3');

    await t.stopControllers();
    for (const pod of pods.slice(0, 2)) await t.client.delete(Pods, pod.metadata?.name ?? '', 'rs-restart');
    await scale('rs-restart', 'job', 5);
    await t.client.create<Pod>(Pods, makePod('rs-restart', 'stray', { app: 'job' }));
    await t.restartControllers();

    const converged = await waitForOwnedPods(t.client, 'rs-restart', uid, 5);
    expect(converged.some((p) => p.metadata?.name === 'stray')).toBe(true);
    const status = await waitForStatus(t.client, 'rs-restart', 'job', (r) => r.status?.replicas === 5, 'replicas 5');
    expect(status.status?.observedGeneration).toBe((await getReplicaSet(t.client, 'rs-restart', 'job')).metadata?.generation);
    expect(await ownedPods(t.client, 'rs-restart', uid)).toHaveLength(5);
  });
});
