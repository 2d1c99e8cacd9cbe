// Cluster DNS for the pods of a node (the CoreDNS kubernetes plugin's job): answers the cluster
// domain from informers on Services and EndpointSlices, over UDP and TCP. It forwards nothing:
// there is no upstream resolver, so a name outside the cluster domain is refused at once.
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { Informer } from '../../client/informer.js';
import { EndpointSlices, Services } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import { ClusterRecords, RCODE_VALUE, SERVICE_NAME_LABEL, type Resolution, type ServiceDirectory } from './cluster-records.js';
import { DnsServer } from './dns-server.js';

export interface ClusterDnsOptions {
  readonly client: RestClient;
  /** Where to listen, e.g. the node's Docker bridge gateway (the address in the pods' resolv.conf). */
  readonly addresses: readonly string[];
  /** Default 53 (what resolv.conf implies); 0 picks a free port (tests). */
  readonly port?: number;
  /** Default cluster.local (the kubelet's --cluster-domain must match). */
  readonly clusterDomain?: string;
  /** Seconds; default 5, the CoreDNS kubernetes plugin's. */
  readonly ttl?: number;
  readonly logger: Logger;
}

const DEFAULT_TTL = 5;
// RFC 1035 RCODE values used outside the resolver.
const FORMERR = 1;
const SERVFAIL = 2;
const NOTIMP = 4;

export class ClusterDns {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly records: ClusterRecords;
  private readonly server: DnsServer;
  private readonly stopInformers = new AbortController();
  private started = false;

  constructor(private readonly options: ClusterDnsOptions) {
    const zone = (options.clusterDomain ?? 'cluster.local').toLowerCase().replace(/\.$/, '');
    if (zone === '') throw new Error('the cluster domain must not be empty');
    if (options.addresses.length === 0) throw new Error('cluster DNS needs at least one address to listen on');
    this.services = new Informer<Service>({
      client: options.client,
      type: Services,
      indexers: { clusterIp: (s) => (s.spec?.clusterIPs ?? []).filter((ip) => ip !== 'None') },
    });
    this.slices = new Informer<EndpointSlice>({
      client: options.client,
      type: EndpointSlices,
      labelSelector: SERVICE_NAME_LABEL,
      indexers: {
        service: (s) => [`${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ''}`],
        address: (s) => s.endpoints.flatMap((e) => e.addresses),
      },
    });
    const directory: ServiceDirectory = {
      service: (namespace, name) => this.services.get(`${namespace}/${name}`),
      hasServicesIn: (namespace) => this.services.byIndex('namespace', namespace).length > 0,
      slicesOf: (namespace, name) => this.slices.byIndex('service', `${namespace}/${name}`),
      servicesWithClusterIp: (ip) => this.services.byIndex('clusterIp', ip),
      slicesWithAddress: (ip) => this.slices.byIndex('address', ip),
    };
    this.records = new ClusterRecords(directory, { zone, ttl: options.ttl ?? DEFAULT_TTL });
    this.server = new DnsServer({
      addresses: options.addresses,
      port: options.port ?? 53,
      handle: (query) => this.answer(query),
      logger: options.logger,
    });
  }

  /** The port it listens on (useful after port 0). */
  get port(): number {
    return this.server.port;
  }

  /**
   * Binds UDP and TCP on every address (rejecting at once when one is unusable, e.g. taken), then
   * resolves when the informers have synced. Until then cluster names get SERVFAIL, never a false
   * NXDOMAIN. The signal stops it, as stop() does.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('cluster DNS already started');
    this.started = true;
    await this.server.listen();
    const onAbort = (): void => void this.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    this.services.start(this.stopInformers.signal);
    this.slices.start(this.stopInformers.signal);
    this.options.logger.info('cluster DNS listening', { addresses: this.options.addresses, port: this.port });
    await Promise.all([this.services.waitForSync(signal), this.slices.waitForSync(signal)]);
  }

  async stop(): Promise<void> {
    this.stopInformers.abort();
    await this.server.close();
  }

  private answer(query: DecodedPacket): Packet {
    const questions = query.questions ?? [];
    const opcode = (query as { opcode?: string }).opcode;
    const reply = (rcode: number, resolution?: Resolution): Packet => {
      // Recursion desired is echoed; recursion available is never set (no upstream).
      let flags = rcode | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED);
      if (resolution?.authoritative === true) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
      const additionals: Answer[] = [...resolution?.additionals ?? []];
      if (query.additionals?.some((a) => a.type === 'OPT') === true) {
        additionals.push({ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] });
      }
      return {
        type: 'response', id: query.id ?? 0, flags, questions,
        answers: resolution?.answers ?? [], authorities: resolution?.authorities ?? [], additionals,
      };
    };
    if (opcode !== undefined && opcode !== 'QUERY') return reply(NOTIMP);
    const [question] = questions;
    if (question === undefined || questions.length !== 1) return reply(FORMERR);
    if (!this.services.hasSynced() || !this.slices.hasSynced()) return reply(SERVFAIL);
    const resolution = this.records.resolve(question);
    return reply(RCODE_VALUE[resolution.rcode], resolution);
  }
}
