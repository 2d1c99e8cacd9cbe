// superctl cordon, uncordon, taint and drain against the real API server, scheduler, controllers
// and two superlets on the fake runtime (node management is API work; Docker adds nothing).
// Lines, refusals and exit codes are compared with the real kubectl's on the same cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Nodes, Pods } from '../../src/client/resource-types.js';
import { allControllers } from '../../src/controller/all-controllers.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startTestControllers, type TestControllers } from '../support/controllers.js';
import { BUSYBOX, isRunningAndReady } from '../support/pods.js';
import { Superctl } from '../support/superctl.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;
let controllers: TestControllers;
let superctl: Superctl;
let first: string;
let second: string;

async function both(args: string[]): Promise<[{ code: number; stdout: string; stderr: string }, { code: number; stdout: string; stderr: string }]> {
  return [await superctl.run(args), await cluster.kubectl.run(args)];
}

async function podsOn(node: string): Promise<Pod[]> {
  return (await cluster.client.list<Pod>(Pods, { fieldSelector: `spec.nodeName=${node}` })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 2, runtime: 'fake' });
  controllers = await startTestControllers(allControllers(), { plane: cluster.plane });
  superctl = new Superctl(cluster.plane.kubeconfigPath);
  first = cluster.nodes[0]?.name ?? '';
  second = cluster.nodes[1]?.name ?? '';
}, 120_000);

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

describe('superctl node management', { timeout: 120_000 }, () => {
  it('cordon and uncordon say what kubectl says, also when there is nothing to do', async () => {
    expect(await superctl.ok(['cordon', first])).toBe(`node/${first} cordoned\n`);
    expect((await cluster.client.get<Node>(Nodes, first)).spec?.unschedulable).toBe(true);
    let [ours, theirs] = await both(['cordon', first]);
    expect(ours).toEqual(theirs);
    expect(await superctl.ok(['uncordon', first])).toBe(`node/${first} uncordoned\n`);
    expect((await cluster.client.get<Node>(Nodes, first)).spec?.unschedulable).toBeUndefined();
    [ours, theirs] = await both(['uncordon', first]);
    expect(ours).toEqual(theirs);
  });

  it('taint adds, refuses a duplicate without --overwrite, and removes, as kubectl does', async () => {
    expect(await superctl.ok(['taint', 'nodes', second, 'dedicated=db:NoSchedule'])).toBe(`node/${second} tainted\n`);
    expect((await cluster.client.get<Node>(Nodes, second)).spec?.taints).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    let [ours, theirs] = await both(['taint', 'nodes', second, 'dedicated=web:NoSchedule']);
    expect(ours).toEqual(theirs);
    expect(await superctl.ok(['taint', 'nodes', second, 'dedicated=web:NoSchedule', '--overwrite'])).toBe(`node/${second} tainted\n`);
    expect((await cluster.client.get<Node>(Nodes, second)).spec?.taints?.[0]?.value).toBe('web');
    expect(await superctl.ok(['taint', 'node', second, 'dedicated:NoSchedule-'])).toBe(`node/${second} untainted\n`);
    expect((await cluster.client.get<Node>(Nodes, second)).spec?.taints ?? []).toEqual([]);
    [ours, theirs] = await both(['taint', 'nodes', second, 'dedicated:NoSchedule-']);
    expect(ours).toEqual(theirs);
    // kubectl adds a usage hint on a second line; superctl says it in one.
    [ours, theirs] = await both(['taint', 'nodes', second, 'a=b:Sometimes']);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stderr).toBe(theirs.stderr.split('\n')[0] + '\n');
  });

  it('drain refuses pods no controller would replace (and emptyDir data) as kubectl does, leaving them running', async () => {
    await cluster.client.create(Pods, { metadata: { name: 'bare', namespace: 'default' }, spec: { nodeName: first, containers: [{ name: 'c', image: BUSYBOX }] } });
    await waitFor(async () => isRunningAndReady(await cluster.client.get<Pod>(Pods, 'bare', 'default')), { what: 'pod bare running', timeoutMs: 60_000 });
    try {
      const [ours, theirs] = await both(['drain', first, '--timeout=60s']);
      expect(ours.code).toBe(1);
      expect(ours.code).toBe(theirs.code);
      expect(ours.stdout).toBe(`node/${first} cordoned\n`);
      const refusal = 'cannot delete Pods that declare no controller (use --force to override): default/bare';
      // kubectl's own lines repeat "cannot delete" and drop "error:" on the last; the rest is the same.
      expect(ours.stderr).toBe(`error: unable to drain node "${first}" due to error: ${refusal}, continuing command...\nThere are pending nodes to be drained:\n ${first}\nerror: ${refusal}\n`);
      expect(theirs.stderr).toContain(`There are pending nodes to be drained:\n ${first}\n`);
      expect(theirs.stderr).toContain('Pods that declare no controller (use --force to override): default/bare');
      expect((await cluster.client.get<Pod>(Pods, 'bare', 'default')).metadata?.deletionTimestamp).toBeUndefined();
    } finally {
      await superctl.ok(['uncordon', first]);
    }
  });

  it('drain --force evicts every pod through pods/eviction; the deployment comes back on the other node', async () => {
    // The second node cordoned while the deployment starts, so that its pods land on the first.
    await superctl.ok(['cordon', second]);
    await cluster.kubectl.ok(['create', 'deployment', 'app', `--image=${BUSYBOX}`, '--replicas=2']);
    await waitFor(async () => (await podsOn(first)).filter((p) => p.metadata?.name?.startsWith('app-') === true && isRunningAndReady(p)).length === 2, {
      what: 'both app pods running on the first node', timeoutMs: 60_000, intervalMs: 200,
    });
    await superctl.ok(['uncordon', second]);
    const before = await podsOn(first);
    const result = await superctl.run(['drain', first, '--force', '--ignore-daemonsets', '--delete-emptydir-data', '--grace-period=0', '--timeout=90s']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`node/${first} cordoned`);
    expect(lines.at(-1)).toBe(`node/${first} drained`);
    expect(lines.slice(1, -1).sort()).toEqual(before.map((p) => `pod/${p.metadata?.name ?? ''} evicted`).sort());
    expect(result.stderr).toContain('Warning: deleting Pods that declare no controller: default/bare');
    for (const p of before) expect(result.stderr).toContain(`evicting pod default/${p.metadata?.name ?? ''}\n`);
    expect(await podsOn(first)).toEqual([]);
    await waitFor(async () => (await podsOn(second)).filter((p) => p.metadata?.name?.startsWith('app-') === true && isRunningAndReady(p)).length === 2, {
      what: 'both app pods running on the second node', timeoutMs: 60_000, intervalMs: 200,
    });
  });

  it('bad input is one line: an unknown node, no node', async () => {
    const [ours, theirs] = await both(['cordon', 'no-such-node']);
    expect(ours).toEqual(theirs);
    const none = await superctl.run(['drain']);
    expect(none.code).toBe(1);
    expect(none.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
