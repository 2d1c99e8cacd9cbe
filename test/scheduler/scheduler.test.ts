// SuperScheduler against a real API server: nodes made by hand (status through nodes/status),
// pods created through the API, and bindings made through the real pods/binding subresource.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Nodes, Pods } from '../../src/client/resource-types.js';
import { waitFor } from '../support/wait.js';
import { makePod, type PodSpecOptions } from './builders.js';
import { type Harness, cleanUp, createNamespace, createNode, eventsFor, podScheduled, startHarness, waitBound, waitUnschedulable } from './harness.js';

let h: Harness;
let ns = '';
let nsCounter = 0;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

afterEach(async () => {
  await cleanUp(h.client, ns);
  await waitFor(() => h.scheduler.stats().nodes === 0, { what: 'the scheduler to forget the nodes' });
});

async function freshNamespace(): Promise<string> {
  ns = `sched-${++nsCounter}`;
  await createNamespace(h.client, ns);
  return ns;
}

async function nodes(count: number, ...specs: Parameters<typeof createNode>[2][]): Promise<void> {
  for (let i = 0; i < specs.length; i++) await createNode(h.client, `${ns}-n${i + 1}`, specs[i]);
  // Ready comes with the status write, allocatable too: once the Ready ones are counted, all is seen.
  const ready = specs.filter((s) => (s?.ready ?? 'True') === 'True').length;
  await waitFor(() => h.scheduler.stats().nodes === count && h.scheduler.stats().readyNodes === ready, { what: `the scheduler to see ${count} nodes, ${ready} Ready` });
}

async function pod(name: string, o: PodSpecOptions = {}): Promise<Pod> {
  const { uid: _uid, ...metadata } = makePod(name, { namespace: ns, ...o }).metadata ?? {};
  return h.client.create<Pod>(Pods, { ...makePod(name, { namespace: ns, ...o }), metadata });
}

