// SuperProxy against a real API server, the host's real iptables and real containers on Docker's
// bridge. The EndpointSlices are written by the test (no endpoint controller here), so this checks
// the proxy alone: rules from Services and slices, traffic from 127.0.0.1 and from a container,
// updates, and that nothing of it is left after it stops.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import Dockerode from 'dockerode';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import { EndpointSlices, Services } from '../../src/client/resource-types.js';
import { SERVICE_NAME_LABEL } from '../../src/proxy/service-map.js';
import { SuperProxy } from '../../src/proxy/super-proxy.js';
import { createLogger, silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { BUSYBOX } from '../support/pods.js';
import { waitFor } from '../support/wait.js';
import { hostnamesFrom, httpGet, otherProxyOnHost, proxyRules, rangeRejectInPlace, wgetIn } from './traffic.js';

const docker = new Dockerode();
const runId = randomBytes(3).toString('hex');
const LABEL = 'supernetes.test/proxy';

interface Backend { id: string; ip: string; hostname: string }

async function startContainer(hostname: string, script: string): Promise<Backend> {
  const container = await docker.createContainer({ Image: BUSYBOX, Hostname: hostname, Cmd: ['sh', '-c', script], Labels: { [LABEL]: runId } });
  await container.start();
  const info = await container.inspect();
  return { id: container.id, ip: info.NetworkSettings.Networks.bridge?.IPAddress ?? '', hostname };
}

const httpd = (hostname: string): Promise<Backend> =>
  startContainer(hostname, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www');

function sliceFor(service: string, backends: Backend[], ready: (b: Backend) => boolean = () => true): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-manual`, namespace: 'default', labels: { [SERVICE_NAME_LABEL]: service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: backends.map((b) => ({ addresses: [b.ip], conditions: { ready: ready(b) }, nodeName: 'proxy-test-node' })),
  };
}

describe('SuperProxy on iptables and Docker', () => {
  let plane: TestControlPlane;
  let client: RestClient;
  let proxy: SuperProxy;
  const stopProxy = new AbortController();
  let proxyStopped = false;
  let backends: Backend[] = [];
  let clientContainer: Backend;
  let service: Service;
  let nodePort = 0;
  let localnetBefore = '';

  beforeAll(async () => {
    localnetBefore = (await readFile('/proc/sys/net/ipv4/conf/all/route_localnet', 'utf8')).trim();
    plane = await startTestControlPlane();
    client = new RestClient({ config: await loadKubeconfig(plane.kubeconfigPath) });
    backends = await Promise.all([1, 2, 3].map((i) => httpd(`web-${runId}-${i}`)));
    clientContainer = await startContainer(`client-${runId}`, 'exec sleep 3600');
    service = await client.create<Service>(Services, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    nodePort = service.spec?.ports?.[0]?.nodePort ?? 0;
    await client.create(EndpointSlices, sliceFor('web', backends));
    const logger = process.env.SUPERNETES_TEST_LOG === '1' ? createLogger('proxy-test', 'debug') : silentLogger;
    proxy = new SuperProxy({ client, nodeName: 'proxy-test-node', minSyncIntervalMs: 50, logger });
    await proxy.start(stopProxy.signal);
    // One proxy owns the host (its lock): this waits while another proxy test file holds it.
    await proxy.whenSynced();
  }, 300_000);

  afterAll(async () => {
    // Whatever failed, the rules go: the proxy removes them when its signal aborts.
    stopProxy.abort();
    await proxy?.stopped();
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${runId}`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await plane?.stop();
  }, 60_000);

  it('rejects the whole service range before any request to a ClusterIP, on the host and from a container', async () => {
    expect(await rangeRejectInPlace()).toBe(true);
    // An address in the range with no Service: refused on the node at once (it would otherwise go
    // out through the default route).
    const unused = '10.96.255.254';
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: unused, port: 80, timeout: 3000 });
      socket.on('connect', () => { socket.destroy(); resolve('connected'); });
      socket.on('timeout', () => { socket.destroy(); resolve('timeout'); });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    await expect(wgetIn(clientContainer.id, `http://${unused}/`)).rejects.toThrow(/refused/i);
  });

  it('serves the NodePort on 127.0.0.1, spreading requests over all three backends', async () => {
    expect(nodePort).toBeGreaterThan(0);
    const seen = new Set<string>();
    await waitFor(async () => {
      seen.add(await httpGet('127.0.0.1', nodePort));
      return seen.size === 3;
    }, { what: 'all three backends answering on 127.0.0.1:nodePort', timeoutMs: 30_000, intervalMs: 0 });
    expect([...seen].sort()).toEqual(backends.map((b) => b.hostname).sort());
  });

  it('serves the ClusterIP to a container on the bridge', async () => {
    const clusterIP = service.spec?.clusterIP ?? '';
    expect(await rangeRejectInPlace()).toBe(true);
    const answers = new Set<string>();
    await waitFor(async () => {
      answers.add(await wgetIn(clientContainer.id, `http://${clusterIP}:80/`));
      return answers.size === 3;
    }, { what: 'all three backends answering on the ClusterIP from a container', timeoutMs: 60_000, intervalMs: 0 });
    expect([...answers].sort()).toEqual(backends.map((b) => b.hostname).sort());
  });

  it('reaches a backend that reaches itself through the Service (hairpin)', async () => {
    const clusterIP = service.spec?.clusterIP ?? '';
    const backend = backends[0];
    if (backend === undefined) throw new Error('no backend');
    const answers = new Set<string>();
    await waitFor(async () => {
      answers.add(await wgetIn(backend.id, `http://${clusterIP}:80/`));
      return answers.has(backend.hostname);
    }, { what: 'a backend reaching itself through its ClusterIP', timeoutMs: 60_000, intervalMs: 0 });
  });

  it('stops sending to an endpoint marked not ready, and sends to it again when ready', async () => {
    const [first, ...rest] = backends;
    if (first === undefined) throw new Error('no backend');
    await client.update(EndpointSlices, { ...sliceFor('web', backends, (b) => b !== first), metadata: { ...sliceFor('web', backends).metadata, resourceVersion: undefined } });
    await waitFor(async () => !(await proxyRules()).some((l) => l.includes(`${first.ip}:8080`)), { what: 'the unready endpoint gone from the rules', timeoutMs: 10_000 });
    const answers = await hostnamesFrom('127.0.0.1', nodePort, 30);
    expect(new Set(answers)).toEqual(new Set(rest.map((b) => b.hostname)));

    await client.update(EndpointSlices, sliceFor('web', backends));
    const seen = new Set<string>();
    await waitFor(async () => {
      seen.add(await httpGet('127.0.0.1', nodePort));
      return seen.has(first.hostname);
    }, { what: 'the endpoint back in rotation', timeoutMs: 30_000, intervalMs: 0 });
  });

  it('keeps a client on one backend with sessionAffinity ClientIP', async () => {
    const current = await client.get<Service>(Services, 'web', 'default');
    await client.update(Services, { ...current, spec: { ...current.spec, sessionAffinity: 'ClientIP' } });
    await waitFor(async () => (await proxyRules()).some((l) => l.includes('--rcheck')), { what: 'affinity rules', timeoutMs: 10_000 });
    const answers = await hostnamesFrom('127.0.0.1', nodePort, 20);
    expect(new Set(answers).size).toBe(1);
  });

  it('rejects a service without ready endpoints instead of letting it hang', async () => {
    await client.update(EndpointSlices, sliceFor('web', backends, () => false));
    await waitFor(async () => (await proxyRules()).some((l) => l.includes('default/web:http has no endpoints')), { what: 'the no-endpoints reject', timeoutMs: 10_000 });
    await expect(httpGet('127.0.0.1', nodePort)).rejects.toThrow(/ECONNREFUSED/);
    await expect(wgetIn(clientContainer.id, `http://${service.spec?.clusterIP ?? ''}:80/`)).rejects.toThrow(/refused/i);
  });

  it('carries UDP to a ClusterIP and a node port', async () => {
    // The endpoint is this test's own socket on the bridge gateway: busybox has no UDP server.
    const gateway = (await docker.getNetwork('bridge').inspect() as { IPAM: { Config: { Gateway: string }[] } }).IPAM.Config[0]?.Gateway ?? '';
    const echo: Socket = createSocket('udp4');
    echo.on('message', (msg, from) => echo.send(`echo:${msg.toString().trim()}`, from.port, from.address));
    await new Promise<void>((resolve) => echo.bind(0, gateway, resolve));
    try {
      const udp = await client.create<Service>(Services, {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'udp', namespace: 'default' },
        spec: { type: 'NodePort', ports: [{ name: 'echo', port: 5300, protocol: 'UDP' }] },
      });
      await client.create(EndpointSlices, {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { name: 'udp-manual', namespace: 'default', labels: { [SERVICE_NAME_LABEL]: 'udp' } },
        addressType: 'IPv4',
        ports: [{ name: 'echo', port: echo.address().port, protocol: 'UDP' }],
        endpoints: [{ addresses: [gateway], conditions: { ready: true } }],
      });
      const clusterIP = udp.spec?.clusterIP ?? '';
      await waitFor(async () => (await proxyRules()).some((l) => l.includes(`-d ${clusterIP}/32 -p udp`)), { what: 'the UDP service rules', timeoutMs: 10_000 });
      expect(await rangeRejectInPlace()).toBe(true);
      const ask = (host: string, port: number, text: string): Promise<string> => new Promise<string>((resolve, reject) => {
        const socket = createSocket('udp4');
        const timer = setTimeout(() => { socket.close(); reject(new Error(`no UDP answer from ${host}:${port}`)); }, 3000);
        socket.on('message', (msg) => { clearTimeout(timer); socket.close(); resolve(msg.toString()); });
        socket.send(text, port, host);
      });
      expect(await ask(clusterIP, 5300, 'ping')).toBe('echo:ping');
      const reply = await ask('127.0.0.1', udp.spec?.ports?.[0]?.nodePort ?? 0, 'pong');
      expect(reply).toBe('echo:pong');
    } finally {
      echo.close();
    }
  });

  it('removes every rule of its own when it stops, and puts route_localnet back', async () => {
    stopProxy.abort();
    await proxy.stopped();
    proxyStopped = true;
    const other = await otherProxyOnHost();
    const left = await proxyRules();
    if (other === undefined) {
      expect(left).toEqual([]);
    } else {
      // Another SuperProxy on this host took over at once: none of our Service's rules may remain.
      expect(left.filter((l) => l.includes(service.spec?.clusterIP ?? '') || l.includes(`--dport ${nodePort}`))).toEqual([]);
    }
    expect((await readFile('/proc/sys/net/ipv4/conf/all/route_localnet', 'utf8')).trim()).toBe(other === undefined ? localnetBefore : expect.any(String));
    expect(proxyStopped).toBe(true);
  });
});
