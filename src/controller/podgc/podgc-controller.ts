// PodGC (upstream pkg/controller/podgc): every gc period, force-deletes
// - terminated pods (Succeeded, Failed) beyond terminatedPodGCThreshold, evicted and oldest first;
// - terminating pods on nodes that are not Ready and tainted node.kubernetes.io/out-of-service;
// - pods bound to nodes that no longer exist: a node missing from the informer is quarantined
//   (40 s) in case the cache lags, then confirmed gone with a GET before its pods go;
// - terminating pods that were never scheduled.
// A pod still running by its phase is first marked Failed (with a DisruptionTarget condition for
// orphans), since no superlet is left to do it; deletes carry the pod's uid as a precondition so a
// new pod of the same name is never hit. Only the quarantine lives in memory: a restarted
// controller quarantines again, which delays and never repeats anything.
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { sleep } from '../../client/backoff.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { Nodes, Pods } from '../../client/resource-types.js';
import type { Controller, ControllerContext } from '../controller.js';
import { terminatedBeyondThreshold, terminatingOnOutOfServiceNodes, unscheduledTerminating } from './gc-rules.js';

export interface PodGCOptions {
  /** Terminated pods kept before the oldest are deleted; 0 turns that off (default 12500). */
  readonly terminatedPodGCThreshold?: number;
  /** Between two passes (default 20 s). */
  readonly gcPeriodMs?: number;
  /** How long a node must be missing before its pods go (default 40 s). */
  readonly quarantineMs?: number;
  /** Deletes in flight at once (default 10). */
  readonly concurrency?: number;
}

export class PodGCController implements Controller {
  readonly name = 'pod-garbage-collector-controller';
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  private readonly concurrency: number;
  /** Node names missing from the informer, and since when (ms on the context's clock). */
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly context: ControllerContext, options: PodGCOptions = {}) {
    this.threshold = options.terminatedPodGCThreshold ?? 12_500;
    this.periodMs = options.gcPeriodMs ?? 20_000;
    this.quarantineMs = options.quarantineMs ?? 40_000;
    this.concurrency = Math.max(1, options.concurrency ?? 10);
    this.pods = context.informers.for<Pod>(Pods);
    this.nodes = context.informers.for<Node>(Nodes);
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.gc(signal);
      } catch (error) {
        this.context.logger.warn('pod gc pass failed', { controller: this.name, error });
      }
      await sleep(this.periodMs, signal);
    }
  }

  /** One pass (exposed for tests that want to step it). */
  async gc(signal?: AbortSignal): Promise<void> {
    const pods = this.pods.list();
    await this.deleteAll(terminatedBeyondThreshold(pods, this.threshold), undefined, signal);
    await this.deleteAll(terminatingOnOutOfServiceNodes(pods, (name) => this.nodes.get(name)), undefined, signal);
    const gone = await this.deletedNodes(pods);
    const orphans = pods.filter((pod) => gone.has(pod.spec?.nodeName ?? ''));
    for (const pod of orphans) this.context.logger.info('Found orphaned Pod assigned to the Node, deleting', { pod: keyOfPod(pod), node: pod.spec?.nodeName });
    await this.deleteAll(orphans, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }, signal);
    await this.deleteAll(unscheduledTerminating(this.pods.list()), undefined, signal);
  }

  /** Nodes that pods are bound to, missing for the whole quarantine, and confirmed gone by a GET. */
  private async deletedNodes(pods: readonly Readonly<Pod>[]): Promise<Set<string>> {
    const now = this.context.now().getTime();
    const wanted = new Set<string>();
    for (const pod of pods) {
      const node = pod.spec?.nodeName ?? '';
      if (node !== '' && this.nodes.get(node) === undefined) wanted.add(node);
    }
    for (const node of this.missingSince.keys()) if (!wanted.has(node)) this.missingSince.delete(node);
    const gone = new Set<string>();
    for (const node of wanted) {
      const since = this.missingSince.get(node);
      if (since === undefined) {
        this.missingSince.set(node, now);
        continue;
      }
      if (now - since < this.quarantineMs) continue;
      try {
        await this.context.client.get<Node>(Nodes, node);
        // The cache lags: the node exists after all.
      } catch (error) {
        if (isNotFound(error)) gone.add(node);
        else this.context.logger.warn('could not check whether a node exists', { node, error });
      }
    }
    return gone;
  }

  private async deleteAll(pods: readonly Readonly<Pod>[], condition: PodCondition | undefined, signal?: AbortSignal): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pods.length && signal?.aborted !== true) {
        const pod = pods[next++] as Readonly<Pod>;
        try {
          await this.markFailedAndDelete(pod, condition);
        } catch (error) {
          this.context.logger.warn('could not delete pod', { controller: this.name, pod: keyOfPod(pod), error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pods.length) }, worker));
  }

  private async markFailedAndDelete(pod: Readonly<Pod>, condition: PodCondition | undefined): Promise<void> {
    const { client, logger } = this.context;
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    const uid = pod.metadata?.uid;
    logger.info('PodGC is force deleting Pod', { pod: keyOfPod(pod) });
    try {
      // A pod with no superlet left would otherwise stay Running (or Pending) forever by its phase.
      if (pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') {
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (condition !== undefined) {
          const existing = pod.status?.conditions?.find((c) => c.type === condition.type);
          const changed = existing?.status !== condition.status;
          const lastTransitionTime = changed || existing?.lastTransitionTime === undefined ? this.context.now().toISOString().replace(/\.\d+Z$/, 'Z') : existing.lastTransitionTime;
          status.conditions = [{ ...condition, lastTransitionTime }];
        }
        await client.patch<Pod>(Pods, name, namespace, { metadata: { uid }, status }, 'strategic', { subresource: 'status' });
      }
      await client.delete(Pods, name, namespace, { gracePeriodSeconds: 0, ...(uid === undefined ? {} : { preconditions: { uid } }) });
    } catch (error) {
      // Gone already, or replaced by a new pod of the same name: nothing to do.
      if (isNotFound(error) || isConflict(error)) return;
      throw error;
    }
  }
}

function keyOfPod(pod: Readonly<Pod>): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
