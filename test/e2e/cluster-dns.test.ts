// Cluster DNS on real Docker, through the test cluster's SuperProxy: cluster DNS on the Docker
// bridge gateway (port 53), superlets that name it in each pod's resolv.conf, the EndpointSlice
// controller behind headless Services. Busybox in a pod resolves a ClusterIP Service to its
// ClusterIP and a headless one to the pod's address, and reaches both with wget by name. Port 53 on
// the gateway is one per host: the proxy takes it only while it holds the host's proxy lock, so
// test files that run a proxy take turns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { Namespaces, Pods, Services } from '../../src/client/resource-types.js';
import { dockerBridgeGateway } from '../../src/proxy/dns/bridge-address.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { BUSYBOX, isRunningAndReady, waitForPod } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

const NS = 'dns-e2e';
const FQDN = (service: string): string => `${service}.${NS}.svc.cluster.local`;
// The proxy may wait for another test file's proxy to let go of the host.
const PROXY_WAIT_MS = 240_000;

let cluster: TestCluster;
let gateway: string;

function pod(name: string, script: string, extra: Partial<NonNullable<Pod['spec']>> = {}, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, labels },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', script] }], ...extra },
  };
}

async function exec(podName: string, command: string[]): Promise<{ code: number; output: string }> {
  const result = await cluster.kubectl.run(['exec', '-n', NS, podName, '--', ...command]);
  return { code: result.code, output: result.stdout + result.stderr };
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, controllers: true, proxy: true });
  gateway = await dockerBridgeGateway();
  await cluster.client.create(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  // One proxy owns the host (its lock): this waits while another proxy test file holds it.
  await cluster.proxy?.whenDnsReady();
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
}, 120_000);

describe('cluster DNS on Docker', () => {
  it('pods resolve Services by name and reach them with wget, the short name through the search path', async () => {
    const { client } = cluster;
    await client.create(Pods, pod('web', 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www', {}, { app: 'web' }));
    await client.create(Pods, pod('client', 'exec sleep 3600'));
    const web = await waitForPod(client, 'web', isRunningAndReady, 'running', 120_000, NS);
    await waitForPod(client, 'client', isRunningAndReady, 'running', 120_000, NS);
    const webIp = web.status?.podIP ?? '';
    expect(webIp).not.toBe('');

    const clusterIpService = await client.create<Service>(Services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    await client.create<Service>(Services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-headless', namespace: NS },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] },
    });
    expect(await cluster.proxy?.whenDnsReady()).toBe(53);

    // The pod's resolv.conf, as the kubelet forms it for ClusterFirst; the app container shares the sandbox's.
    const resolvConf = (await exec('client', ['cat', '/etc/resolv.conf'])).output;
    expect(resolvConf).toMatch(new RegExp(`^nameserver ${gateway.replace(/\./g, '\\.')}$`, 'm'));
    expect(resolvConf.match(/^nameserver /gm)).toHaveLength(1);
    expect(resolvConf).toMatch(new RegExp(`^search ${NS}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local\\b`, 'm'));
    expect(resolvConf).toMatch(/^options ndots:5$/m);

    const clusterIp = clusterIpService.spec?.clusterIP ?? '';
    const lookup = await waitFor(async () => {
      const result = await exec('client', ['nslookup', FQDN('web')]);
      return result.code === 0 && result.output.includes(clusterIp) ? result.output : undefined;
    }, { what: `nslookup ${FQDN('web')} to answer ${clusterIp}`, timeoutMs: 30_000, intervalMs: 500 });
    expect(lookup).toContain(clusterIp);

    const headless = await waitFor(async () => {
      const result = await exec('client', ['nslookup', FQDN('web-headless')]);
      return result.code === 0 && result.output.includes(webIp) ? result.output : undefined;
    }, { what: `nslookup ${FQDN('web-headless')} to answer ${webIp}`, timeoutMs: 30_000, intervalMs: 500 });
    expect(headless).toContain(webIp);

    // wget resolves through the C library: the short name goes through the search path (no -T: it
    // crashes Debian's busybox 1.35).
    const fetched = await exec('client', ['wget', '-q', '-O', '-', 'http://web-headless:8080/']);
    expect(fetched).toEqual({ code: 0, output: 'hello-from-web\n' });
    const byFqdn = await exec('client', ['wget', '-q', '-O', '-', `http://${FQDN('web-headless')}:8080/`]);
    expect(byFqdn).toEqual({ code: 0, output: 'hello-from-web\n' });
    // The ClusterIP Service by name: DNS gives the ClusterIP, the proxy's rules the pod behind it.
    const viaClusterIp = await waitFor(async () => {
      const result = await exec('client', ['wget', '-q', '-O', '-', 'http://web/']);
      return result.code === 0 ? result : undefined;
    }, { what: 'wget http://web/ through the ClusterIP', timeoutMs: 30_000, intervalMs: 500 });
    expect(viaClusterIp.output).toBe('hello-from-web\n');
  }, PROXY_WAIT_MS + 60_000);

  it('names outside the cluster fail at once with REFUSED, and unknown cluster names with NXDOMAIN', async () => {
    const outside = await exec('client', ['nslookup', 'example.com']);
    expect(outside.code).not.toBe(0);
    expect(outside.output).toMatch(/REFUSED/);
    const unknown = await exec('client', ['nslookup', FQDN('nope')]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toMatch(/NXDOMAIN/);
  });

  it('dnsPolicy None takes only the pod dnsConfig', async () => {
    await cluster.client.create(Pods, pod('custom', 'exec sleep 3600', {
      dnsPolicy: 'None',
      dnsConfig: { nameservers: [gateway], searches: ['custom.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    }));
    await waitForPod(cluster.client, 'custom', isRunningAndReady, 'running', 120_000, NS);
    const resolvConf = (await exec('custom', ['cat', '/etc/resolv.conf'])).output;
    expect(resolvConf).toMatch(/^search custom\.example$/m);
    expect(resolvConf).toMatch(/^options ndots:2 edns0$/m);
    expect(resolvConf.match(/^nameserver .*$/gm)).toEqual([`nameserver ${gateway}`]);
  });
});
