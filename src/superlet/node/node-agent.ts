// The node side of the superlet: registers the Node (or adopts one of that name), keeps its
// status true (written only on change, and at least every statusReportIntervalMs), and renews the
// node Lease as the heartbeat. The twin of the kubelet's registerWithAPIServer, node status
// manager and nodelease controller. Every API call is retried with back-off, so it rides out an
// API server restart; nothing here ever throws out of the background loops.
import type { Node, NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import { Backoff, sleep } from '../../client/backoff.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/client-errors.js';
import { Nodes } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import { silentLogger, type Logger } from '../../util/log.js';
import type { Runtime } from '../runtime/runtime.js';
import { filesystemBytes, readHostIds, type HostIds } from './host-info.js';
import { NodeLease } from './node-lease.js';
import { desiredNodeStatus, initialNode, labelPatch, nodeLabels, nodeStatusChanged, type MachineInfo, type NodeFacts } from './node-status.js';

export interface NodeAgentOptions {
  client: RestClient;
  runtime: Runtime;
  nodeName: string;
  /** The node's InternalIP. */
  address: string;
  /** The superlet server's port (status.daemonEndpoints.kubeletEndpoint.Port). */
  port: number;
  labels?: Record<string, string>;
  /** Set on the Node when the superlet creates it (upstream --register-with-taints). */
  taints?: Taint[];
  reservedCpuMillis?: number;
  reservedMemoryBytes?: number;
  /** Default 110. */
  maxPods?: number;
  /** Default 40. */
  leaseDurationSeconds?: number;
  /** Default 10 s. */
  renewIntervalMs?: number;
  /** How often the status is recomputed (written only if it changed); default 10 s. */
  statusUpdateIntervalMs?: number;
  /** The status is written at least this often even when unchanged (upstream nodeStatusReportFrequency); default 5 min. */
  statusReportIntervalMs?: number;
  logger?: Logger;
  now?: () => Date;
}

/** Upstream nodeStatusUpdateRetry. */
const STATUS_UPDATE_RETRIES = 5;
const REGISTER_FIRST_DELAY_MS = 100;
const REGISTER_MAX_DELAY_MS = 7_000;

export class NodeAgent {
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly lease: NodeLease;
  private machine: MachineInfo | undefined;
  private hostIds: HostIds | undefined;
  private ephemeralStorageBytes: number | undefined;
  private current: Node | undefined;
  private lastReportMs = Number.NEGATIVE_INFINITY;
  private loops: Promise<void> | undefined;

  constructor(private readonly options: NodeAgentOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? ((): Date => new Date());
    this.lease = new NodeLease({
      client: options.client,
      nodeName: options.nodeName,
      leaseDurationSeconds: options.leaseDurationSeconds ?? 40,
      logger: this.logger,
      now: this.now,
    });
  }

  /** The Node as last written or read. */
  get node(): Node | undefined {
    return this.current;
  }

  /** Registers the node, retrying with back-off until it works; rejects only when the signal aborts. */
  async register(signal: AbortSignal): Promise<Node> {
    const backoff = new Backoff(REGISTER_FIRST_DELAY_MS, REGISTER_MAX_DELAY_MS);
    for (;;) {
      signal.throwIfAborted();
      try {
        const node = await this.tryRegister();
        this.logger.info('node registered', { node: this.options.nodeName });
        return node;
      } catch (error) {
        const delay = backoff.next();
        this.logger.warn('cannot register the node; retrying', { error, retryInMs: delay });
        await sleep(delay, signal);
      }
    }
  }

  /**
   * Registers the node (if register() was not called yet), then keeps its lease and status up to
   * date in the background until the signal aborts. Resolves once the node is registered.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.loops !== undefined) throw new Error('NodeAgent already started');
    if (this.current === undefined) await this.register(signal);
    this.loops = Promise.all([this.leaseLoop(signal), this.statusLoop(signal)]).then(() => undefined);
  }

  /** Resolves once the background loops have ended (after the signal given to start() aborted). */
  async stopped(): Promise<void> {
    await this.loops;
  }

  private async leaseLoop(signal: AbortSignal): Promise<void> {
    const interval = this.options.renewIntervalMs ?? 10_000;
    while (!signal.aborted) {
      await this.lease.renew(signal);
      await sleep(interval, signal);
    }
  }

  private async statusLoop(signal: AbortSignal): Promise<void> {
    const interval = this.options.statusUpdateIntervalMs ?? 10_000;
    while (!signal.aborted) {
      await sleep(interval, signal);
      if (signal.aborted) break;
      try {
        await this.syncStatus(signal);
      } catch (error) {
        // The next period tries again: the API server may be restarting.
        this.logger.warn('node status update failed', { error });
      }
    }
  }

  private async facts(): Promise<NodeFacts> {
    const { runtime, nodeName } = this.options;
    if (this.machine === undefined) this.machine = await runtime.machineInfo();
    if (this.hostIds === undefined) {
      this.hostIds = await readHostIds(nodeName, runtime.name === 'fake');
      this.ephemeralStorageBytes = await filesystemBytes('/');
    }
    let containerRuntimeVersion = `${runtime.name}://unknown`;
    let runtimeReady = true;
    try {
      const version = await runtime.version();
      containerRuntimeVersion = `${version.runtimeName}://${version.runtimeVersion}`;
    } catch (error) {
      runtimeReady = false;
      this.logger.warn('the container runtime does not answer', { error });
      const previous = this.current?.status?.nodeInfo?.containerRuntimeVersion;
      if (previous !== undefined && previous !== '') containerRuntimeVersion = previous;
    }
    return {
      nodeName,
      address: this.options.address,
      port: this.options.port,
      machine: this.machine,
      hostIds: this.hostIds,
      containerRuntimeVersion,
      runtimeReady,
      maxPods: this.options.maxPods ?? 110,
      reservedCpuMillis: this.options.reservedCpuMillis ?? 0,
      reservedMemoryBytes: this.options.reservedMemoryBytes ?? 0,
      ...(this.ephemeralStorageBytes === undefined ? {} : { ephemeralStorageBytes: this.ephemeralStorageBytes }),
    };
  }

  /** Creates the node, or adopts the existing one; then writes its status. */
  private async tryRegister(): Promise<Node> {
    const { client, nodeName } = this.options;
    const facts = await this.facts();
    const labels = nodeLabels(nodeName, facts.machine, this.options.labels);
    let node: Node;
    try {
      node = await client.create<Node>(Nodes, initialNode(nodeName, labels, this.options.taints));
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      node = await client.get<Node>(Nodes, nodeName);
      const patch = labelPatch(node.metadata?.labels, labels);
      if (patch !== undefined) node = await client.patch<Node>(Nodes, nodeName, undefined, { metadata: { labels: patch } }, 'merge');
    }
    this.current = node;
    return await this.writeStatus(node, facts, true);
  }

  /** One status period: recompute, and write if it changed or a report is due. */
  private async syncStatus(signal: AbortSignal): Promise<void> {
    const { client, nodeName } = this.options;
    let node: Node;
    try {
      node = await client.get<Node>(Nodes, nodeName);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Someone deleted the Node: register it again, as a restarted superlet would.
      this.logger.warn('the node is gone from the API server; registering it again', { node: nodeName });
      this.current = undefined;
      await this.register(signal);
      return;
    }
    const reportDue = this.now().getTime() - this.lastReportMs >= (this.options.statusReportIntervalMs ?? 300_000);
    await this.writeStatus(node, await this.facts(), reportDue);
  }

  /**
   * Writes the desired status through nodes/status when it differs from the node's (heartbeat
   * times aside) or when `force`; on conflict re-reads the node and tries again.
   */
  private async writeStatus(base: Node, facts: NodeFacts, force: boolean): Promise<Node> {
    const { client, nodeName } = this.options;
    let node = base;
    for (let attempt = 0; ; attempt++) {
      const status: NodeStatus = desiredNodeStatus(node.status, facts, this.now());
      if (!force && !nodeStatusChanged(node.status, status)) {
        this.current = node;
        return node;
      }
      try {
        const written = await client.update<Node>(Nodes, { ...node, status }, { subresource: 'status' });
        this.current = written;
        this.lastReportMs = this.now().getTime();
        return written;
      } catch (error) {
        if (!isConflict(error) || attempt + 1 >= STATUS_UPDATE_RETRIES) throw error;
        node = await client.get<Node>(Nodes, nodeName);
      }
    }
  }
}
