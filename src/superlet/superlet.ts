// The Superlet, the twin of the kubelet: it registers its node and keeps its lease, watches the pods
// bound to the node and runs each through one pod worker on the container runtime, probes them,
// writes their status, and serves logs and exec to the API server. It talks to the API server only
// through the public API (src/client), with the same credentials whether it runs inside `supernetes
// server` or on another machine; what runs is found again from the runtime's labels after a restart.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { sleep } from '../client/backoff.js';
import { isConflict, isNotFound } from '../client/client-errors.js';
import { EventRecorder } from '../client/event-recorder.js';
import { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { ConfigMaps, Pods, Secrets } from '../client/resource-types.js';
import type { Logger } from '../util/log.js';
import { NodeAgent } from './node/node-agent.js';
import { Backoff, type BackoffOptions } from './pod/backoff.js';
import { buildContainerConfig, type PodObjectSource } from './pod/container-config.js';
import { podDnsConfig, readResolvConf } from './pod/dns-config.js';
import { ImagePuller } from './pod/image-puller.js';
import { computePodStatus, podStatusEqual } from './pod/pod-status.js';
import { PodSync } from './pod/pod-sync.js';
import { PodWorkers } from './pod/pod-workers.js';
import { ProbeManager } from './probes/probe-manager.js';
import type { Runtime } from './runtime/runtime.js';
import { SuperletServer } from './server/superlet-server.js';
import { VolumeManager } from './volumes/volume-manager.js';

export interface SuperletOptions {
  readonly client: RestClient;
  readonly runtime: Runtime;
  readonly nodeName: string;
  /** The node's address (InternalIP): the API server reaches the superlet's own API there. */
  readonly address: string;
  /** Where pod volumes live on this machine. */
  readonly rootDir: string;
  /** The cluster CA: only the API server's certificate, signed by it, may use the superlet's API. */
  readonly caPem: string;
  /** The superlet's API port (default 10250; 0 picks a free one). */
  readonly port?: number;
  readonly bind?: string;
  readonly labels?: Record<string, string>;
  /** CrashLoopBackOff bounds (default 10 s doubling to 300 s, as the kubelet). */
  readonly crashBackoff?: BackoffOptions;
  /** ImagePullBackOff bounds (default 10 s doubling to 300 s). */
  readonly imageBackoff?: BackoffOptions;
  /** Node lease renewal and status report periods (tests shorten them). */
  readonly leaseRenewIntervalMs?: number;
  readonly statusUpdateIntervalMs?: number;
  readonly workers?: number;
  /** The kubelet's --cluster-dns: the nameservers of ClusterFirst pods; none falls back to Default with a warning. */
  readonly clusterDns?: readonly string[];
  /** The kubelet's --cluster-domain (default cluster.local). */
  readonly clusterDomain?: string;
  /** The kubelet's --resolv-conf, the node's DNS for Default pods (default /etc/resolv.conf; '' for none). */
  readonly resolvConf?: string;
  readonly logger: Logger;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 10_000, maxMs: 300_000 };
/** How often the runtime is scanned for containers of pods this superlet no longer knows. */
const ORPHAN_SCAN_MS = 10_000;

export class Superlet {
  private port = 0;
  private loops: Promise<unknown>[] = [];

  constructor(private readonly options: SuperletOptions) {}

  /** Resolves once the loops have ended after the start signal aborted (pod syncs under way finish first). */
  async stopped(): Promise<void> {
    await Promise.allSettled(this.loops);
  }

  /** The port the superlet's API listens on (after start). */
  get apiPort(): number {
    return this.port;
  }

  /** Registers the node, starts every loop, and resolves once the pods bound here are known. */
  async start(signal: AbortSignal): Promise<void> {
    const { client, runtime, nodeName, logger } = this.options;
    const recorder = new EventRecorder({ client, component: 'superlet', host: nodeName });
    const event = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void => recorder.event(pod, type, reason, message);
    const source = objectSource(client);
    const informer = new Informer<Pod>({ client, type: Pods, fieldSelector: `spec.nodeName=${nodeName}`, resyncPeriodMs: 30_000, logger: logger.child('pods') });

    // The probe callbacks reach the workers and the sync made just below.
    const late: { workers?: PodWorkers; sync?: PodSync } = {};
    const probes = new ProbeManager({
      runtime,
      onResult: (change) => {
        if (change.killMessage !== undefined) late.sync?.livenessFailed.set(change.containerId, change.killMessage);
        late.workers?.poke(change.podUid);
      },
      onEvent: (probeEvent) => {
        const pod = late.workers?.podByUid(probeEvent.podUid);
        if (pod !== undefined) event(pod, 'Warning', probeEvent.reason, probeEvent.message);
      },
    });
    const sync = new PodSync({
      runtime,
      nodeName,
      hostIP: this.options.address,
      api: podApi(client),
      puller: new ImagePuller({ runtime, backoff: new Backoff(this.options.imageBackoff ?? DEFAULT_BACKOFF), event }),
      volumes: new VolumeManager({ rootDir: this.options.rootDir, source }),
      probes,
      buildConfig: (pod, container, context) => buildContainerConfig({
        pod, container, source, ...context, onEvent: (warning) => event(pod, 'Warning', warning.reason, warning.message),
      }),
      computeStatus: computePodStatus,
      statusEqual: podStatusEqual,
      crashBackoff: new Backoff(this.options.crashBackoff ?? DEFAULT_BACKOFF),
      event,
      logger,
      sandboxDns: async (pod) => {
        const host = await readResolvConf(this.options.resolvConf ?? '/etc/resolv.conf');
        const { dns, events } = podDnsConfig(pod, { clusterDns: this.options.clusterDns ?? [], clusterDomain: this.options.clusterDomain ?? 'cluster.local', host });
        for (const warning of events) event(pod, warning.type, warning.reason, warning.message);
        return { servers: dns.nameservers, searches: dns.searches, options: dns.options };
      },
    });
    const podWorkers = new PodWorkers({ sync, logger, ...(this.options.workers === undefined ? {} : { workers: this.options.workers }) });
    late.sync = sync;
    late.workers = podWorkers;

    const server = new SuperletServer({
      runtime,
      caPem: this.options.caPem,
      bind: this.options.bind ?? '0.0.0.0',
      port: this.options.port ?? 10250,
      logger: logger.child('api'),
      resolveContainer: async (namespace, podName, containerName, previous) => {
        const pod = informer.get(`${namespace}/${podName}`);
        const uid = pod?.metadata?.uid;
        if (uid === undefined) return undefined;
        const attempts = (await runtime.listContainers({ nodeName, podUid: uid }))
          .filter((c) => c.name === containerName)
          .sort((a, b) => b.attempt - a.attempt);
        return (previous ? attempts[1] : attempts[0])?.id;
      },
      // Port-forward dials the pod's IP from the host; a hostNetwork pod listens on the host itself.
      resolvePodAddress: async (namespace, podName) => {
        const pod = informer.get(`${namespace}/${podName}`);
        const uid = pod?.metadata?.uid;
        if (uid === undefined) return undefined;
        const sandbox = (await runtime.listSandboxes({ nodeName, podUid: uid })).find((s) => s.state === 'ready');
        if (sandbox === undefined) return undefined;
        const host = pod?.spec?.hostNetwork === true ? '127.0.0.1' : sandbox.ip;
        return host === '' ? undefined : { uid, host };
      },
    });
    this.port = (await server.start(signal)).port;

    const nodeAgent = new NodeAgent({
      client, runtime, nodeName, address: this.options.address, port: this.port, logger: logger.child('node'),
      ...(this.options.labels === undefined ? {} : { labels: this.options.labels }),
      ...(this.options.leaseRenewIntervalMs === undefined ? {} : { renewIntervalMs: this.options.leaseRenewIntervalMs }),
      ...(this.options.statusUpdateIntervalMs === undefined ? {} : { statusUpdateIntervalMs: this.options.statusUpdateIntervalMs }),
    });
    await nodeAgent.register(signal);
    void nodeAgent.start(signal);

    informer.onAdd((pod) => podWorkers.update(pod));
    informer.onUpdate((_old, pod) => podWorkers.update(pod));
    informer.onDelete((pod) => podWorkers.remove(pod));
    informer.start(signal);
    await informer.waitForSync(signal);

    this.loops = [podWorkers.start(signal), this.followRuntimeEvents(podWorkers, signal), this.scanForOrphans(podWorkers, signal)];
    logger.info('superlet running', { node: nodeName, port: this.port, runtime: runtime.name });
  }

  /** Docker's events wake the pod's worker at once (the kubelet's PLEG, without the polling). */
  private async followRuntimeEvents(workers: PodWorkers, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        for await (const event of this.options.runtime.events(this.options.nodeName, signal)) workers.poke(event.podUid);
      } catch (error) {
        if (signal.aborted) return;
        this.options.logger.warn('runtime events broke off; following again', { error: error instanceof Error ? error.message : String(error) });
      }
      await sleep(1000, signal);
    }
  }

  /** Containers whose pod this superlet does not know (deleted while it was down) get removed. */
  private async scanForOrphans(workers: PodWorkers, signal: AbortSignal): Promise<void> {
    const { runtime, nodeName } = this.options;
    while (!signal.aborted) {
      try {
        const [sandboxes, containers] = await Promise.all([runtime.listSandboxes({ nodeName }), runtime.listContainers({ nodeName })]);
        const uids = new Set([...sandboxes.map((s) => s.pod.uid), ...containers.map((c) => c.pod.uid)]);
        for (const uid of uids) if (!workers.knows(uid)) workers.poke(uid);
      } catch (error) {
        this.options.logger.warn('orphan scan failed', { error: error instanceof Error ? error.message : String(error) });
      }
      await sleep(ORPHAN_SCAN_MS, signal);
    }
  }
}

function objectSource(client: RestClient): PodObjectSource {
  const orUndefined = async <T>(read: Promise<T>): Promise<T | undefined> => {
    try {
      return await read;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    getConfigMap: (namespace, name) => orUndefined(client.get(ConfigMaps, name, namespace)),
    getSecret: (namespace, name) => orUndefined(client.get(Secrets, name, namespace)),
  };
}

function podApi(client: RestClient): { writeStatus: (pod: Pod, status: NonNullable<Pod['status']>) => Promise<void>; finishDeletion: (pod: Pod) => Promise<void> } {
  return {
    writeStatus: async (pod, status) => {
      await client.patch(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace, { status }, 'merge', { subresource: 'status' });
    },
    finishDeletion: async (pod) => {
      try {
        await client.delete(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid ?? '' } });
      } catch (error) {
        // Already gone, or a new pod took the name: either way this one is finished.
        if (!isNotFound(error) && !isConflict(error)) throw error;
      }
    },
  };
}
