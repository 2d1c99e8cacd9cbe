// SuperController killed with SIGKILL in the middle of a rollout (its own process, the built CLI):
// after a restart it converges to exactly the desired replicas on the new template, and at no
// moment (checked on every watch event) are there more than replicas + maxSurge pods.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { Pods, ReplicaSets } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { isRunningAndReady } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

const CLI = join(import.meta.dirname, '../../dist/cmd/supernetes.js');
let cluster: TestCluster;
let manager: ChildProcess | undefined;
const watching = new AbortController();
const live = new Set<string>();
let maxPods = 0;

const MANIFEST = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: steady}
spec:
  replicas: 4
  selector: {matchLabels: {app: steady}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: steady}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: supernetes.local/busybox:latest
        command: ["sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 3600"]
        readinessProbe: {exec: {command: ["test", "-f", "/tmp/ready"]}, periodSeconds: 1}
`;

function startManager(): ChildProcess {
  // Without leader election the new process acts at once (a Lease left by SIGKILL would make it wait 15 s).
  const child = spawn(process.execPath, [CLI, 'controller', '--kubeconfig', cluster.plane.kubeconfigPath, '--no-leader-elect'], { stdio: ['ignore', 'ignore', 'ignore'] });
  return child;
}

async function livePods(): Promise<Pod[]> {
  const list = await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=steady' });
  return list.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
  void (async () => {
    for await (const event of cluster.client.watch<Pod>(Pods, { namespace: 'default', labelSelector: 'app=steady', signal: watching.signal })) {
      const uid = event.object.metadata?.uid ?? '';
      if (event.type === 'DELETED' || event.object.metadata?.deletionTimestamp !== undefined) live.delete(uid);
      else if (event.type === 'ADDED' || event.type === 'MODIFIED') live.add(uid);
      maxPods = Math.max(maxPods, live.size);
    }
  })().catch(() => undefined);
  manager = startManager();
});

afterAll(async () => {
  watching.abort();
  manager?.kill('SIGKILL');
  await cluster?.stop();
});

describe('SuperController killed mid-rollout', { timeout: 300_000 }, () => {
  it('converges after a restart to exactly the desired replicas, never above replicas + maxSurge', async () => {
    await cluster.kubectl.ok(['apply', '-f', '-'], MANIFEST);
    await cluster.kubectl.ok(['rollout', 'status', 'deployment/steady', '--timeout=240s']);
    await cluster.kubectl.ok(['set', 'image', 'deployment/steady', 'main=supernetes.local/busybox:1.0']);

    // Kill it once the new ReplicaSet has pods but the rollout is not done.
    await waitFor(async () => {
      const sets = (await cluster.client.list<ReplicaSet>(ReplicaSets, { namespace: 'default', labelSelector: 'app=steady' })).items;
      const fresh = sets.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'supernetes.local/busybox:1.0');
      return (fresh?.status?.replicas ?? 0) >= 1 && (fresh?.status?.readyReplicas ?? 0) < 4;
    }, { what: 'the rollout under way', timeoutMs: 120_000, intervalMs: 100 });
    const exited = new Promise((resolve) => manager?.once('exit', resolve));
    manager?.kill('SIGKILL');
    await exited;
    manager = startManager();

    await cluster.kubectl.ok(['rollout', 'status', 'deployment/steady', '--timeout=240s']);
    await waitFor(async () => {
      const pods = await livePods();
      return pods.length === 4 && pods.every((p) => isRunningAndReady(p) && p.spec?.containers[0]?.image === 'supernetes.local/busybox:1.0');
    }, { what: 'exactly 4 ready pods of the new template', timeoutMs: 120_000, intervalMs: 250 });
    expect(maxPods).toBeLessThanOrEqual(5);
  });
});
