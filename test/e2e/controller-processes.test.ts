// Two `supernetes controller` processes (the built CLI) against one cluster on Docker: only the one
// holding the Lease acts, so a ReplicaSet never gets more pods than it asks for; when the leader is
// killed with SIGKILL, the other takes the Lease over and carries on.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { Leases, Pods, ReplicaSets } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { isRunningAndReady } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

const CLI = join(import.meta.dirname, '../../dist/cmd/supernetes.js');
let cluster: TestCluster;
const managers = new Map<string, ChildProcess>();
const outputs = new Map<string, string>();
let maxPodsSeen = 0;
const watching = new AbortController();

function startManager(name: string): void {
  const child = spawn(process.execPath, [CLI, 'controller', '--kubeconfig', cluster.plane.kubeconfigPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  outputs.set(name, '');
  const collect = (chunk: Buffer): void => { outputs.set(name, (outputs.get(name) ?? '') + chunk.toString()); };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  managers.set(name, child);
}

async function holder(): Promise<string | undefined> {
  const lease = await cluster.client.get<Lease>(Leases, 'supernetes-controller', 'kube-system').catch(() => undefined);
  return lease?.spec?.holderIdentity ?? undefined;
}

async function livePods(): Promise<Pod[]> {
  const pods = await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=pair' });
  return pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
  // Count the ReplicaSet's pods on every watch event: there must never be more than 3 at once.
  void (async () => {
    const alive = new Set<string>();
    for await (const event of cluster.client.watch<Pod>(Pods, { namespace: 'default', labelSelector: 'app=pair', signal: watching.signal })) {
      const uid = event.object.metadata?.uid ?? '';
      if (event.type === 'DELETED' || event.object.metadata?.deletionTimestamp !== undefined) alive.delete(uid);
      else if (event.type === 'ADDED' || event.type === 'MODIFIED') alive.add(uid);
      maxPodsSeen = Math.max(maxPodsSeen, alive.size);
    }
  })().catch(() => undefined);
  startManager('first');
  startManager('second');
});

afterAll(async () => {
  watching.abort();
  for (const child of managers.values()) child.kill('SIGKILL');
  await cluster?.stop();
});

describe('two SuperController processes', { timeout: 240_000 }, () => {
  it('only the leader acts: a ReplicaSet gets exactly its replicas', async () => {
    const leader = await waitFor(holder, { what: 'a leader in kube-system/supernetes-controller', timeoutMs: 60_000, intervalMs: 200 });
    expect(leader).toBeTruthy();
    const rs: ReplicaSet = {
      metadata: { name: 'pair', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'pair' } },
        template: { metadata: { labels: { app: 'pair' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'supernetes.local/busybox:latest', command: ['sleep', '3600'] }] } },
      },
    };
    await cluster.client.create(ReplicaSets, rs);
    await waitFor(async () => (await livePods()).filter(isRunningAndReady).length === 3, { what: '3 Running pods', timeoutMs: 120_000, intervalMs: 250 });
    expect(maxPodsSeen).toBe(3);
  });

  it('after the leader is killed, the other takes over and replaces a deleted pod', async () => {
    const before = await holder();
    // Each manager logs when it starts leading; exactly one has.
    const leaders = [...managers.keys()].filter((name) => (outputs.get(name) ?? '').includes('leading: starting controllers'));
    expect(leaders).toHaveLength(1);
    const leaderName = leaders[0];
    managers.get(leaderName!)?.kill('SIGKILL');
    const after = await waitFor(async () => {
      const now = await holder();
      return now !== undefined && now !== before ? now : undefined;
    }, { what: 'the lease taken over', timeoutMs: 90_000, intervalMs: 250 });
    expect(after).not.toBe(before);
    const victim = (await livePods())[0]!;
    await cluster.client.delete(Pods, victim.metadata!.name!, 'default', { gracePeriodSeconds: 0 });
    await waitFor(async () => {
      const pods = (await livePods()).filter(isRunningAndReady);
      return pods.length === 3 && !pods.some((p) => p.metadata?.uid === victim.metadata?.uid);
    }, { what: 'the deleted pod replaced by the new leader', timeoutMs: 120_000, intervalMs: 250 });
    expect(maxPodsSeen).toBe(3);
  });
});
