// SuperProxy: makes Services reachable on this node, as kube-proxy in iptables mode. Informers on
// Services and EndpointSlices feed a rate-bounded sync that rewrites all of the proxy's chains in
// one iptables-restore; on stop the chains and the jumps to them are removed. Only one proxy per
// host writes rules (HostLock); another one waits for the lock and takes over when it is freed.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { sleep } from '../client/backoff.js';
import { Informer } from '../client/informer.js';
import { EndpointSlices, Services } from '../client/resource-types.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../util/log.js';
import { ClusterDns, type ClusterDnsOptions } from './dns/cluster-dns.js';
import { HairpinMode } from './hairpin.js';
import { DEFAULT_LOCK_PATH, HostLock } from './host-lock.js';
import { Iptables } from './iptables.js';
import { parseSave, renderCleanup, renderRules, stateAfter, type CurrentState, type RuleSetOptions } from './iptables-rules.js';
import { RouteLocalnet } from './localnet.js';
import { buildServicePorts, isProxied } from './service-map.js';
import { SyncRunner } from './sync-runner.js';

/** The API server's service range (src/apiserver allocates ClusterIPs from upstream's default). */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export interface SuperProxyOptions {
  readonly client: RestClient;
  /** This node: its endpoints are the local ones for externalTrafficPolicy: Local. */
  readonly nodeName: string;
  readonly serviceCidr?: string;
  /** The pods' range, if known: traffic to a ClusterIP from outside it is masqueraded. */
  readonly clusterCidr?: string;
  /** Serve node ports on 127.0.0.1 too (sets route_localnet); default true. */
  readonly localhostNodePorts?: boolean;
  /** Least time between two rewrites (default 100 ms) and the longest without one (default 30 s). */
  readonly minSyncIntervalMs?: number;
  readonly syncPeriodMs?: number;
  readonly iptables?: Iptables;
  readonly lockPath?: string;
  /** The pods' bridge, whose ports get hairpin mode (default docker0; '' leaves it alone). */
  readonly hairpinBridge?: string;
  /** Cluster DNS, part of SuperProxy: started once this proxy owns the host (one per host too). */
  readonly dns?: Omit<ClusterDnsOptions, 'client' | 'logger'>;
  readonly logger: Logger;
}

export class SuperProxy {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly iptables: Iptables;
  private readonly lock: HostLock;
  private readonly localnet = new RouteLocalnet();
  private readonly hairpin: HairpinMode | undefined;
  private clusterDns: ClusterDns | undefined;
  private markDnsReady: () => void = () => undefined;
  private readonly dnsReady: Promise<void>;
  private readonly runner: SyncRunner;
  private readonly rules: RuleSetOptions;
  private finished: Promise<void> = Promise.resolve();
  private markSynced: () => void = () => undefined;
  private readonly firstSync: Promise<void>;
  private syncCount = 0;
  /** What our last restore left, and when iptables-save was last read (see sync()). */
  private known: { state: CurrentState; readAt: number } | undefined;

  constructor(private readonly options: SuperProxyOptions) {
    const logger = options.logger;
    this.services = new Informer<Service>({ client: options.client, type: Services, logger: logger.child('services') });
    this.slices = new Informer<EndpointSlice>({ client: options.client, type: EndpointSlices, logger: logger.child('endpointslices') });
    this.iptables = options.iptables ?? new Iptables();
    this.lock = new HostLock(options.lockPath ?? DEFAULT_LOCK_PATH);
    const bridge = options.hairpinBridge ?? 'docker0';
    this.hairpin = bridge === '' ? undefined : new HairpinMode(bridge);
    this.rules = {
      serviceCidr: options.serviceCidr ?? DEFAULT_SERVICE_CIDR,
      nodeName: options.nodeName,
      localhostNodePorts: options.localhostNodePorts ?? true,
      ...(options.clusterCidr === undefined ? {} : { clusterCidr: options.clusterCidr }),
    };
    this.firstSync = new Promise<void>((resolve) => { this.markSynced = resolve; });
    this.dnsReady = new Promise<void>((resolve) => { this.markDnsReady = resolve; });
    this.runner = new SyncRunner({
      minIntervalMs: options.minSyncIntervalMs ?? 100,
      periodMs: options.syncPeriodMs ?? 30_000,
      sync: () => this.sync(),
      onError: (error) => logger.error('syncing the service rules failed; retrying', { error }),
    });
    const changed = (): void => this.runner.request();
    const serviceChanged = (svc: Readonly<Service>): void => { if (isProxied(svc)) changed(); };
    this.services.onAdd(serviceChanged);
    this.services.onUpdate((before, after) => { if (before !== after) { serviceChanged(before); serviceChanged(after); } });
    this.services.onDelete(serviceChanged);
    this.slices.onAdd(changed);
    this.slices.onUpdate((before, after) => { if (before !== after) changed(); });
    this.slices.onDelete(changed);
  }

