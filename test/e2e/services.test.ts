// Services on the real Docker daemon, end to end: SuperController (Deployment, ReplicaSet,
// EndpointSlice controllers), the superlet's readiness probes, SuperProxy's iptables rules and
// cluster DNS. Three busybox httpd pods serving their own hostname behind a NodePort Service:
// 127.0.0.1:nodePort reaches all three; a pod whose readiness probe fails leaves the rotation and
// comes back; scaling to five adds the new pods; a pod reaches the Service by ClusterIP and by
// name; when the proxy stops none of its rules is left.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployments, Pods, Services } from '../../src/client/resource-types.js';
import { LABEL } from '../../src/superlet/runtime/docker/labels.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { BUSYBOX, isRunningAndReady, shellPod, waitForPod } from '../support/pods.js';
import { waitFor } from '../support/wait.js';
import { httpGet, otherProxyOnHost, proxyRules, rangeRejectInPlace, wgetIn } from '../proxy/traffic.js';

const run = promisify(execFile);
const docker = new Dockerode();

const deployment = (replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'web',
          image: BUSYBOX,
          // The page is the pod's hostname (its name); /ready is what the readiness probe asks for.
          command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && touch /www/ready && exec httpd -f -p 8080 -h /www'],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1, failureThreshold: 1, successThreshold: 1 },
        }],
      },
    },
  },
});

let cluster: TestCluster;
let service: Service;
let nodePort = 0;

async function readyPods(): Promise<Pod[]> {
  const list = await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=web' });
  return list.items.filter((p) => p.metadata?.deletionTimestamp === undefined && isRunningAndReady(p));
}

/** Requests on fresh connections until every name in `expected` has answered. */
async function reachAll(expected: string[], what: string): Promise<Set<string>> {
  const seen = new Set<string>();
  await waitFor(async () => {
    seen.add(await httpGet('127.0.0.1', nodePort).catch(() => ''));
    return expected.every((name) => seen.has(name));
  }, { what: `${what} (seen so far: ${[...seen].join(', ')})`, timeoutMs: 60_000, intervalMs: 0 });
  seen.delete('');
  return seen;
}

async function appContainer(podName: string): Promise<string> {
  const [found] = await docker.listContainers({ filters: { label: [`${LABEL.podName}=${podName}`, `${LABEL.containerName}=web`] } });
  if (found === undefined) throw new Error(`no running web container for pod ${podName}`);
  return found.Id;
}

describe('Services on Docker through SuperProxy', () => {
  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 1, controllers: true, proxy: true });
    // One proxy owns the host (its lock): this waits while another proxy test file holds it.
    await cluster.proxy?.whenSynced();
    await cluster.client.create(Deployments, deployment(3));
    service = await cluster.client.create<Service>(Services, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
    nodePort = service.spec?.ports?.[0]?.nodePort ?? 0;
    await waitFor(async () => (await readyPods()).length === 3, { what: 'three ready web pods', timeoutMs: 120_000, intervalMs: 200 });
  }, 300_000);

  afterAll(async () => {
    // Even after a failure: stopping the cluster stops the proxy, which removes its rules.
    await cluster?.stop();
  }, 60_000);

  it('has the reject rule for the whole service range in place before any request to a ClusterIP', async () => {
    expect(await rangeRejectInPlace()).toBe(true);
  });

  it('reaches all three pods from 127.0.0.1 through the NodePort', async () => {
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const names = (await readyPods()).map((p) => p.metadata?.name ?? '');
    const seen = await reachAll(names, 'all three pods answering on 127.0.0.1:nodePort');
    expect([...seen].sort()).toEqual([...names].sort());
  });

  it('takes a pod whose readiness probe fails out of the rotation, and back when it passes', async () => {
    const pods = await readyPods();
    const victim = pods[0];
    if (victim === undefined) throw new Error('no ready pod');
    const name = victim.metadata?.name ?? '';
    const ip = victim.status?.podIP ?? '';
    const container = await appContainer(name);
    await run('docker', ['exec', container, 'rm', '/www/ready']);
    await waitForPod(cluster.client, name, (p) => !isRunningAndReady(p), 'not ready after its probe fails', 30_000);
    await waitFor(async () => !(await proxyRules()).some((l) => l.includes(`--to-destination ${ip}:`)), { what: `${ip} gone from the proxy's rules`, timeoutMs: 30_000, intervalMs: 50 });
    const answers = new Set<string>();
    for (let i = 0; i < 30; i++) answers.add(await httpGet('127.0.0.1', nodePort));
    expect(answers.has(name)).toBe(false);
    expect(answers.size).toBe(2);

    await run('docker', ['exec', container, 'touch', '/www/ready']);
    await waitForPod(cluster.client, name, isRunningAndReady, 'ready again', 30_000);
    await reachAll([name], 'the pod answering again once ready');
  });

  it('adds the new pods when scaled to five', async () => {
    await cluster.client.patch(Deployments, 'web', 'default', { spec: { replicas: 5 } }, 'merge');
    await waitFor(async () => (await readyPods()).length === 5, { what: 'five ready web pods', timeoutMs: 120_000, intervalMs: 200 });
    const names = (await readyPods()).map((p) => p.metadata?.name ?? '');
    const seen = await reachAll(names, 'all five pods answering on 127.0.0.1:nodePort');
    expect(seen.size).toBe(5);
  });

  it('is reached from a pod by ClusterIP and by DNS name', async () => {
    await cluster.client.create(Pods, shellPod('client', 'exec sleep 3600'));
    await waitForPod(cluster.client, 'client', isRunningAndReady, 'running');
    const [found] = await docker.listContainers({ filters: { label: [`${LABEL.podName}=client`, `${LABEL.containerName}=main`] } });
    if (found === undefined) throw new Error('no client container');
    const names = new Set((await readyPods()).map((p) => p.metadata?.name ?? ''));
    // The reject rule is checked again right before the first request to a ClusterIP.
    expect(await rangeRejectInPlace()).toBe(true);
    const byIp = await waitFor(async () => wgetIn(found.Id, `http://${service.spec?.clusterIP ?? ''}/`).catch((): undefined => undefined), { what: 'the ClusterIP answering the client pod', timeoutMs: 30_000, intervalMs: 200 });
    expect(names.has(byIp)).toBe(true);
    await cluster.proxy?.whenDnsReady();
    for (const host of ['web', 'web.default', 'web.default.svc.cluster.local']) {
      const byName = await waitFor(async () => wgetIn(found.Id, `http://${host}/`).catch((): undefined => undefined), { what: `${host} answering the client pod`, timeoutMs: 30_000, intervalMs: 200 });
      expect(names.has(byName)).toBe(true);
    }
  });

  it('leaves no rule of the proxy once it stops', async () => {
    await cluster.stop();
    const left = await proxyRules();
    if ((await otherProxyOnHost()) === undefined) {
      expect(left).toEqual([]);
    } else {
      // Another SuperProxy on this host (another test's server) took over: none of ours is left.
      expect(left.filter((l) => l.includes(service.spec?.clusterIP ?? '') || l.includes(`--dport ${nodePort}`))).toEqual([]);
    }
  });
});
