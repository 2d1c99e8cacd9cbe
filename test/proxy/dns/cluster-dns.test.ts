// ClusterDns against a real API server, queried over the wire by Node's own resolver (c-ares) on
// 127.0.0.1: A and SRV for ClusterIP and headless Services, endpoint hostnames, PTR, NXDOMAIN
// inside the cluster domain, REFUSED outside it, truncation over UDP then the answer over TCP.
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { EndpointSlices, Namespaces, Services } from '../../../src/client/resource-types.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { ClusterDns } from '../../../src/proxy/dns/cluster-dns.js';
import { silentLogger } from '../../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { waitFor } from '../../support/wait.js';

const NS = 'dns-test';

let plane: TestControlPlane;
let client: RestClient;
let dns: ClusterDns;
const stop = new AbortController();

function resolver(): Resolver {
  // One try and a short timeout: a server that did not answer shows as ETIMEOUT, not as a slow pass.
  const r = new Resolver({ timeout: 3000, tries: 1 });
  r.setServers([`127.0.0.1:${dns.port}`]);
  return r;
}

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

function slice(name: string, service: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports']): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name, namespace: NS, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4', endpoints, ports,
  };
}

beforeAll(async () => {
  plane = await startTestControlPlane();
  client = new RestClient({ config: await loadKubeconfig(plane.kubeconfigPath) });
  await client.create(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await client.create<Service>(Services, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }] },
  });
  await client.create<Service>(Services, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: NS },
    spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] },
  });
  await client.create(EndpointSlices, slice('db-abc', 'db', [
    { addresses: ['172.17.0.10'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['172.17.0.11'], conditions: {} },
    { addresses: ['172.17.0.12'], conditions: { ready: false } },
  ], [{ name: 'pg', port: 5432, protocol: 'TCP' }]));
  dns = new ClusterDns({ client, addresses: ['127.0.0.1'], port: 0, logger: silentLogger });
  await dns.start(stop.signal);
});

afterAll(async () => {
  stop.abort();
  await dns?.stop();
  await plane?.stop();
});

