import { describe, expect, it } from 'vitest';
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { parseResolvConf, podDnsConfig, type PodDnsSettings } from './dns-config.js';

const HOST = parseResolvConf([
  '# the node',
  'nameserver 10.255.255.53',
  'nameserver 10.255.255.54',
  'search corp.example. .',
  'options timeout:2 attempts:3',
  'options timeout:1',
].join('\n'));

const SETTINGS: PodDnsSettings = { clusterDns: ['172.17.0.1'], clusterDomain: 'cluster.local', host: HOST };

function pod(spec: Partial<PodSpec> = {}): Pod {
  return { metadata: { name: 'web', namespace: 'shop', uid: 'u1' }, spec: { containers: [{ name: 'c' }], ...spec } };
}

describe('parseResolvConf', () => {
  it('keeps nameservers in order, the search line without dots, options merged by name', () => {
    expect(HOST).toEqual({ nameservers: ['10.255.255.53', '10.255.255.54'], searches: ['corp.example'], options: ['timeout:1', 'attempts:3'] });
  });

  it('takes the last search line only', () => {
    expect(parseResolvConf('search a b\nsearch c\n').searches).toEqual(['c']);
  });
});

describe('podDnsConfig', () => {
  it('ClusterFirst (the default): the cluster DNS, the namespace search path before the host one, ndots:5', () => {
    const { dns, events } = podDnsConfig(pod(), SETTINGS);
    expect(dns).toEqual({
      nameservers: ['172.17.0.1'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
      options: ['ndots:5'],
    });
    expect(events).toEqual([]);
  });

  it('ClusterFirst on the host network falls back to Default; ClusterFirstWithHostNet does not', () => {
    expect(podDnsConfig(pod({ hostNetwork: true }), SETTINGS).dns.nameservers).toEqual(HOST.nameservers);
    expect(podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), SETTINGS).dns.nameservers).toEqual(['172.17.0.1']);
  });

  it('Default copies the node resolv.conf', () => {
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), SETTINGS).dns).toEqual(HOST);
  });

  it('ClusterFirst without a cluster DNS falls back to Default, with a MissingClusterDNS warning', () => {
    const { dns, events } = podDnsConfig(pod(), { ...SETTINGS, clusterDns: [] });
    expect(dns).toEqual(HOST);
    expect(events).toHaveLength(1);
    expect(events[0]?.reason).toBe('MissingClusterDNS');
    expect(events[0]?.message).toContain('web_shop(u1)');
  });

  it('None takes only dnsConfig', () => {
    const { dns } = podDnsConfig(pod({
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['10.0.0.9'], searches: ['x.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    }), SETTINGS);
    expect(dns).toEqual({ nameservers: ['10.0.0.9'], searches: ['x.example'], options: ['ndots:2', 'edns0'] });
  });

  it('dnsConfig is merged onto ClusterFirst: servers and searches appended without duplicates, options overridden by name', () => {
    const { dns } = podDnsConfig(pod({
      dnsConfig: { nameservers: ['172.17.0.1', '10.0.0.9'], searches: ['cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] },
    }), SETTINGS);
    expect(dns).toEqual({
      nameservers: ['172.17.0.1', '10.0.0.9'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'extra.example'],
      options: ['ndots:1', 'single-request'],
    });
  });

  it('an empty cluster domain leaves the cluster search path out', () => {
    expect(podDnsConfig(pod(), { ...SETTINGS, clusterDomain: '' }).dns.searches).toEqual(['corp.example']);
  });

  it('no host resolv.conf: Default gets a nameserver that answers nothing rather than the runtime default', () => {
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), { ...SETTINGS, host: undefined }).dns).toEqual({ nameservers: ['127.0.0.1'], searches: ['.'], options: [] });
    expect(podDnsConfig(pod(), { ...SETTINGS, host: undefined }).dns.searches).toEqual(['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
  });

  it('cuts nameservers to 3 and the search path to 32 entries, with DNSConfigForming warnings', () => {
    const searches = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
    const { dns, events } = podDnsConfig(pod({
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'], searches },
    }), SETTINGS);
    expect(dns.nameservers).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(dns.searches).toEqual(searches.slice(0, 32));
    expect(events.map((e) => e.reason)).toEqual(['DNSConfigForming', 'DNSConfigForming']);
  });

  it('cuts a search line longer than 2048 characters', () => {
    const searches = Array.from({ length: 10 }, (_, i) => `${String(i).repeat(250)}.example`);
    const { dns } = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches } }), SETTINGS);
    expect(dns.searches.join(' ').length).toBeLessThanOrEqual(2048);
    expect(dns.searches).toEqual(searches.slice(0, dns.searches.length));
    expect(dns.searches.length).toBeLessThan(10);
  });
});
