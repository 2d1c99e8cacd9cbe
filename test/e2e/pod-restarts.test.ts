// Restarts, probes and resource limits on the real Docker daemon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pods } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { containerStatus, isRunningAndReady, shellPod, waitForEvent, waitForPod } from '../support/pods.js';

let cluster: TestCluster;

beforeAll(async () => {
  // Back-off 1 s doubling to 8 s, so a crash loop shows within seconds.
  cluster = await startTestCluster({ nodes: 1, backoff: { initialMs: 1000, maxMs: 8000 } });
});

afterAll(async () => {
  await cluster?.stop();
});

describe('restarts and probes', { timeout: 180_000 }, () => {
  it('puts a container that keeps exiting 1 into CrashLoopBackOff with a growing restartCount', async () => {
    await cluster.client.create(Pods, shellPod('crasher', 'echo dying; exit 1'));
    const looping = await waitForPod(cluster.client, 'crasher', (p) => {
      const s = containerStatus(p, 'main');
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' && (s.restartCount ?? 0) >= 2;
    }, 'CrashLoopBackOff after two restarts');
    const status = containerStatus(looping, 'main');
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(status?.state?.waiting?.message).toMatch(/^back-off \d+s restarting failed container=main pod=crasher_default\(/);
    const before = status?.restartCount ?? 0;
    await waitForPod(cluster.client, 'crasher', (p) => (containerStatus(p, 'main')?.restartCount ?? 0) > before, 'one more restart');
    expect(looping.status?.phase).toBe('Running');
    await waitForEvent(cluster.client, 'crasher', 'BackOff', /Back-off restarting failed container main/);
  });

  it('restarts a container whose liveness probe fails', async () => {
    const pod = shellPod('unlive', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600');
    pod.spec!.containers[0]!.livenessProbe = { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 };
    await cluster.client.create(Pods, pod);
    const restarted = await waitForPod(cluster.client, 'unlive', (p) => (containerStatus(p, 'main')?.restartCount ?? 0) >= 1, 'restarted by its liveness probe');
    expect(containerStatus(restarted, 'main')?.lastState?.terminated).toBeDefined();
    await waitForEvent(cluster.client, 'unlive', 'Unhealthy', /^Liveness probe failed/);
    await waitForEvent(cluster.client, 'unlive', 'Killing', /failed liveness probe, will be restarted/);
  });

  it('flips the Ready condition with the readiness probe', async () => {
    const pod = shellPod('flip', 'sleep 3; touch /tmp/ready; sleep 6; rm /tmp/ready; sleep 3600');
    pod.spec!.containers[0]!.readinessProbe = { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 };
    await cluster.client.create(Pods, pod);
    const ready = (p: Parameters<typeof isRunningAndReady>[0]): boolean => isRunningAndReady(p);
    const notReady = await waitForPod(cluster.client, 'flip', (p) => p.status?.phase === 'Running' && !ready(p), 'Running but not Ready');
    expect(notReady.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    await waitForPod(cluster.client, 'flip', ready, 'Ready once /tmp/ready exists');
    const unready = await waitForPod(cluster.client, 'flip', (p) => !ready(p), 'not Ready after /tmp/ready is gone');
    expect(containerStatus(unready, 'main')?.ready).toBe(false);
    expect(containerStatus(unready, 'main')?.restartCount).toBe(0);
  });

  it('reports OOMKilled for a container over its memory limit', async () => {
    const pod = shellPod('hog', 'head -c 300m /dev/zero | tail', { restartPolicy: 'Never' });
    pod.spec!.containers[0]!.resources = { limits: { memory: '32Mi' } };
    await cluster.client.create(Pods, pod);
    const killed = await waitForPod(cluster.client, 'hog', (p) => p.status?.phase === 'Failed', 'Failed');
    expect(containerStatus(killed, 'main')?.state?.terminated?.reason).toBe('OOMKilled');
  });

  it('completes a pod whose containers exit 0 with restartPolicy Never', async () => {
    await cluster.client.create(Pods, shellPod('once', 'echo done', { restartPolicy: 'Never' }));
    const done = await waitForPod(cluster.client, 'once', (p) => p.status?.phase === 'Succeeded', 'Succeeded');
    expect(containerStatus(done, 'main')?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(done.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});
