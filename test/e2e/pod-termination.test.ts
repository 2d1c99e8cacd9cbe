// Deleting pods the Kubernetes way, and images that cannot be pulled, on the real Docker daemon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Pods } from '../../src/client/resource-types.js';
import type { WatchEvent } from '../../src/client/rest-client.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { containerStatus, isRunningAndReady, shellPod, waitForEvent, waitForPod, waitForPodGone } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, backoff: { initialMs: 1000, maxMs: 4000 } });
});

afterAll(async () => {
  await cluster?.stop();
});

/** Deletes the pod and returns its last status before it went away, and how long that took. */
async function deleteAndFollow(name: string, gracePeriodSeconds: number): Promise<{ last: Pod | undefined; ms: number }> {
  const abort = new AbortController();
  let last: Pod | undefined;
  const events = cluster.client.watch<Pod>(Pods, { namespace: 'default', fieldSelector: `metadata.name=${name}`, signal: abort.signal });
  const followed = (async () => {
    for await (const event of events as AsyncIterable<WatchEvent<Pod>>) {
      if (event.type === 'MODIFIED') last = event.object;
      if (event.type === 'DELETED') {
        last = event.object;
        return;
      }
    }
  })();
  const started = Date.now();
  await cluster.client.delete(Pods, name, 'default', { gracePeriodSeconds });
  await waitForPodGone(cluster.client, name, (gracePeriodSeconds + 30) * 1000);
  const ms = Date.now() - started;
  await Promise.race([followed, new Promise((resolve) => setTimeout(resolve, 2000))]);
  abort.abort();
  return { last, ms };
}

describe('termination', { timeout: 180_000 }, () => {
  it('runs a SIGTERM handler within the grace period and then finishes the delete', async () => {
    await cluster.client.create(Pods, shellPod('graceful', "trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done", { terminationGracePeriodSeconds: 60 }));
    await waitForPod(cluster.client, 'graceful', isRunningAndReady, 'Running');
    const { last, ms } = await deleteAndFollow('graceful', 60);
    // Exit code 0 is the handler's: a SIGKILL at the end of the grace period would give 137.
    expect(ms).toBeLessThan(60_000);
    expect(containerStatus(last!, 'main')?.state?.terminated?.exitCode).toBe(0);
  });

  it('kills a container that ignores SIGTERM once the grace period is over', async () => {
    await cluster.client.create(Pods, shellPod('stubborn', "trap '' TERM; while true; do sleep 0.1; done", { terminationGracePeriodSeconds: 2 }));
    await waitForPod(cluster.client, 'stubborn', isRunningAndReady, 'Running');
    const { last, ms } = await deleteAndFollow('stubborn', 2);
    expect(ms).toBeGreaterThanOrEqual(2000);
    expect(containerStatus(last!, 'main')?.state?.terminated?.exitCode).toBe(137);
  });

  it('runs the preStop hook before SIGTERM', async () => {
    const pod = shellPod('hooked', "trap 'test -f /tmp/prestop && exit 0 || exit 9' TERM; while true; do sleep 0.1; done", { terminationGracePeriodSeconds: 20 });
    pod.spec!.containers[0]!.lifecycle = { preStop: { exec: { command: ['touch', '/tmp/prestop'] } } };
    await cluster.client.create(Pods, pod);
    await waitForPod(cluster.client, 'hooked', isRunningAndReady, 'Running');
    const { last } = await deleteAndFollow('hooked', 20);
    expect(containerStatus(last!, 'main')?.state?.terminated?.exitCode).toBe(0);
  });

  it('removes the containers of a deleted pod from Docker', async () => {
    await cluster.client.create(Pods, shellPod('tidy', 'sleep 3600', { terminationGracePeriodSeconds: 1 }));
    const pod = await waitForPod(cluster.client, 'tidy', isRunningAndReady, 'Running');
    const node = cluster.nodes[0]!;
    expect((await node.runtime.listContainers({ nodeName: node.name, podUid: pod.metadata!.uid! })).length).toBe(1);
    await deleteAndFollow('tidy', 1);
    await waitFor(async () => (await node.runtime.listContainers({ nodeName: node.name, podUid: pod.metadata!.uid! })).length === 0
      && (await node.runtime.listSandboxes({ nodeName: node.name, podUid: pod.metadata!.uid! })).length === 0,
    { what: 'the pod\'s containers and sandbox removed', timeoutMs: 30_000, intervalMs: 200 });
  });
});

describe('images', { timeout: 180_000 }, () => {
  it('shows ErrImagePull, then ImagePullBackOff, for an image no registry has', async () => {
    // A registry on 127.0.0.1:1 refuses at once: the pull fails without any traffic leaving the machine.
    const pod = shellPod('nopull', 'true');
    pod.spec!.containers[0]!.image = '127.0.0.1:1/missing/image:1.0';
    await cluster.client.create(Pods, pod);
    await waitForPod(cluster.client, 'nopull', (p) => containerStatus(p, 'main')?.state?.waiting?.reason === 'ErrImagePull', 'ErrImagePull');
    const backoff = await waitForPod(cluster.client, 'nopull', (p) => containerStatus(p, 'main')?.state?.waiting?.reason === 'ImagePullBackOff', 'ImagePullBackOff');
    expect(containerStatus(backoff, 'main')?.state?.waiting?.message).toBe('Back-off pulling image "127.0.0.1:1/missing/image:1.0"');
    expect(backoff.status?.phase).toBe('Pending');
    await waitForEvent(cluster.client, 'nopull', 'Failed', /Failed to pull image "127\.0\.0\.1:1\/missing\/image:1\.0"/);
  });
});
