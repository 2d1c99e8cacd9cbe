// The names of the cluster and their records, after the Kubernetes DNS specification as the CoreDNS
// kubernetes plugin serves it: `<svc>.<ns>.svc.<zone>` (the ClusterIP, or a headless Service's ready
// endpoint addresses), `<endpoint>.<svc>.<ns>.svc.<zone>`, `_<port>._<proto>.<svc>.<ns>.svc.<zone>`
// SRV, `<a-b-c-d>.<ns>.pod.<zone>` ("pods insecure"), and IPv4 PTR for ClusterIPs and headless endpoints.
// Pure: the Services and EndpointSlices come from a directory the caller keeps (informers).
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, Question, SoaAnswer } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

/** What the records are made from. */
export interface ServiceDirectory {
  service(namespace: string, name: string): Readonly<Service> | undefined;
  /** Whether any Service lives in the namespace (so `<ns>.svc.<zone>` exists). */
  hasServicesIn(namespace: string): boolean;
  /** The EndpointSlices labelled kubernetes.io/service-name=<name> in the namespace. */
  slicesOf(namespace: string, name: string): readonly Readonly<EndpointSlice>[];
  /** Services whose clusterIPs hold the address. */
  servicesWithClusterIp(ip: string): readonly Readonly<Service>[];
  /** EndpointSlices with an endpoint at the address. */
  slicesWithAddress(ip: string): readonly Readonly<EndpointSlice>[];
}

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';

