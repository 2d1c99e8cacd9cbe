// The subject alternative names of the serving certificate: what they are by default, how the
// caller's hosts and IPs are checked and normalized, and when two sets are the same (so a restart with
// the same addresses keeps its certificate, and a new address gets a new one).
import { isIP } from 'node:net';
import { PkiError } from './errors.js';

export const DEFAULT_DNS_NAMES: readonly string[] = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
export const DEFAULT_IPS: readonly string[] = ['127.0.0.1', '::1'];

export interface SubjectAltNames {
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
}

/**
 * The canonical text of an IP address (`::0001` and `::1` are one address; IPv4 as dotted quad),
 * or undefined when `value` is not an IP literal. Brackets around IPv6 are accepted.
 */
export function canonicalIp(value: string): string | undefined {
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  const family = isIP(bare);
  if (family === 0) return undefined;
  if (family === 4) return bare;
  // WHATWG URL parsing normalizes IPv6 (RFC 5952 compression); it refuses a zone (`%eth0`), which has
  // no place in a certificate either.
  try {
    return new URL(`https://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** An address that is not a destination (0.0.0.0, ::): binding to it means "all", so it never goes in a SAN. */
export function isUnspecifiedIp(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

const dnsLabel = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A DNS name as it goes into a certificate: lower case, no trailing dot; `*.` only as the first label. */
export function canonicalDnsName(value: string): string | undefined {
  const name = value.trim().toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = name.split('.');
  const rest = labels[0] === '*' && labels.length > 1 ? labels.slice(1) : labels;
  return rest.every((label) => dnsLabel.test(label)) ? name : undefined;
}

export interface ServingNamesOptions {
  /** Extra DNS names or IP literals (an IP given here is treated as an IP). */
  readonly hosts?: readonly string[];
  /** Extra IP addresses: the bind address and any the server is reached at. */
  readonly ips?: readonly string[];
  /** The machine's host name; silently skipped when it is not a valid DNS name. */
  readonly hostname?: string;
}

/** The full, sorted, de-duplicated SAN set for the serving certificate. Throws on an invalid host or IP. */
export function servingNames(options: ServingNamesOptions): SubjectAltNames {
  const dnsNames = new Set(DEFAULT_DNS_NAMES);
  const ips = new Set(DEFAULT_IPS.map((ip) => canonicalIp(ip) ?? ip));
  const addIp = (value: string) => {
    const ip = canonicalIp(value);
    if (ip === undefined) throw new PkiError('InvalidName', `"${value}" is not an IP address`);
    if (!isUnspecifiedIp(ip)) ips.add(ip);
  };
  for (const ip of options.ips ?? []) addIp(ip);
  for (const host of options.hosts ?? []) {
    if (canonicalIp(host) !== undefined) {
      addIp(host);
      continue;
    }
    const name = canonicalDnsName(host);
    if (name === undefined) throw new PkiError('InvalidName', `"${host}" is not a valid DNS name`);
    dnsNames.add(name);
  }
  if (options.hostname !== undefined) {
    const name = canonicalDnsName(options.hostname);
    if (name !== undefined) dnsNames.add(name);
  }
  return { dnsNames: [...dnsNames].sort(), ips: [...ips].sort() };
}

/** Normalizes a SAN set read back from a certificate so it compares with `servingNames`' output. */
export function normalizeNames(names: SubjectAltNames): SubjectAltNames {
  const dnsNames = new Set(names.dnsNames.map((n) => canonicalDnsName(n) ?? n));
  const ips = new Set(names.ips.map((ip) => canonicalIp(ip) ?? ip));
  return { dnsNames: [...dnsNames].sort(), ips: [...ips].sort() };
}

export function sameNames(a: SubjectAltNames, b: SubjectAltNames): boolean {
  const x = normalizeNames(a);
  const y = normalizeNames(b);
  const same = (p: readonly string[], q: readonly string[]) => p.length === q.length && p.every((v, i) => v === q[i]);
  return same(x.dnsNames, y.dnsNames) && same(x.ips, y.ips);
}
