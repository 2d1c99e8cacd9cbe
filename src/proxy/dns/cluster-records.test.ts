import { describe, expect, it } from 'vitest';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { addressOfReverseName, ClusterRecords, SERVICE_NAME_LABEL, type ServiceDirectory } from './cluster-records.js';

function service(name: string, spec: Service['spec']): Service {
  return { metadata: { name, namespace: 'ns' }, spec };
}

function slice(serviceName: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = []): EndpointSlice {
  return { metadata: { name: `${serviceName}-x`, namespace: 'ns', labels: { [SERVICE_NAME_LABEL]: serviceName } }, addressType: 'IPv4', endpoints, ports };
}

const SERVICES = [
  service('web', { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 81 }] }),
  service('ext', { type: 'ExternalName', externalName: 'db.example.org' }),
  service('head', { clusterIP: 'None', ports: [{ name: 'http', port: 8080 }] }),
  service('all', { clusterIP: 'None', publishNotReadyAddresses: true }),
  service('empty', { clusterIP: 'None' }),
];
const SLICES = [
  slice('head', [
    { addresses: ['172.17.0.2'], hostname: 'Pod-A', conditions: { ready: true } },
    { addresses: ['172.17.0.3'], conditions: { ready: false } },
  ], [{ name: 'http', port: 8080, protocol: 'TCP' }]),
  slice('all', [{ addresses: ['172.17.0.4'], conditions: { ready: false } }]),
];

const directory: ServiceDirectory = {
  service: (namespace, name) => SERVICES.find((s) => s.metadata?.namespace === namespace && s.metadata.name === name),
  hasServicesIn: (namespace) => SERVICES.some((s) => s.metadata?.namespace === namespace),
  slicesOf: (namespace, name) => SLICES.filter((s) => s.metadata?.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === name),
  servicesWithClusterIp: (ip) => SERVICES.filter((s) => s.spec?.clusterIPs?.includes(ip) === true),
  slicesWithAddress: (ip) => SLICES.filter((s) => s.endpoints.some((e) => e.addresses.includes(ip))),
};

const records = new ClusterRecords(directory, { zone: 'cluster.local', ttl: 5 });

describe('ClusterRecords', () => {
  it('answers an ExternalName Service with a CNAME, not followed', () => {
    const r = records.resolve({ type: 'A', name: 'ext.ns.svc.cluster.local' });
    expect(r.answers).toEqual([{ type: 'CNAME', name: 'ext.ns.svc.cluster.local', ttl: 5, data: 'db.example.org' }]);
  });

  it('skips unnamed ports in SRV and lists every named one for the plain service name', () => {
    const r = records.resolve({ type: 'SRV', name: 'web.ns.svc.cluster.local' });
    expect(r.answers).toEqual([{ type: 'SRV', name: 'web.ns.svc.cluster.local', ttl: 5, data: { priority: 0, weight: 100, port: 80, target: 'web.ns.svc.cluster.local' } }]);
    expect(r.additionals).toEqual([{ type: 'A', name: 'web.ns.svc.cluster.local', ttl: 5, data: '10.96.0.5' }]);
  });

  it('matches endpoint hostnames case-insensitively', () => {
    expect(records.resolve({ type: 'A', name: 'pod-a.head.ns.svc.cluster.local' }).answers).toEqual([
      { type: 'A', name: 'pod-a.head.ns.svc.cluster.local', ttl: 5, data: '172.17.0.2' },
    ]);
  });

  it('includes not-ready endpoints when the Service publishes them', () => {
    expect(records.resolve({ type: 'A', name: 'all.ns.svc.cluster.local' }).answers.map((a) => a.type === 'A' ? a.data : '')).toEqual(['172.17.0.4']);
  });

  it('a headless Service with no ready endpoints exists with no records (NODATA, with the SOA)', () => {
    const r = records.resolve({ type: 'A', name: 'empty.ns.svc.cluster.local' });
    expect(r.rcode).toBe('NOERROR');
    expect(r.answers).toEqual([]);
    expect(r.authorities[0]?.type).toBe('SOA');
  });

  it('the namespace and svc levels exist (NODATA); an unknown namespace does not (NXDOMAIN)', () => {
    expect(records.resolve({ type: 'A', name: 'ns.svc.cluster.local' }).rcode).toBe('NOERROR');
    expect(records.resolve({ type: 'A', name: 'svc.cluster.local' }).rcode).toBe('NOERROR');
    expect(records.resolve({ type: 'A', name: 'other.svc.cluster.local' }).rcode).toBe('NXDOMAIN');
  });

  it('answers the zone SOA, and NXDOMAIN carries it for negative caching', () => {
    expect(records.resolve({ type: 'SOA', name: 'cluster.local' }).answers[0]?.type).toBe('SOA');
    const r = records.resolve({ type: 'A', name: 'x.y.z.svc.cluster.local' });
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.authoritative).toBe(true);
    expect(r.authorities[0]).toMatchObject({ type: 'SOA', name: 'cluster.local', data: { minimum: 5 } });
  });

  it('refuses, without authority, any name outside the zone, even one that ends like it', () => {
    for (const name of ['example.com', 'notcluster.local', 'local']) {
      expect(records.resolve({ type: 'A', name })).toEqual({ rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] });
    }
  });

  it('SRV names with a port the Service does not have are NXDOMAIN; other types on a real SRV name are NODATA', () => {
    expect(records.resolve({ type: 'SRV', name: '_grpc._tcp.web.ns.svc.cluster.local' }).rcode).toBe('NXDOMAIN');
    const r = records.resolve({ type: 'A', name: '_http._tcp.web.ns.svc.cluster.local' });
    expect(r.rcode).toBe('NOERROR');
    expect(r.answers).toEqual([]);
  });

  it('rejects malformed reverse and pod names', () => {
    expect(addressOfReverseName('5.0.96.10.in-addr.arpa')).toBe('10.96.0.5');
    expect(addressOfReverseName('0.96.10.in-addr.arpa')).toBeUndefined();
    expect(addressOfReverseName('300.0.96.10.in-addr.arpa')).toBeUndefined();
    expect(records.resolve({ type: 'A', name: '1-2-3.ns.pod.cluster.local' }).rcode).toBe('NXDOMAIN');
  });
});
