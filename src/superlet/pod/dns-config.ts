// A pod's resolv.conf (nameservers, search path, options) from its dnsPolicy and dnsConfig, the way
// the kubelet forms it (pkg/kubelet/network/dns): ClusterFirst names the cluster DNS with the
// namespace's search path and ndots:5, Default copies the node's resolv.conf, None starts empty, and
// pod.spec.dnsConfig is merged on top of each. Pure but for readResolvConf, which reads the node's.
import { readFile } from 'node:fs/promises';
import type { Pod, PodDNSConfigOption } from 'kubernetes-types/core/v1.js';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export interface PodDnsSettings {
  /** The kubelet's --cluster-dns: the addresses pods with ClusterFirst use as nameservers. */
  readonly clusterDns: readonly string[];
  /** The kubelet's --cluster-domain (cluster.local); '' leaves the cluster search path out. */
  readonly clusterDomain: string;
  /** The node's resolv.conf, parsed; undefined when the kubelet's --resolv-conf is '' (no host DNS). */
  readonly host: ResolvConf | undefined;
}

export interface DnsConfigEvent {
  readonly type: 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface PodDnsResult {
  readonly dns: ResolvConf;
  /** For the pod's events (MissingClusterDNS, DNSConfigForming); the pod still starts. */
  readonly events: DnsConfigEvent[];
}

// The glibc limits the kubelet holds resolv.conf to (validation.MaxDNSNameservers and friends).
const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;
const CLUSTER_FIRST_OPTIONS = ['ndots:5'];

/** The kubelet's parseResolvConf: nameservers in order, the last search line, options merged by name. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.trim().split(/\s+/).filter((f) => f !== '');
    const [keyword, ...rest] = fields;
    if (keyword === 'nameserver' && rest[0] !== undefined) conf.nameservers.push(rest[0]);
    // Trailing dots dropped so one domain written both ways counts once against the limits.
    if (keyword === 'search') conf.searches = rest.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (keyword === 'options') conf.options = mergeOptions(conf.options, rest.map(optionOf));
  }
  return conf;
}

/** The node's resolv.conf (the kubelet's --resolv-conf); '' means none, as the kubelet takes it. */
export async function readResolvConf(path: string): Promise<ResolvConf | undefined> {
  if (path === '') return undefined;
  return parseResolvConf(await readFile(path, 'utf8'));
}

function optionOf(text: string): PodDNSConfigOption {
  const colon = text.indexOf(':');
  return colon === -1 ? { name: text } : { name: text.slice(0, colon), value: text.slice(colon + 1) };
}

/** Options by name, later ones winning, in first-seen order (the kubelet's mergeDNSOptions). */
function mergeOptions(existing: readonly string[], added: readonly PodDNSConfigOption[]): string[] {
  const byName = new Map<string, string>();
  for (const option of [...existing.map(optionOf), ...added]) {
    if (option.name === undefined) continue;
    byName.set(option.name, option.value ?? '');
  }
  return [...byName].map(([name, value]) => (value === '' ? name : `${name}:${value}`));
}

function omitDuplicates(items: readonly string[]): string[] {
  return [...new Set(items)];
}

type DnsType = 'none' | 'cluster' | 'host';

/** The kubelet's getPodDNSType: ClusterFirst on the host network means Default. */
function dnsTypeOf(pod: Pod): DnsType {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'none';
  if (policy === 'ClusterFirstWithHostNet') return 'cluster';
  if (policy === 'ClusterFirst' && pod.spec?.hostNetwork !== true) return 'cluster';
  if (policy === 'ClusterFirst' || policy === 'Default') return 'host';
  // The API server rejects other policies; the kubelet treats one that slipped through as ClusterFirst.
  return 'cluster';
}

function podName(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

export function podDnsConfig(pod: Pod, settings: PodDnsSettings): PodDnsResult {
  const events: DnsConfigEvent[] = [];
  const host = settings.host;
  let dns: ResolvConf = { nameservers: [...host?.nameservers ?? []], searches: [...host?.searches ?? []], options: [...host?.options ?? []] };

  let type = dnsTypeOf(pod);
  if (type === 'cluster' && settings.clusterDns.length === 0) {
    events.push({
      type: 'Warning',
      reason: 'MissingClusterDNS',
      message: `pod: "${podName(pod)}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
    });
    type = 'host';
  }
  if (type === 'none') dns = { nameservers: [], searches: [], options: [] };
  // No host resolv.conf: a nameserver that answers nothing, rather than the runtime's own default.
  if (type === 'host' && host === undefined) dns = { nameservers: ['127.0.0.1'], searches: ['.'], options: [] };
  if (type === 'cluster') {
    const namespace = pod.metadata?.namespace ?? 'default';
    const domain = settings.clusterDomain;
    const clusterSearch = domain === '' ? [] : [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
    dns = {
      nameservers: [...settings.clusterDns],
      searches: omitDuplicates([...clusterSearch, ...dns.searches]),
      options: [...CLUSTER_FIRST_OPTIONS],
    };
  }

  const extra = pod.spec?.dnsConfig;
  if (extra !== undefined) {
    dns = {
      nameservers: omitDuplicates([...dns.nameservers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...dns.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(dns.options, extra.options ?? []),
    };
  }
  return { dns: fitLimits(dns, events), events };
}

/** The kubelet's formDNSConfigFitsLimits: cut what glibc would ignore, and say so. */
function fitLimits(dns: ResolvConf, events: DnsConfigEvent[]): ResolvConf {
  let { nameservers, searches } = dns;
  if (nameservers.length > MAX_NAMESERVERS) {
    nameservers = nameservers.slice(0, MAX_NAMESERVERS);
    events.push({
      type: 'Warning',
      reason: 'DNSConfigForming',
      message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${nameservers.join(' ')}`,
    });
  }
  const limited = searches.slice(0, MAX_SEARCH_PATHS);
  while (limited.join(' ').length > MAX_SEARCH_CHARS) limited.pop();
  if (limited.length < searches.length) {
    searches = limited;
    events.push({
      type: 'Warning',
      reason: 'DNSConfigForming',
      message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}`,
    });
  }
  return { nameservers, searches, options: dns.options };
}