export interface Resolution {
  rcode: Rcode;
  /** Whether this server is the authority for the name (the cluster zone). */
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export interface ZoneSettings {
  /** The cluster domain, lower case, without the trailing dot (cluster.local). */
  readonly zone: string;
  readonly ttl: number;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

// RFC 1035 RCODE values for the header's low four bits.
export const RCODE_VALUE: Record<Rcode, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

interface EndpointRecord {
  /** The endpoint's own label under the service: its hostname, else its address with dashes. */
  label: string;
  address: string;
  ports: { name: string; protocol: string; port: number }[];
}

function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The labels before the zone, or undefined when the name is outside it. */
function labelsInZone(name: string, zone: string): string[] | undefined {
  if (name === zone) return [];
  if (!name.endsWith(`.${zone}`)) return undefined;
  return name.slice(0, -(zone.length + 1)).split('.');
}

function dashed(address: string): string {
  return address.replace(/[.:]/g, '-');
}

function isHeadless(service: Readonly<Service>): boolean {
  return service.spec?.clusterIP === 'None';
}

function clusterIps(service: Readonly<Service>): string[] {
  const ips = service.spec?.clusterIPs ?? (service.spec?.clusterIP === undefined ? [] : [service.spec.clusterIP]);
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

/** The endpoints a headless Service's names resolve to: the ready ones, or all when it publishes not-ready ones. */
function endpointsOf(directory: ServiceDirectory, service: Readonly<Service>): EndpointRecord[] {
  const namespace = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
  const includeNotReady = service.spec?.publishNotReadyAddresses === true;
  const seen = new Set<string>();
  const records: EndpointRecord[] = [];
  for (const slice of directory.slicesOf(namespace, name)) {
    const ports = (slice.ports ?? [])
      .filter((p) => p.port !== undefined)
      .map((p) => ({ name: p.name ?? '', protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port ?? 0 }));
    for (const endpoint of slice.endpoints) {
      // A missing ready condition means ready (discovery.k8s.io/v1).
      if (!includeNotReady && endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses) {
        if (seen.has(address)) continue;
        seen.add(address);
        records.push({ label: (endpoint.hostname ?? dashed(address)).toLowerCase(), address, ports });
      }
    }
  }
  return records;
}

function addressRecord(name: string, address: string, ttl: number): Answer {
  return isIPv6(address) ? { type: 'AAAA', name, ttl, data: address } : { type: 'A', name, ttl, data: address };
}

function wantsAddress(type: Question['type'], address: string): boolean {
  return (type === 'A' && isIPv4(address)) || (type === 'AAAA' && isIPv6(address));
}

export class ClusterRecords {
  constructor(private readonly directory: ServiceDirectory, private readonly settings: ZoneSettings) {}

  resolve(question: Question): Resolution {
    const name = canonical(question.name);
    if (name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa')) return this.reverse(question, name);
    const labels = labelsInZone(name, this.settings.zone);
    // Not ours, and there is no upstream to ask: refuse at once rather than let the client wait.
    if (labels === undefined) return this.refused();
    const records = this.lookup(question, labels);
    if (records === undefined) return this.negative('NXDOMAIN');
    if (records.answers.length === 0) return this.negative('NOERROR');
    return { rcode: 'NOERROR', authoritative: true, answers: records.answers, authorities: [], additionals: records.additionals };
  }

  /** undefined: no such name. Empty answers: the name exists without records of that type (NODATA). */
  private lookup(question: Question, labels: string[]): { answers: Answer[]; additionals: Answer[] } | undefined {
    const none = { answers: [], additionals: [] };
    const [first, second, third, fourth] = labels;
    const kind = labels[labels.length - 1];
    if (labels.length === 0) return question.type === 'SOA' ? { answers: [this.soa()], additionals: [] } : none;
    if (kind === 'svc') {
      if (labels.length === 1) return none;
      if (labels.length === 2) return this.directory.hasServicesIn(first ?? '') ? none : undefined;
      if (labels.length === 3) return this.serviceRecords(question, first ?? '', second ?? '');
      if (labels.length === 4) return this.endpointRecords(question, first ?? '', second ?? '', third ?? '');
      if (labels.length === 5 && first?.startsWith('_') === true && second?.startsWith('_') === true) {
        return this.srvRecords(question, first.slice(1), second.slice(1), third ?? '', fourth ?? '');
      }
      return undefined;
    }
    if (kind === 'pod' && labels.length === 3) return this.podRecords(question, first ?? '');
    return undefined;
  }

  private serviceName(service: string, namespace: string): string {
    return `${service}.${namespace}.svc.${this.settings.zone}`;
  }

  private serviceRecords(question: Question, name: string, namespace: string): { answers: Answer[]; additionals: Answer[] } | undefined {
    const service = this.directory.service(namespace, name);
    if (service === undefined) return undefined;
    const { ttl } = this.settings;
    if (service.spec?.type === 'ExternalName') {
      const target = service.spec.externalName ?? '';
      return { answers: target === '' ? [] : [{ type: 'CNAME', name: question.name, ttl, data: target }], additionals: [] };
    }
    if (question.type === 'SRV') return this.srvRecords(question, undefined, undefined, name, namespace);
    const addresses = isHeadless(service) ? endpointsOf(this.directory, service).map((e) => e.address) : clusterIps(service);
    return { answers: addresses.filter((a) => wantsAddress(question.type, a)).map((a) => addressRecord(question.name, a, ttl)), additionals: [] };
  }

  /** `<endpoint>.<svc>.<ns>.svc.<zone>`: one endpoint of a headless Service. */
  private endpointRecords(question: Question, label: string, name: string, namespace: string): { answers: Answer[]; additionals: Answer[] } | undefined {
    const service = this.directory.service(namespace, name);
    if (service === undefined || !isHeadless(service)) return undefined;
    const matching = endpointsOf(this.directory, service).filter((e) => e.label === label);
    if (matching.length === 0) return undefined;
    const answers = matching.filter((e) => wantsAddress(question.type, e.address)).map((e) => addressRecord(question.name, e.address, this.settings.ttl));
    return { answers, additionals: [] };
  }

  /** SRV for one named port (`_<port>._<proto>`), or for every named port when both are undefined. */
  private srvRecords(
    question: Question, port: string | undefined, protocol: string | undefined, name: string, namespace: string,
  ): { answers: Answer[]; additionals: Answer[] } | undefined {
    const service = this.directory.service(namespace, name);
    if (service === undefined || service.spec?.type === 'ExternalName') return undefined;
    const matches = (p: { name: string; protocol: string }): boolean =>
      p.name !== '' && (port === undefined || p.name === port) && (protocol === undefined || p.protocol === protocol);
    const { ttl } = this.settings;
    const serviceName = this.serviceName(name, namespace);
    const targets: { target: string; port: number; address: string }[] = [];
    if (isHeadless(service)) {
      for (const endpoint of endpointsOf(this.directory, service)) {
        for (const p of endpoint.ports.filter(matches)) targets.push({ target: `${endpoint.label}.${serviceName}`, port: p.port, address: endpoint.address });
      }
    } else {
      const ports = (service.spec?.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port }));
      for (const p of ports.filter(matches)) for (const address of clusterIps(service)) targets.push({ target: serviceName, port: p.port, address });
    }
    // A port the Service does not name is no name at all; the Service itself exists.
    if (targets.length === 0) return port === undefined ? { answers: [], additionals: [] } : undefined;
    if (question.type !== 'SRV') return { answers: [], additionals: [] };
    // CoreDNS's weights: an even share of 100 for each record.
    const weight = Math.max(1, Math.floor(100 / targets.length));
    const answers: Answer[] = targets.map((t) => ({ type: 'SRV', name: question.name, ttl, data: { priority: 0, weight, port: t.port, target: t.target } }));
    const additionals = [...new Map(targets.map((t) => [`${t.target}/${t.address}`, addressRecord(t.target, t.address, ttl)])).values()];
    return { answers, additionals };
  }

  /** `<a-b-c-d>.<ns>.pod.<zone>`: any well-formed address answers itself, as CoreDNS's `pods insecure`. */
  private podRecords(question: Question, label: string): { answers: Answer[]; additionals: Answer[] } | undefined {
    const address = label.replace(/-/g, '.');
    if (!isIPv4(address)) return undefined;
    return { answers: question.type === 'A' ? [addressRecord(question.name, address, this.settings.ttl)] : [], additionals: [] };
  }

  private reverse(question: Question, name: string): Resolution {
    const address = addressOfReverseName(name);
    if (address === undefined) return this.refused();
    const names = new Set<string>();
    for (const service of this.directory.servicesWithClusterIp(address)) {
      names.add(this.serviceName(service.metadata?.name ?? '', service.metadata?.namespace ?? ''));
    }
    for (const slice of this.directory.slicesWithAddress(address)) {
      const serviceName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      const namespace = slice.metadata?.namespace ?? '';
      const service = serviceName === undefined ? undefined : this.directory.service(namespace, serviceName);
      if (service === undefined || !isHeadless(service)) continue;
      const endpoint = endpointsOf(this.directory, service).find((e) => e.address === address);
      if (endpoint !== undefined) names.add(`${endpoint.label}.${this.serviceName(serviceName ?? '', namespace)}`);
    }
    // An address the cluster does not know belongs to someone else's reverse zone.
    if (names.size === 0) return this.refused();
    const answers: Answer[] = question.type === 'PTR' ? [...names].map((data) => ({ type: 'PTR', name: question.name, ttl: this.settings.ttl, data })) : [];
    return { rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals: [] };
  }

  private refused(): Resolution {
    return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };
  }

  /** NXDOMAIN or NODATA, with the zone's SOA so resolvers cache the absence for the TTL. */
  private negative(rcode: 'NXDOMAIN' | 'NOERROR'): Resolution {
    return { rcode, authoritative: true, answers: [], authorities: [this.soa()], additionals: [] };
  }

  private soa(): SoaAnswer {
    const { zone, ttl } = this.settings;
    return {
      type: 'SOA', name: zone, ttl,
      // CoreDNS's values for its kubernetes zone; the minimum (the negative-cache TTL) is the record TTL.
      data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: Math.floor(Date.now() / 1000), refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
    };
  }
}

/** 4.3.2.1.in-addr.arpa → 1.2.3.4; undefined for anything else (the pods' bridge is IPv4 only). */
export function addressOfReverseName(name: string): string | undefined {
  if (!name.endsWith('.in-addr.arpa')) return undefined;
  const octets = name.slice(0, -'.in-addr.arpa'.length).split('.').reverse();
  const address = octets.join('.');
  return octets.length === 4 && isIPv4(address) ? address : undefined;
}