describe('ClusterDns', () => {
  it('answers a ClusterIP Service with its ClusterIP, TTL 5', async () => {
    const service = await client.get<Service>(Services, 'web', NS);
    const answers = await resolver().resolve4(`web.${NS}.svc.cluster.local`, { ttl: true });
    expect(answers).toEqual([{ address: service.spec?.clusterIP, ttl: 5 }]);
  });

  it('is case-insensitive and takes the name with a trailing dot', async () => {
    const service = await client.get<Service>(Services, 'web', NS);
    expect(await resolver().resolve4(`WEB.${NS.toUpperCase()}.svc.Cluster.Local.`)).toEqual([service.spec?.clusterIP]);
  });

  it('answers AAAA for an IPv4 Service with no records (NODATA), not NXDOMAIN', async () => {
    expect(await errorCode(resolver().resolve6(`web.${NS}.svc.cluster.local`))).toBe('ENODATA');
  });

  it('answers SRV for a named port, by protocol', async () => {
    const r = resolver();
    expect(await r.resolveSrv(`_http._tcp.web.${NS}.svc.cluster.local`)).toEqual([
      { name: `web.${NS}.svc.cluster.local`, port: 80, priority: 0, weight: 100 },
    ]);
    expect(await r.resolveSrv(`_dns._udp.web.${NS}.svc.cluster.local`)).toEqual([
      { name: `web.${NS}.svc.cluster.local`, port: 53, priority: 0, weight: 100 },
    ]);
    expect(await errorCode(r.resolveSrv(`_http._udp.web.${NS}.svc.cluster.local`))).toBe('ENOTFOUND');
  });

  it('answers a headless Service with its ready endpoint addresses only', async () => {
    const addresses = await resolver().resolve4(`db.${NS}.svc.cluster.local`);
    expect(addresses.sort()).toEqual(['172.17.0.10', '172.17.0.11']);
  });

  it('answers an endpoint of a headless Service by hostname, or by its dashed address', async () => {
    const r = resolver();
    expect(await r.resolve4(`db-0.db.${NS}.svc.cluster.local`)).toEqual(['172.17.0.10']);
    expect(await r.resolve4(`172-17-0-11.db.${NS}.svc.cluster.local`)).toEqual(['172.17.0.11']);
    expect(await errorCode(r.resolve4(`172-17-0-12.db.${NS}.svc.cluster.local`))).toBe('ENOTFOUND');
  });

  it('answers SRV for a headless Service with one record per ready endpoint', async () => {
    const records = await resolver().resolveSrv(`_pg._tcp.db.${NS}.svc.cluster.local`);
    expect(records.map((r) => `${r.name}:${r.port}`).sort()).toEqual([
      `172-17-0-11.db.${NS}.svc.cluster.local:5432`,
      `db-0.db.${NS}.svc.cluster.local:5432`,
    ]);
  });

  it('answers PTR for a ClusterIP and for a headless endpoint', async () => {
    const service = await client.get<Service>(Services, 'web', NS);
    const r = resolver();
    expect(await r.reverse(service.spec?.clusterIP ?? '')).toEqual([`web.${NS}.svc.cluster.local`]);
    expect(await r.reverse('172.17.0.10')).toEqual([`db-0.db.${NS}.svc.cluster.local`]);
  });

  it('answers pod names (a-b-c-d.<ns>.pod.<zone>)', async () => {
    expect(await resolver().resolve4(`172-17-0-99.${NS}.pod.cluster.local`)).toEqual(['172.17.0.99']);
  });

  it('answers NXDOMAIN for unknown names in the cluster domain', async () => {
    const r = resolver();
    expect(await errorCode(r.resolve4(`nope.${NS}.svc.cluster.local`))).toBe('ENOTFOUND');
    expect(await errorCode(r.resolve4(`web.other.svc.cluster.local`))).toBe('ENOTFOUND');
    expect(await errorCode(r.resolve4('web.cluster.local'))).toBe('ENOTFOUND');
  });

  it('refuses names outside the cluster domain at once (no upstream, nothing forwarded)', async () => {
    const r = resolver();
    expect(await errorCode(r.resolve4('example.com'))).toBe('EREFUSED');
    expect(await errorCode(r.resolve4(`web.${NS}.svc.cluster.local.example.com`))).toBe('EREFUSED');
    expect(await errorCode(r.resolvePtr('1.2.0.192.in-addr.arpa'))).toBe('EREFUSED');
  });

  it('follows changes: a new Service resolves, a deleted one is NXDOMAIN', async () => {
    await client.create<Service>(Services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'late', namespace: NS }, spec: { ports: [{ port: 81 }] },
    });
    const created = await client.get<Service>(Services, 'late', NS);
    await waitFor(async () => (await resolver().resolve4(`late.${NS}.svc.cluster.local`).catch(() => []))[0] === created.spec?.clusterIP,
      { what: 'the new Service to resolve' });
    await client.delete(Services, 'late', NS);
    await waitFor(async () => (await errorCode(resolver().resolve4(`late.${NS}.svc.cluster.local`))) === 'ENOTFOUND',
      { what: 'the deleted Service to be NXDOMAIN' });
  });

  it('a second server on a taken port fails with one clear line and the first keeps answering', async () => {
    const second = new ClusterDns({ client, addresses: ['127.0.0.1'], port: dns.port, logger: silentLogger });
    const failure = await second.start(stop.signal).then(() => undefined, (error: unknown) => error as NodeJS.ErrnoException);
    expect(failure?.code).toBe('EADDRINUSE');
    expect(failure?.message).toBe(`cluster DNS cannot listen on 127.0.0.1 port ${dns.port}: the address is in use (another DNS server, or another node on this host)`);
    const service = await client.get<Service>(Services, 'web', NS);
    expect(await resolver().resolve4(`web.${NS}.svc.cluster.local`)).toEqual([service.spec?.clusterIP]);
  });

  it('truncates a large answer over UDP and gives it whole over TCP', async () => {
    const endpoints = Array.from({ length: 150 }, (_, i) => ({ addresses: [`172.17.1.${i + 1}`] }));
    await client.create<Service>(Services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'big', namespace: NS },
      spec: { clusterIP: 'None', ports: [{ port: 80 }] },
    });
    await client.create(EndpointSlices, slice('big-1', 'big', endpoints, [{ port: 80, protocol: 'TCP' }]));
    // c-ares retries over TCP when the UDP reply comes back with TC set.
    const addresses = await waitFor(async () => {
      const found = await resolver().resolve4(`big.${NS}.svc.cluster.local`).catch(() => []);
      return found.length === 150 ? found : undefined;
    }, { what: 'all 150 addresses of the big headless Service' });
    expect(new Set(addresses).size).toBe(150);

    // The same query over plain UDP without EDNS: 512 bytes at most, so header and question with TC.
    const udp = createSocket('udp4');
    try {
      const reply = new Promise<Buffer>((resolve) => udp.once('message', resolve));
      udp.send(dnsPacket.encode({ type: 'query', id: 7, questions: [{ type: 'A', name: `big.${NS}.svc.cluster.local` }] }), dns.port, '127.0.0.1');
      const decoded = dnsPacket.decode(await reply);
      expect(decoded.flag_tc).toBe(true);
      expect(decoded.id).toBe(7);
      expect(decoded.answers).toEqual([]);
    } finally {
      udp.close();
    }
  });
});
