// The superlet's pod workers on the fake runtime: the same code paths as on Docker (back-off,
// restart policies, status), without containers, so they are quick and exact. The fake runtime is
// also what simulates many nodes at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Pods } from '../../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import { containerStatus, isRunningAndReady, waitForPod, waitForPodGone } from '../../support/pods.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake', backoff: { initialMs: 200, maxMs: 1600 } });
});

afterAll(async () => {
  await cluster?.stop();
});

function fakePod(name: string, env: Record<string, string>, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: 'supernetes.local/busybox:latest', env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }],
      ...spec,
    },
  };
}

describe('pod workers on the fake runtime', { timeout: 120_000 }, () => {
  it('runs a pod', async () => {
    await cluster.client.create(Pods, fakePod('runs', {}));
    const pod = await waitForPod(cluster.client, 'runs', isRunningAndReady, 'Running');
    expect(pod.status?.podIP).toMatch(/^10\.244\./);
  });

  it('backs off a crashing container with doubling delays: CrashLoopBackOff', async () => {
    await cluster.client.create(Pods, fakePod('loops', { FAKE_EXIT_CODE: '1' }));
    const looping = await waitForPod(cluster.client, 'loops', (p) => {
      const s = containerStatus(p, 'main');
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' && (s.restartCount ?? 0) >= 3;
    }, 'CrashLoopBackOff with 3 restarts', 60_000);
    expect(containerStatus(looping, 'main')?.lastState?.terminated?.exitCode).toBe(1);
    expect(containerStatus(looping, 'main')?.state?.waiting?.message).toMatch(/^back-off (400ms|800ms|1\.6s) restarting failed container=main pod=loops_default\(/);
  });

  it('finishes a pod by its restartPolicy', async () => {
    await cluster.client.create(Pods, fakePod('fails', { FAKE_EXIT_CODE: '2' }, { restartPolicy: 'Never' }));
    await cluster.client.create(Pods, fakePod('succeeds', { FAKE_EXIT_CODE: '0' }, { restartPolicy: 'OnFailure' }));
    const failed = await waitForPod(cluster.client, 'fails', (p) => p.status?.phase === 'Failed', 'Failed');
    expect(containerStatus(failed, 'main')?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    await waitForPod(cluster.client, 'succeeds', (p) => p.status?.phase === 'Succeeded', 'Succeeded');
  });

  it('reports OOMKilled', async () => {
    await cluster.client.create(Pods, fakePod('oom', { FAKE_OOM_KILLED: 'true' }, { restartPolicy: 'Never' }));
    const failed = await waitForPod(cluster.client, 'oom', (p) => p.status?.phase === 'Failed', 'Failed');
    expect(containerStatus(failed, 'main')?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('finishes a graceful delete', async () => {
    await cluster.client.create(Pods, fakePod('goes', {}));
    await waitForPod(cluster.client, 'goes', isRunningAndReady, 'Running');
    await cluster.client.delete(Pods, 'goes', 'default', { gracePeriodSeconds: 5 });
    await waitForPodGone(cluster.client, 'goes', 30_000);
  });
});
