// A superlet killed with SIGKILL and started again adopts the containers it left running: same
// container IDs, no restarts, restart counts kept. The superlet runs as its own process here
// (`supernetes superlet`, from dist/), so the kill is a real SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Nodes, Pods } from '../../src/client/resource-types.js';
import { DockerRuntime } from '../../src/superlet/runtime/docker/docker-runtime.js';
import { removeContainersOf, startTestCluster, type TestCluster } from '../support/cluster.js';
import { containerStatus, isRunningAndReady, shellPod, waitForPod, waitForPodGone } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

const CLI = join(import.meta.dirname, '../../dist/cmd/supernetes.js');
const NODE = `restart-${process.pid}`;
let cluster: TestCluster;
let superlet: ChildProcess | undefined;

function startSuperletProcess(): ChildProcess {
  const child = spawn(process.execPath, [
    CLI, 'superlet', '--kubeconfig', cluster.plane.kubeconfigPath, '--node-name', NODE, '--address', '127.0.0.1',
    '--superlet-port', '0', '--data-dir', join(cluster.plane.dataDir, 'agent'),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function nodeReady(): Promise<void> {
  await waitFor(async () => {
    const node = await cluster.client.get<Node>(Nodes, NODE).catch(() => undefined);
    return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  }, { what: `node ${NODE} Ready`, timeoutMs: 30_000, intervalMs: 200 });
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 0 });
  superlet = startSuperletProcess();
  await nodeReady();
});

afterAll(async () => {
  superlet?.kill('SIGKILL');
  await removeContainersOf([NODE]);
  await cluster?.stop();
});

describe('a superlet restarted after SIGKILL', { timeout: 180_000 }, () => {
  it('adopts the running containers untouched', async () => {
    // One container that restarted once already, so the kept restart count shows.
    const pod = shellPod('survivor', 'test -f /data/second-run || { touch /data/second-run; exit 1; }; sleep 3600');
    pod.spec!.volumes = [{ name: 'data', emptyDir: {} }];
    pod.spec!.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }];
    await cluster.client.create(Pods, pod);
    const before = await waitForPod(cluster.client, 'survivor', (p) => isRunningAndReady(p) && containerStatus(p, 'main')?.restartCount === 1, 'Running after one restart');
    const idBefore = containerStatus(before, 'main')?.containerID;

    // A second pod is force-deleted while the superlet is down: its containers are orphans.
    await cluster.client.create(Pods, shellPod('orphan', 'sleep 3600'));
    const orphan = await waitForPod(cluster.client, 'orphan', isRunningAndReady, 'Running');

    const exited = new Promise((resolve) => superlet?.once('exit', resolve));
    superlet?.kill('SIGKILL');
    await exited;
    await cluster.client.delete(Pods, 'orphan', 'default', { gracePeriodSeconds: 0 });
    await waitForPodGone(cluster.client, 'orphan', 30_000);
    superlet = startSuperletProcess();
    await nodeReady();

    // A pod created after the restart runs: the new superlet is at work, past its first sync of the old one.
    await cluster.client.create(Pods, shellPod('newcomer', 'sleep 3600'));
    await waitForPod(cluster.client, 'newcomer', isRunningAndReady, 'Running on the restarted superlet');
    const after = await waitForPod(cluster.client, 'survivor', isRunningAndReady, 'still Running');
    expect(containerStatus(after, 'main')?.containerID).toBe(idBefore);
    expect(containerStatus(after, 'main')?.restartCount).toBe(1);
    const docker = new DockerRuntime({});
    const containers = await docker.listContainers({ nodeName: NODE, podUid: after.metadata!.uid! });
    expect(containers.filter((c) => c.state === 'running').map((c) => `docker://${c.id}`)).toEqual([idBefore]);
    expect(containers.map((c) => c.attempt).sort()).toEqual([0, 1]);
    await waitFor(async () => (await docker.listContainers({ nodeName: NODE, podUid: orphan.metadata!.uid! })).length === 0
      && (await docker.listSandboxes({ nodeName: NODE, podUid: orphan.metadata!.uid! })).length === 0,
    { what: 'the orphaned pod\'s containers removed', timeoutMs: 60_000, intervalMs: 250 });

    // And it still manages the pod: a delete finishes.
    await cluster.client.delete(Pods, 'survivor', 'default', { gracePeriodSeconds: 1 });
    await waitForPodGone(cluster.client, 'survivor', 30_000);
    const latest = await cluster.client.get<Pod>(Pods, 'survivor', 'default').catch(() => undefined);
    expect(latest).toBeUndefined();
  });
});
