// The node lifecycle controller (upstream pkg/controller/nodelifecycle, with taint-based eviction):
// - every monitor period, each node whose Lease and Ready heartbeat have not moved for the grace
//   period gets Ready and the pressure conditions set to Unknown through nodes/status;
// - a node whose Ready is False or Unknown gets the not-ready or unreachable NoExecute taint (the
//   taint eviction controller then evicts its pods), at a rate limited per zone and not at all when
//   every node is down (the fault is then more likely ours); a Ready node loses both;
// - the pods of a node that stops being Ready get Ready=False (MarkPodsNotReady);
// - on every node change, the NoSchedule taints follow its conditions and spec.unschedulable.
// Everything it acts on is read back from the API server; the heartbeat history and the zone
// limiters are the only memory, and losing them (a restart) only delays a verdict.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { sleep } from '../../client/backoff.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { Leases, Nodes, Pods } from '../../client/resource-types.js';
import type { ControllerContext } from '../controller.js';
import { QueueController } from '../queue-controller.js';
import { markPodsNotReady } from './mark-pods-not-ready.js';
import { NodeHealthTracker, unknownConditions } from './node-health.js';
import { swapNodeTaints, timeStamp } from './node-taint-writer.js';
import { PodsByNode } from './pods-by-node.js';
import { condition, hasTaint, noScheduleTaintDiff, NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE } from './taints.js';
import { DisruptionTracker, LABEL_EXCLUDE_DISRUPTION, zoneKey } from './zone-state.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions {
  /** How long a node may go unheard before it is Unknown (upstream --node-monitor-grace-period, 40 s). */
  readonly gracePeriodMs?: number;
  /** How often nodes are checked (upstream --node-monitor-period, 5 s). */
  readonly monitorPeriodMs?: number;
  /** The grace of a node that never posted a Ready condition (upstream nodeStartupGracePeriod, 60 s). */
  readonly startupGracePeriodMs?: number;
  /** Nodes tainted NoExecute per second and zone (upstream --node-eviction-rate, 0.1). */
  readonly evictionQps?: number;
  /** The same in a partly disrupted zone of a large cluster (--secondary-node-eviction-rate, 0.01). */
  readonly secondaryEvictionQps?: number;
  /** Zones of at most this many nodes stop tainting when partly disrupted (--large-cluster-size-threshold, 50). */
  readonly largeClusterThreshold?: number;
  /** The share of not-ready nodes that makes a zone partly disrupted (--unhealthy-zone-threshold, 0.55). */
  readonly unhealthyZoneThreshold?: number;
}

const STATUS_RETRIES = 5;

interface Observed {
  readonly node: Readonly<Node>;
  /** The Ready status before this pass (Unknown when the node never posted one). */
  readonly before: string;
  /** The Ready status after it; undefined when the node has never posted one. */
  readonly after: string | undefined;
}

