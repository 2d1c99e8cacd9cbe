import { describe, expect, it } from 'vitest';
import { PkiError } from './errors.js';
import { canonicalDnsName, canonicalIp, DEFAULT_DNS_NAMES, sameNames, servingNames } from './names.js';

describe('canonicalIp', () => {
  it('normalizes IPv4 and IPv6 and refuses what is not an address', () => {
    expect(canonicalIp('127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIp('[::1]')).toBe('::1');
    expect(canonicalIp('FE80:0::0001')).toBe('fe80::1');
    expect(canonicalIp('fe80::1%eth0')).toBeUndefined();
    expect(canonicalIp('localhost')).toBeUndefined();
    expect(canonicalIp('010.1.1.1')).toBeUndefined();
  });
});

describe('canonicalDnsName', () => {
  it('lower-cases, drops a trailing dot, allows one leading wildcard', () => {
    expect(canonicalDnsName('My-Host.Example.')).toBe('my-host.example');
    expect(canonicalDnsName('*.svc.local')).toBe('*.svc.local');
    expect(canonicalDnsName('a.*.b')).toBeUndefined();
    expect(canonicalDnsName('-bad')).toBeUndefined();
    expect(canonicalDnsName('has space')).toBeUndefined();
    expect(canonicalDnsName('')).toBeUndefined();
  });
});

describe('servingNames', () => {
  it('always has the defaults, adds the hostname, hosts and IPs, skips unspecified addresses', () => {
    const names = servingNames({ hostname: 'Node-1', hosts: ['api.example', '10.0.0.9'], ips: ['0.0.0.0', '::', '192.168.1.5', '::1'] });
    expect(names.dnsNames).toEqual([...DEFAULT_DNS_NAMES, 'api.example', 'node-1'].sort());
    expect(names.ips).toEqual(['10.0.0.9', '127.0.0.1', '192.168.1.5', '::1']);
  });

  it('skips an invalid hostname but rejects invalid explicit hosts and IPs', () => {
    expect(servingNames({ hostname: 'bad host' }).dnsNames).toEqual([...DEFAULT_DNS_NAMES].sort());
    expect(() => servingNames({ hosts: ['bad host'] })).toThrow(PkiError);
    expect(() => servingNames({ ips: ['not-an-ip'] })).toThrow(/not an IP address/);
  });

  it('compares sets regardless of order and spelling', () => {
    const a = servingNames({ hosts: ['b.example', 'a.example'] });
    expect(sameNames(a, { dnsNames: [...a.dnsNames].reverse(), ips: ['0:0:0:0:0:0:0:1', '127.0.0.1'] })).toBe(true);
    expect(sameNames(a, servingNames({ hosts: ['a.example'] }))).toBe(false);
    expect(sameNames(a, servingNames({ hosts: ['a.example', 'b.example'], ips: ['10.1.1.1'] }))).toBe(false);
  });
});
