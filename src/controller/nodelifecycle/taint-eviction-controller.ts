// Taint-based eviction (upstream NoExecuteTaintManager, kube-controller-manager's
// taint-eviction-controller): a pod bound to a node with NoExecute taints it does not tolerate is
// deleted at once; one that tolerates them for tolerationSeconds is deleted when that runs out;
// one that tolerates them forever stays. Keys are pods; a node's taint change enqueues its pods.
//
// When the time runs out is computed from the API server's state, not from memory: from the
// taint's timeAdded (stamped by the node lifecycle controller), and never before the pod existed.
// So a restarted controller evicts on time instead of starting every clock again (upstream keeps
// the clocks in memory); only a taint without timeAdded is timed from when this process saw it.
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { isConflict, isInvalid, isNotFound } from '../../client/client-errors.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { Nodes, Pods } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { QueueController } from '../queue-controller.js';
import { PodsByNode } from './pods-by-node.js';
import { matchingTolerations, minTolerationMs, withDefaultTolerations } from './tolerations.js';

export interface TaintEvictionOptions {
  /** tolerationSeconds of the default not-ready/unreachable tolerations (upstream 300). */
  readonly defaultTolerationSeconds?: number;
}

function noExecuteTaints(node: Readonly<Node> | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export class TaintEvictionController extends QueueController {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly podsByNode: PodsByNode;
  private readonly defaultSeconds: number;
  /** Pods with an eviction scheduled (for upstream's "Cancelling deletion" event). */
  private readonly scheduled = new Set<string>();
  /** When this process first saw a taint without timeAdded on a pod's node: "pod\0taint key". */
  private readonly firstSeen = new Map<string, number>();

  constructor(context: ControllerContext, options: TaintEvictionOptions = {}) {
    super('taint-eviction-controller', context, { workers: 8 });
    this.defaultSeconds = options.defaultTolerationSeconds ?? 300;
    this.pods = context.informers.for<Pod>(Pods);
    this.nodes = context.informers.for<Node>(Nodes);
    this.podsByNode = new PodsByNode(this.pods);
    this.pods.onAdd((pod) => {
      if ((pod.spec?.nodeName ?? '') !== '') this.enqueue(pod);
    });
    this.pods.onUpdate((old, pod) => {
      if (old === pod) return;
      const moved = old.spec?.nodeName !== pod.spec?.nodeName;
      const tolerations = JSON.stringify(old.spec?.tolerations ?? []) !== JSON.stringify(pod.spec?.tolerations ?? []);
      const deleting = old.metadata?.deletionTimestamp !== pod.metadata?.deletionTimestamp;
      if (moved || tolerations || deleting) this.enqueue(pod);
    });
    this.pods.onDelete((pod) => this.enqueue(pod));
    const nodeChanged = (node: Readonly<Node>): void => {
      for (const pod of this.podsByNode.on(node.metadata?.name ?? '')) this.enqueue(pod);
    };
    this.nodes.onAdd((node) => {
      if (noExecuteTaints(node).length > 0) nodeChanged(node);
    });
    this.nodes.onUpdate((old, node) => {
      if (JSON.stringify(noExecuteTaints(old)) !== JSON.stringify(noExecuteTaints(node))) nodeChanged(node);
    });
    this.nodes.onDelete(nodeChanged);
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.get(key);
    const nodeName = pod?.spec?.nodeName ?? '';
    // Gone, already being deleted, or not on a node: nothing to evict.
    if (pod === undefined || pod.metadata?.deletionTimestamp !== undefined || nodeName === '') return this.cancel(key);
    const taints = noExecuteTaints(this.nodes.get(nodeName));
    if (taints.length === 0) return this.cancel(key);
    const tolerations = withDefaultTolerations(pod.spec?.tolerations, this.defaultSeconds);
    const { all, used } = matchingTolerations(taints, tolerations);
    if (!all) return this.evict(pod);
    if (minTolerationMs(used) < 0) return this.cancel(key);
    const now = this.context.now().getTime();
    const created = parseTime(pod.metadata?.creationTimestamp) ?? 0;
    // Each taint runs its own clock from when it was added; the first to run out decides.
    let fireAt = Infinity;
    taints.forEach((taint, i) => {
      const seconds = used[i]?.tolerationSeconds;
      if (seconds === undefined || seconds === null) return;
      const added = parseTime(taint.timeAdded ?? undefined) ?? this.seen(`${key}\u0000${taint.key}`, now);
      fireAt = Math.min(fireAt, Math.max(added, created) + Math.max(0, seconds) * 1000);
    });
    if (now >= fireAt) return this.evict(pod);
    this.scheduled.add(key);
    return { requeueAfterMs: Math.max(1, fireAt - now) };
  }

  private seen(id: string, now: number): number {
    const at = this.firstSeen.get(id);
    if (at !== undefined) return at;
    this.firstSeen.set(id, now);
    return now;
  }

  private cancel(key: string): void {
    for (const id of this.firstSeen.keys()) if (id.startsWith(`${key}\u0000`)) this.firstSeen.delete(id);
    if (!this.scheduled.delete(key)) return;
    const { namespace, name } = splitKey(key);
    this.context.recorder.event(
      this.pods.get(key) ?? { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(namespace === undefined ? {} : { namespace }) } },
      'Normal',
      'TaintManagerEviction',
      `Cancelling deletion of Pod ${key}`,
    );
  }

  /** Upstream addConditionAndDeletePod: DisruptionTarget=True first, then a delete with the default grace. */
  private async evict(pod: Readonly<Pod>): Promise<void> {
    const key = keyOf(pod);
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    this.scheduled.delete(key);
    this.context.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    this.context.logger.info('deleting pod', { controller: this.name, pod: key });
    try {
      const target = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
      if (target?.status !== 'True') {
        const condition = {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint',
          lastTransitionTime: this.context.now().toISOString().replace(/\.\d+Z$/, 'Z'),
        };
        await this.context.client.patch<Pod>(Pods, name, namespace, { metadata: { uid: pod.metadata?.uid }, status: { conditions: [condition] } }, 'strategic', {
          subresource: 'status',
        });
      }
      await this.context.client.delete(Pods, name, namespace, pod.metadata?.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } });
    } catch (error) {
      // Gone, or replaced by another pod of the same name (the uid no longer matches).
      if (isNotFound(error) || isConflict(error) || isInvalid(error)) return;
      throw error;
    }
  }
}