export class NodeLifecycleController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly podsByNode: PodsByNode;
  private readonly health: NodeHealthTracker;
  private readonly disruption: DisruptionTracker;
  private readonly monitorPeriodMs: number;
  private readonly known = new Set<string>();
  /** Nodes whose pods could not all be marked not ready on a transition to False. */
  private readonly retryNotReady = new Set<string>();

  constructor(context: ControllerContext, options: NodeLifecycleOptions = {}) {
    // The queue is upstream's nodeUpdateQueue: NoSchedule tainting on every node change.
    super('node-lifecycle-controller', context, { workers: 2 });
    this.monitorPeriodMs = options.monitorPeriodMs ?? 5_000;
    this.health = new NodeHealthTracker({ gracePeriodMs: options.gracePeriodMs ?? 40_000, startupGracePeriodMs: options.startupGracePeriodMs ?? 60_000 });
    this.disruption = new DisruptionTracker({
      evictionQps: options.evictionQps ?? 0.1,
      secondaryEvictionQps: options.secondaryEvictionQps ?? 0.01,
      largeClusterThreshold: options.largeClusterThreshold ?? 50,
      unhealthyZoneThreshold: options.unhealthyZoneThreshold ?? 0.55,
    });
    this.nodes = context.informers.for<Node>(Nodes);
    this.leases = context.informers.for<Lease>(Leases);
    this.podsByNode = new PodsByNode(context.informers.for<Pod>(Pods));
    this.nodes.onAdd((node) => this.enqueue(node));
    this.nodes.onUpdate((old, node) => {
      if (old !== node) this.enqueue(node);
    });
  }

  override async run(signal: AbortSignal): Promise<void> {
    await Promise.all([super.run(signal), this.monitorLoop(signal)]);
  }

  /** doNoScheduleTaintingPass for one node. */
  protected async reconcile(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (node === undefined) return;
    const { add, remove } = noScheduleTaintDiff(node);
    if (add.length === 0 && remove.length === 0) return;
    await swapNodeTaints(this.context.client, node, add, remove, this.context.now());
  }

  private async monitorLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.monitor(signal);
      } catch (error) {
        this.context.logger.warn('monitoring node health failed', { controller: this.name, error });
      }
      await sleep(this.monitorPeriodMs, signal);
    }
  }

  /** One pass of upstream monitorNodeHealth. */
  async monitor(signal?: AbortSignal): Promise<void> {
    const nodes = this.nodes.list();
    this.classify(nodes);
    const observed: Observed[] = [];
    const zones = new Map<string, string[]>();
    for (const node of nodes) {
      if (signal?.aborted === true) return;
      const result = await this.updateHealth(node);
      if (result === undefined) continue;
      observed.push(result);
      if (result.node.metadata?.labels?.[LABEL_EXCLUDE_DISRUPTION] === undefined) {
        const zone = zoneKey(result.node);
        zones.set(zone, [...(zones.get(zone) ?? []), result.after ?? 'Unknown']);
      }
    }
    const outcome = this.disruption.update(zones);
    const nowMs = this.context.now().getTime();
    if (outcome.enteredFullDisruption) {
      this.context.logger.info('Controller detected that all Nodes are not-Ready. Entering master disruption mode', { controller: this.name });
      for (const { node } of observed) await this.untaintNoExecute(node);
    }
    if (outcome.exitedFullDisruption) {
      this.context.logger.info('Controller detected that some Nodes are Ready. Exiting master disruption mode', { controller: this.name });
      this.health.resetProbes(nowMs);
    }
    for (const entry of observed) {
      if (signal?.aborted === true) return;
      try {
        if (!this.disruption.allFullyDisrupted) await this.taintByReadiness(entry, nowMs);
        await this.podsNotReady(entry);
      } catch (error) {
        this.context.logger.warn('could not process node', { controller: this.name, node: entry.node.metadata?.name, error });
      }
    }
  }

  /** Upstream classifyNodes: RegisteredNode and RemovingNode events, and forgetting deleted nodes. */
  private classify(nodes: readonly Readonly<Node>[]): void {
    const names = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const node of nodes) {
      const name = node.metadata?.name ?? '';
      if (this.known.has(name)) continue;
      this.known.add(name);
      this.context.recorder.event(node, 'Normal', 'RegisteredNode', `Registered Node ${name} in Controller`);
    }
    for (const name of [...this.known]) {
      if (names.has(name)) continue;
      this.known.delete(name);
      this.health.forget(name);
      this.retryNotReady.delete(name);
      this.context.recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name } }, 'Normal', 'RemovingNode', `Removing Node ${name} from Controller`);
    }
  }

  /**
   * Upstream tryUpdateNodeHealth with its retries: marks the node's conditions Unknown when it is
   * stale, re-reading the node on a conflict (a heartbeat may just have arrived).
   */
  private async updateHealth(cached: Readonly<Node>): Promise<Observed | undefined> {
    let node = cached;
    const name = node.metadata?.name ?? '';
    for (let attempt = 0; attempt < STATUS_RETRIES; attempt++) {
      const now = this.context.now();
      const before = condition(node, 'Ready')?.status ?? 'Unknown';
      const verdict = this.health.observe(node, this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`), now.getTime());
      const conditions = verdict.stale ? unknownConditions(node, timeStamp(now)) : undefined;
      if (conditions === undefined) return { node, before, after: condition(node, 'Ready')?.status };
      try {
        const written = await this.context.client.update<Node>(Nodes, { ...node, status: { ...node.status, conditions } }, { subresource: 'status' });
        this.health.wrote(written, now.getTime());
        this.context.logger.info('node stopped posting status', { controller: this.name, node: name, lastHeard: new Date(verdict.probeMs).toISOString() });
        return { node: written, before, after: condition(written, 'Ready')?.status };
      } catch (error) {
        if (!isConflict(error)) {
          if (!isNotFound(error)) this.context.logger.warn('could not update node health', { controller: this.name, node: name, error });
          return undefined;
        }
      }
      try {
        node = await this.context.client.get<Node>(Nodes, name);
      } catch (error) {
        if (!isNotFound(error)) this.context.logger.warn('could not read node', { controller: this.name, node: name, error });
        return undefined;
      }
    }
    return undefined;
  }

  /** Upstream processTaintBaseEviction: the NoExecute taint that mirrors the Ready condition. */
  private async taintByReadiness({ node, after }: Observed, nowMs: number): Promise<void> {
    const { client } = this.context;
    const now = this.context.now();
    if (after === 'True') {
      if (hasTaint(node, NOT_READY_NO_EXECUTE) || hasTaint(node, UNREACHABLE_NO_EXECUTE)) {
        this.context.logger.info('Node is healthy again, removing all taints', { controller: this.name, node: node.metadata?.name });
        await this.untaintNoExecute(node);
      }
      return;
    }
    if (after !== 'False' && after !== 'Unknown') return;
    const [wanted, opposite] = after === 'False' ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
    if (hasTaint(node, wanted) && !hasTaint(node, opposite)) return;
    // Swapping one for the other is immediate; a newly tainted node waits for its zone's limiter.
    if (!hasTaint(node, opposite) && !this.disruption.admit(zoneKey(node), nowMs)) return;
    await swapNodeTaints(client, node, [{ ...wanted }], [{ ...opposite }], now);
  }

  private async untaintNoExecute(node: Readonly<Node>): Promise<void> {
    await swapNodeTaints(this.context.client, node, [], [{ ...NOT_READY_NO_EXECUTE }, { ...UNREACHABLE_NO_EXECUTE }], this.context.now());
  }

  /**
   * MarkPodsNotReady: once when Ready leaves True (with upstream's NodeNotReady event), retried
   * until it succeeds; and on every pass while the node is Unknown, since then no superlet is there
   * to contradict it and a restarted controller must still finish the job.
   */
  private async podsNotReady({ node, before, after }: Observed): Promise<void> {
    const name = node.metadata?.name ?? '';
    const transition = before === 'True' && after !== undefined && after !== 'True';
    if (transition) this.context.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (after === 'True' || after === undefined) {
      this.retryNotReady.delete(name);
      return;
    }
    if (!transition && after !== 'Unknown' && !this.retryNotReady.has(name)) return;
    try {
      await markPodsNotReady(this.context, this.podsByNode.on(name), name);
      this.retryNotReady.delete(name);
    } catch (error) {
      this.retryNotReady.add(name);
      throw error;
    }
  }
}