  /**
   * Starts the informers and, in the background, the rules: once this host's lock is ours and the
   * informers have synced. Returns at once; whenSynced() says when the first rules are in place.
   */
  async start(signal: AbortSignal): Promise<void> {
    this.services.start(signal);
    this.slices.start(signal);
    this.finished = this.run(signal);
    await Promise.resolve();
  }

  /** Resolves after the first successful rewrite of the rules. */
  whenSynced(): Promise<void> {
    return this.firstSync;
  }

  /** Resolves when cluster DNS (if configured) answers, or failed to start; resolves to its port, if any. */
  async whenDnsReady(): Promise<number | undefined> {
    await this.dnsReady;
    return this.clusterDns?.port;
  }

  /** Resolves once the proxy has stopped and removed its rules (after the start signal aborted). */
  stopped(): Promise<void> {
    return this.finished;
  }

  /** How many rewrites have succeeded. */
  get syncs(): number {
    return this.syncCount;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const log = this.options.logger;
    let waitingLogged = false;
    while (!signal.aborted) {
      const got = await this.lock.tryAcquire().catch((error: unknown) => {
        log.error('cannot take the host lock of the service proxy', { error });
        return { acquired: false as const, owner: 0 };
      });
      if (got.acquired) break;
      if (!waitingLogged) log.warn('another SuperProxy owns this host\'s service rules; waiting for it to stop', { pid: got.owner });
      waitingLogged = true;
      await sleep(1000, signal);
    }
    if (signal.aborted) return;
    try {
      log.info('service proxy starting', { iptables: await this.iptables.version().catch(() => 'unknown'), serviceCidr: this.rules.serviceCidr });
      if (this.rules.localhostNodePorts) {
        await this.localnet.enable().catch((error: unknown) => log.warn('cannot set route_localnet: node ports on 127.0.0.1 will not answer', { error }));
      }
      await Promise.all([this.services.waitForSync(signal), this.slices.waitForSync(signal)]).catch(() => undefined);
      void this.startDns(signal);
      await this.runner.run(signal);
    } finally {
      await this.cleanup();
    }
  }

  private async startDns(signal: AbortSignal): Promise<void> {
    const dns = this.options.dns;
    if (dns === undefined) return this.markDnsReady();
    const clusterDns = new ClusterDns({ ...dns, client: this.options.client, logger: this.options.logger.child('dns') });
    try {
      await clusterDns.start(signal);
      this.clusterDns = clusterDns;
    } catch (error) {
      this.options.logger.error('cluster DNS did not start; pods will not resolve service names', { error, addresses: dns.addresses });
      await clusterDns.stop().catch(() => undefined);
    }
    this.markDnsReady();
  }

  private async sync(): Promise<void> {
    const started = Date.now();
    await this.hairpin?.ensure();
    // iptables-save only every sync period (or after a failure): in between, what our own last
    // restore left is known, and a change costs one iptables-restore. The periodic read repairs
    // anything someone else removed (a Docker restart rewrites the built-in chains).
    const periodMs = this.options.syncPeriodMs ?? 30_000;
    const fresh = this.known !== undefined && started - this.known.readAt < periodMs;
    const current = fresh && this.known !== undefined ? this.known.state : parseSave(await this.iptables.save());
    const readAt = fresh && this.known !== undefined ? this.known.readAt : started;
    const ports = buildServicePorts(this.services.list(), this.slices.list());
    const input = renderRules(ports, this.rules, current);
    this.known = undefined;
    await this.iptables.restore(input);
    this.known = { state: stateAfter(input), readAt };
    this.syncCount++;
    this.markSynced();
    this.options.logger.debug('service rules written', { servicePorts: ports.length, ms: Date.now() - started });
  }

  private async cleanup(): Promise<void> {
    const log = this.options.logger;
    await this.clusterDns?.stop().catch(() => undefined);
    try {
      await this.iptables.restore(renderCleanup(await this.iptables.save()));
      log.info('service proxy stopped; its rules are removed');
    } catch (error) {
      log.error('removing the service rules failed', { error });
    }
    await this.hairpin?.restore();
    await this.localnet.restore().catch((error: unknown) => log.warn('cannot restore route_localnet', { error }));
    await this.lock.release();
  }
}