describe('SuperScheduler', () => {
  it('binds a pod through pods/binding and records Scheduled', async () => {
    await freshNamespace();
    await nodes(1, { cpu: '2' });
    await pod('web', { cpu: '500m' });
    const bound = await waitBound(h.client, ns, ['web']);
    expect(bound.get('web')).toBe(`${ns}-n1`);
    const web = await h.client.get<Pod>(Pods, 'web', ns);
    expect(podScheduled(web)?.status).toBe('True');
    const events = await waitFor(async () => (await eventsFor(h.client, ns, 'web')).find((e) => e.reason === 'Scheduled'), { what: 'a Scheduled event' });
    expect(events.message).toBe(`Successfully assigned ${ns}/web to ${ns}-n1`);
    expect(events.source?.component).toBe('default-scheduler');
  });

  it('spreads the pods of one owner across two equal nodes', async () => {
    await freshNamespace();
    await nodes(2, {}, {});
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    await Promise.all(names.map((n) => pod(n, { ownerUid: 'rs-uid-1', cpu: '100m' })));
    const bound = await waitBound(h.client, ns, names);
    const perNode = new Map<string, number>();
    for (const node of bound.values()) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([3, 3]);
  });

  it('sees the room taken by the pods it just placed (assume), then waits for room to free', async () => {
    await freshNamespace();
    await nodes(2, { cpu: '2' }, { cpu: '2' });
    // Created while no scheduler runs, so the next one finds them all at once and places them
    // back to back, before any bind comes back through its informer.
    await h.stopScheduler();
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(names.map((n) => pod(n, { cpu: '1' })));
    await h.startScheduler();
    await waitFor(
      async () => {
        const pods = (await h.client.list<Pod>(Pods, { namespace: ns })).items;
        return pods.filter((p) => p.spec?.nodeName).length === 4 && pods.filter((p) => podScheduled(p)?.status === 'False').length === 2;
      },
      { what: 'four pods bound and two unschedulable' },
    );
    const pods = (await h.client.list<Pod>(Pods, { namespace: ns })).items;
    const perNode = new Map<string, string[]>();
    for (const p of pods) if (p.spec?.nodeName) perNode.set(p.spec.nodeName, [...(perNode.get(p.spec.nodeName) ?? []), p.metadata?.name ?? '']);
    expect([...perNode.values()].map((v) => v.length)).toEqual([2, 2]);
    const waiting = pods.filter((p) => !p.spec?.nodeName).map((p) => p.metadata?.name ?? '');
    for (const name of waiting) {
      await waitUnschedulable(
        h.client,
        ns,
        name,
        '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
      );
    }
    // Deleting a bound pod frees its room at once, without waiting for the periodic retry.
    const [victimNode, victims] = [...perNode.entries()][0] ?? ['', []];
    await h.client.delete(Pods, victims[0] ?? '', ns, { gracePeriodSeconds: 0 });
    await waitFor(
      async () => {
        const now = (await h.client.list<Pod>(Pods, { namespace: ns })).items;
        return now.filter((p) => p.spec?.nodeName === victimNode).length === 2 && now.filter((p) => !p.spec?.nodeName).length === 1;
      },
      { what: `one waiting pod to take the freed room on ${victimNode}` },
    );
  });

  it('follows nodeSelector', async () => {
    await freshNamespace();
    await nodes(2, { labels: { disk: 'hdd' } }, { labels: { disk: 'ssd' } });
    await Promise.all(['s1', 's2', 's3'].map((n) => pod(n, { nodeSelector: { disk: 'ssd' } })));
    const bound = await waitBound(h.client, ns, ['s1', 's2', 's3']);
    expect(new Set(bound.values())).toEqual(new Set([`${ns}-n2`]));
    await pod('nowhere', { nodeSelector: { disk: 'nvme' } });
    await waitUnschedulable(
      h.client,
      ns,
      'nowhere',
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
  });

  it('follows required node affinity (labels and metadata.name) and prefers the preferred terms', async () => {
    await freshNamespace();
    await nodes(3, { labels: { zone: 'a', cores: '4' } }, { labels: { zone: 'b', cores: '16' } }, { labels: { zone: 'c', cores: '64' } });
    const required = (terms: object[]): PodSpecOptions => ({
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } },
    });
    await pod('big-cores', required([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }, { key: 'zone', operator: 'NotIn', values: ['c'] }] }]));
    await pod('by-name', required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [`${ns}-n3`] }] }]));
    await pod('prefers-c', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }] } },
              { weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            ],
          },
        },
      },
    });
    const bound = await waitBound(h.client, ns, ['big-cores', 'by-name', 'prefers-c']);
    expect(Object.fromEntries(bound)).toEqual({ 'big-cores': `${ns}-n2`, 'by-name': `${ns}-n3`, 'prefers-c': `${ns}-n3` });
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    await freshNamespace();
    await nodes(2, { labels: { role: 'gpu' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, {});
    await Promise.all(['p1', 'p2', 'p3'].map((n) => pod(n)));
    const bound = await waitBound(h.client, ns, ['p1', 'p2', 'p3']);
    expect(new Set(bound.values())).toEqual(new Set([`${ns}-n2`]));
    await pod('tolerant', { nodeSelector: { role: 'gpu' }, spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } });
    expect((await waitBound(h.client, ns, ['tolerant'])).get('tolerant')).toBe(`${ns}-n1`);
    await pod('intolerant', { nodeSelector: { role: 'gpu' } });
    await waitUnschedulable(
      h.client,
      ns,
      'intolerant',
      "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}. " +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('leaves a pod too big for every node Pending with the reason, and places it once a big node joins', async () => {
    await freshNamespace();
    await nodes(2, { cpu: '2' }, { cpu: '4' });
    await pod('huge', { cpu: '8' });
    const message = '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    const pending = await waitUnschedulable(h.client, ns, 'huge', message);
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(pending.status?.phase).toBe('Pending');
    const event = await waitFor(async () => (await eventsFor(h.client, ns, 'huge')).find((e) => e.reason === 'FailedScheduling'), { what: 'a FailedScheduling event' });
    expect(event.type).toBe('Warning');
    expect(event.message).toBe(message);
    await createNode(h.client, `${ns}-big`, { cpu: '16' });
    expect((await waitBound(h.client, ns, ['huge'])).get('huge')).toBe(`${ns}-big`);
  });

  it('skips nodes that are not Ready or cordoned, and uses them once they are fit', async () => {
    await freshNamespace();
    await nodes(2, { ready: 'False' }, { unschedulable: true });
    await pod('waiting');
    await waitUnschedulable(
      h.client,
      ns,
      'waiting',
      '0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. ' +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    await h.client.patch(Nodes, `${ns}-n2`, undefined, { spec: { unschedulable: false } }, 'merge');
    expect((await waitBound(h.client, ns, ['waiting'])).get('waiting')).toBe(`${ns}-n2`);
  });

  it('gives one pod a host port and reports the other as conflicting', async () => {
    await freshNamespace();
    await nodes(1, {});
    await pod('first', { hostPorts: [{ port: 8080 }] });
    await waitBound(h.client, ns, ['first']);
    await pod('second', { hostPorts: [{ port: 8080 }] });
    await waitUnschedulable(
      h.client,
      ns,
      'second',
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });

  it('leaves pods of another scheduler alone', async () => {
    await freshNamespace();
    await nodes(1, {});
    await pod('theirs', { spec: { schedulerName: 'other-scheduler' } });
    await pod('ours');
    await waitBound(h.client, ns, ['ours']);
    const theirs = await h.client.get<Pod>(Pods, 'theirs', ns);
    expect(theirs.spec?.nodeName).toBeUndefined();
    expect(podScheduled(theirs)).toBeUndefined();
    expect(await eventsFor(h.client, ns, 'theirs')).toEqual([]);
  });
});
