// Pods on the real Docker daemon: shared network and volumes, init containers, env and config.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { ConfigMaps, Pods, Secrets } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { BUSYBOX, containerStatus, isRunningAndReady, shellPod, waitForPod } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
});

afterAll(async () => {
  await cluster?.stop();
});

describe('pods on Docker', { timeout: 180_000 }, () => {
  it('runs a pod: scheduled to the node, Running and Ready, with its IP, host IP and container ID', async () => {
    await cluster.client.create(Pods, shellPod('hello', 'echo hello; sleep 3600'));
    const pod = await waitForPod(cluster.client, 'hello', isRunningAndReady, 'Running and Ready');
    expect(pod.spec?.nodeName).toBe(cluster.nodes[0]?.name);
    expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(pod.status?.hostIP).toBe('127.0.0.1');
    const main = containerStatus(pod, 'main');
    expect(main?.containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
    expect(main?.state?.running?.startedAt).toBeDefined();
    expect(main?.restartCount).toBe(0);
    expect(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort()).toEqual(
      ['ContainersReady=True', 'Initialized=True', 'PodReadyToStartContainers=True', 'PodScheduled=True', 'Ready=True'],
    );
  });

  it('lets two containers of one pod talk over localhost and share an emptyDir', async () => {
    const pod: Pod = {
      metadata: { name: 'pair' },
      spec: {
        restartPolicy: 'OnFailure',
        volumes: [{ name: 'shared', emptyDir: {} }],
        containers: [
          { name: 'web', image: BUSYBOX, command: ['httpd', '-f', '-p', '8080', '-h', '/www'], volumeMounts: [{ name: 'shared', mountPath: '/www' }] },
          {
            name: 'client', image: BUSYBOX, volumeMounts: [{ name: 'shared', mountPath: '/data' }],
            command: ['sh', '-c', 'echo shared-ok > /data/index.html; for i in $(seq 1 100); do wget -qO- http://127.0.0.1:8080/index.html | grep -q shared-ok && exit 0; sleep 0.2; done; exit 1'],
          },
        ],
      },
    };
    await cluster.client.create(Pods, pod, { namespace: 'default' });
    const done = await waitForPod(cluster.client, 'pair', (p) => containerStatus(p, 'client')?.state?.terminated !== undefined, 'client finished');
    expect(containerStatus(done, 'client')?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(containerStatus(done, 'web')?.state?.running).toBeDefined();
  });

  it('runs init containers first, one after the other, then the app container', async () => {
    const pod: Pod = {
      metadata: { name: 'inits' },
      spec: {
        volumes: [{ name: 'w', emptyDir: {} }],
        initContainers: [
          { name: 'first', image: BUSYBOX, command: ['sh', '-c', 'echo first >> /w/order'], volumeMounts: [{ name: 'w', mountPath: '/w' }] },
          { name: 'second', image: BUSYBOX, command: ['sh', '-c', 'sleep 1; echo second >> /w/order'], volumeMounts: [{ name: 'w', mountPath: '/w' }] },
        ],
        containers: [{
          name: 'main', image: BUSYBOX, volumeMounts: [{ name: 'w', mountPath: '/w' }],
          command: ['sh', '-c', 'echo main >> /w/order; test "$(tr "\\n" " " < /w/order)" = "first second main " || exit 3; sleep 3600'],
        }],
      },
    };
    const seen: string[] = [];
    await cluster.client.create(Pods, pod, { namespace: 'default' });
    const running = await waitForPod(cluster.client, 'inits', (p) => {
      seen.push(p.status?.phase ?? '');
      return isRunningAndReady(p);
    }, 'Running after its init containers');
    expect(running.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason])).toEqual([['first', 'Completed'], ['second', 'Completed']]);
    expect(containerStatus(running, 'main')?.restartCount).toBe(0);
    expect(seen[0]).toBe('Pending');
  });

  it('passes env from values, a configMap, a secret, envFrom and fieldRef, and mounts a configMap', async () => {
    const cm: ConfigMap = { metadata: { name: 'settings', namespace: 'default' }, data: { greeting: 'hello', key: 'v' } };
    const secret: Secret = { metadata: { name: 'creds', namespace: 'default' }, stringData: { password: 's3cret' } };
    await cluster.client.create(ConfigMaps, cm);
    await cluster.client.create(Secrets, secret);
    const check = [
      'test "$PLAIN" = plain', 'test "$FROM_CM" = hello', 'test "$FROM_SECRET" = s3cret', 'test "$CFG_key" = v',
      'test "$MY_NAME" = envy', 'test "$(cat /cfg/greeting)" = hello', 'test "$(cat /sec/password)" = s3cret',
    ].join(' && ');
    const pod: Pod = {
      metadata: { name: 'envy' },
      spec: {
        volumes: [{ name: 'cfg', configMap: { name: 'settings' } }, { name: 'sec', secret: { secretName: 'creds' } }],
        containers: [{
          name: 'main', image: BUSYBOX, command: ['sh', '-c', `${check} || exit 7; sleep 3600`],
          env: [
            { name: 'PLAIN', value: 'plain' },
            { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'settings', key: 'greeting' } } },
            { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
            { name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
          volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }, { name: 'sec', mountPath: '/sec' }],
        }],
      },
    };
    await cluster.client.create(Pods, pod, { namespace: 'default' });
    const running = await waitForPod(cluster.client, 'envy', isRunningAndReady, 'Running (its checks passed)');
    expect(containerStatus(running, 'main')?.restartCount).toBe(0);
  });

  it('reports CreateContainerConfigError for a missing configMap key, and starts once it exists', async () => {
    const pod = shellPod('needs-config', 'sleep 3600');
    pod.spec!.containers[0]!.env = [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'later', key: 'x' } } }];
    await cluster.client.create(Pods, pod);
    const waiting = await waitForPod(cluster.client, 'needs-config', (p) => containerStatus(p, 'main')?.state?.waiting?.reason === 'CreateContainerConfigError', 'CreateContainerConfigError');
    expect(containerStatus(waiting, 'main')?.state?.waiting?.message).toMatch(/later/);
    await cluster.client.create(ConfigMaps, { metadata: { name: 'later', namespace: 'default' }, data: { x: '1' } });
    await waitForPod(cluster.client, 'needs-config', isRunningAndReady, 'Running once the configMap exists', 60_000);
  });

  it('publishes a hostPort on the node, reachable from 127.0.0.1', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const pod = shellPod('published', 'echo published-ok > /tmp/index.html; httpd -f -p 8080 -h /tmp');
    pod.spec!.containers[0]!.ports = [{ containerPort: 8080, hostPort: port, hostIP: '127.0.0.1' }];
    await cluster.client.create(Pods, pod);
    await waitForPod(cluster.client, 'published', isRunningAndReady, 'Running');
    const body = await waitFor(async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/index.html`);
        return response.ok ? await response.text() : undefined;
      } catch {
        return undefined;
      }
    }, { what: `http://127.0.0.1:${port}/ to answer`, timeoutMs: 30_000, intervalMs: 200 });
    expect(body.trim()).toBe('published-ok');
  });

  it('applies the securityContext: user, group, read-only root filesystem', async () => {
    const pod = shellPod('locked', 'test "$(id -u)" = 65534 && test "$(id -g)" = 65534 && ! touch /x 2>/dev/null || exit 4; sleep 3600');
    pod.spec!.securityContext = { runAsUser: 1000, runAsGroup: 65534 };
    pod.spec!.containers[0]!.securityContext = { runAsUser: 65534, readOnlyRootFilesystem: true };
    await cluster.client.create(Pods, pod);
    const running = await waitForPod(cluster.client, 'locked', isRunningAndReady, 'Running (its checks passed)');
    expect(containerStatus(running, 'main')?.restartCount).toBe(0);
  });
});
