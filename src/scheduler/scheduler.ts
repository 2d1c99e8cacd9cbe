// SuperScheduler, the twin of kube-scheduler: it watches pending pods, nodes and bound pods through
// the API server, picks a node for one pod at a time (filters, then scores), assumes the pod onto
// that node in its own cache at once, and binds through pods/binding in the background. A pod that
// fits nowhere gets a FailedScheduling event and PodScheduled=False, and waits in the queue until
// the cluster changes. All truth is in the API server: a restarted scheduler relists and carries on.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../client/client-errors.js';
import { EventRecorder } from '../client/event-recorder.js';
import { Informer } from '../client/informer.js';
import { Nodes, Pods, type ResourceType } from '../client/resource-types.js';
import type { KubeObject, RestClient } from '../client/rest-client.js';
import { type Logger, createLogger } from '../util/log.js';
import { SchedulingAlgorithm } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { FitError, NoNodesAvailableError } from './fit-error.js';
import { DEFAULT_SCHEDULER_NAME, isOurPendingPod, registerHandlers } from './informer-handlers.js';
import { type PodInfo, newPodInfo } from './pod-info.js';
import { REASON_SCHEDULER_ERROR, REASON_UNSCHEDULABLE, podScheduledFalsePatch } from './pod-condition.js';
import { defaultProfile } from './plugins/default-profile.js';
import { type PoppedPod, SchedulingQueue } from './scheduling-queue.js';
import { readyStatus } from './taints.js';

export interface SuperSchedulerOptions {
  readonly client: RestClient;
  /** Pods whose spec.schedulerName is this (default "default-scheduler") are ours. */
  readonly schedulerName?: string;
  readonly logger?: Logger;
  /** Back-off after a failed attempt: initial, doubling to max (upstream: 1 s and 10 s). */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** The longest an unschedulable pod waits for a cluster change before it is retried anyway. */
  readonly maxUnschedulableMs?: number;
  /** Share of nodes to find feasible before scoring; 0 is upstream's adaptive default. */
  readonly percentageOfNodesToScore?: number;
  /** Binds in flight at once. */
  readonly maxConcurrentBinds?: number;
  /** In [0, 1), for tie-breaking; tests pass a seeded one. */
  readonly random?: () => number;
}

// How long an acknowledged bind may wait for the informer to report the pod bound.
const ASSUMED_POD_TTL_MS = 30_000;
const BACKOFF_FLUSH_MS = 250;
const UNSCHEDULABLE_FLUSH_MS = 5_000;
// Pending pods: no node yet and not finished; bound pods: on a node and not finished (finished
// pods hold nothing, as upstream's scheduler informer filters them out too).
const PENDING_SELECTOR = 'spec.nodeName=,status.phase!=Succeeded,status.phase!=Failed';
const BOUND_SELECTOR = 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Informer objects may lack kind (list items do); events need it in their involvedObject.
function podReference(pod: Readonly<Pod>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} };
}

export class SuperScheduler {
  private readonly client: RestClient;
  private readonly schedulerName: string;
  private readonly log: Logger;
  private readonly cache = new SchedulerCache();
  private readonly queue: SchedulingQueue;
  private readonly algorithm: SchedulingAlgorithm;
  private readonly recorder: EventRecorder;
  private readonly pending: Informer<Pod>;
  private readonly bound: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly maxConcurrentBinds: number;
  // Binds and status writes under way, awaited before the scheduler reports itself stopped.
  private readonly inFlight = new Set<Promise<void>>();
  private binds = 0;
  private bindSlot: (() => void) | undefined;
  private started = false;
  private finished: Promise<void> = Promise.resolve();

  constructor(options: SuperSchedulerOptions) {
    this.client = options.client;
    this.schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.log = options.logger ?? createLogger('scheduler');
    this.maxConcurrentBinds = options.maxConcurrentBinds ?? 64;
    this.queue = new SchedulingQueue({
      ...(options.initialBackoffMs === undefined ? {} : { initialBackoffMs: options.initialBackoffMs }),
      ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
      ...(options.maxUnschedulableMs === undefined ? {} : { maxUnschedulableMs: options.maxUnschedulableMs }),
    });
    this.algorithm = new SchedulingAlgorithm({
      profile: defaultProfile,
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.percentageOfNodesToScore === undefined ? {} : { percentageOfNodesToScore: options.percentageOfNodesToScore }),
    });
    this.recorder = new EventRecorder({ client: this.client, component: this.schedulerName, logger: this.log.child('events') });
    const informer = <T extends KubeObject>(type: ResourceType, fieldSelector: string | undefined, name: string): Informer<T> =>
      new Informer<T>({ client: this.client, type, ...(fieldSelector === undefined ? {} : { fieldSelector }), logger: this.log.child(name) });
    this.pending = informer<Pod>(Pods, PENDING_SELECTOR, 'pending-pods');
    this.bound = informer<Pod>(Pods, BOUND_SELECTOR, 'bound-pods');
    this.nodes = informer<Node>(Nodes, undefined, 'nodes');
  }

  /**
   * Starts the informers, waits until they have listed, then schedules in the background until
   * `signal` aborts. Resolves once scheduling has begun; stopped() resolves when it has ended.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('SuperScheduler already started');
    this.started = true;
    registerHandlers({ pending: this.pending, bound: this.bound, nodes: this.nodes, cache: this.cache, queue: this.queue, schedulerName: this.schedulerName });
    // Nodes and bound pods first, so the first decisions already see what is taken.
    this.nodes.start(signal);
    this.bound.start(signal);
    this.pending.start(signal);
    await Promise.all([this.nodes.waitForSync(signal), this.bound.waitForSync(signal), this.pending.waitForSync(signal)]);
    const timers = [
      setInterval(() => {
        this.queue.flushBackoffCompleted();
        const expired = this.cache.cleanupExpired(Date.now());
        if (expired > 0) {
          this.log.warn('forgot bound pods the informer never reported', { pods: expired });
          this.queue.moveAllToActiveOrBackoff();
        }
      }, BACKOFF_FLUSH_MS),
      setInterval(() => this.queue.flushUnschedulableLeftover(), UNSCHEDULABLE_FLUSH_MS),
    ];
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    this.finished = this.run(signal)
      .catch((error: unknown) => this.log.error('scheduling loop ended unexpectedly', { error }))
      .finally(() => timers.forEach((t) => clearInterval(t)));
    this.log.info('scheduler started', { schedulerName: this.schedulerName, nodes: this.nodes.list().length, pending: this.queue.lengths().active });
  }

  /** Resolves once the loop has ended after abort and every bind and status write under way is done. */
  async stopped(): Promise<void> {
    await this.finished;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Queue sizes, cached pods and nodes (Ready ones apart), for logs and tests. */
  stats(): { queue: ReturnType<SchedulingQueue['lengths']>; cachedPods: number; nodes: number; readyNodes: number } {
    const nodes = this.cache.nodeInfos();
    const readyNodes = nodes.filter((n) => n.node !== undefined && readyStatus(n.node) === 'True').length;
    return { queue: this.queue.lengths(), cachedPods: this.cache.podCount(), nodes: nodes.length, readyNodes };
  }

  private async run(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (this.binds >= this.maxConcurrentBinds) await new Promise<void>((resolve) => (this.bindSlot = resolve));
      const popped = await this.queue.pop(signal);
      if (popped === undefined) return;
      this.scheduleOne(popped);
      // Let informer events and bind answers in between pods: a full queue must not starve them.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private scheduleOne({ pod: queued }: PoppedPod): void {
    const pod = this.pending.get(queued.key);
    // The queue may be behind the informer: gone, bound, replaced by a new pod of the same name...
    if (pod === undefined || pod.metadata?.uid !== queued.uid || !isOurPendingPod(pod, this.schedulerName) || this.cache.hasPod(queued.uid)) {
      this.queue.done(queued.key);
      return;
    }
    const info = newPodInfo(pod);
    let node: string;
    try {
      node = this.algorithm.schedule(info, this.cache.nodeInfos()).node;
    } catch (error) {
      if (error instanceof FitError || error instanceof NoNodesAvailableError) {
        this.queue.requeueUnschedulable(queued.key);
        this.log.debug('pod does not fit', { pod: info.key, message: error.message });
        this.reportFailure(pod, REASON_UNSCHEDULABLE, error.message);
      } else {
        this.queue.requeueAfterError(queued.key);
        this.log.error('scheduling failed', { pod: info.key, error });
        this.reportFailure(pod, REASON_SCHEDULER_ERROR, errorMessage(error));
      }
      return;
    }
    // Count the pod on its node before the bind answers, so the next pod already sees it.
    this.cache.assumePod(info, node);
    this.binds++;
    this.track(this.bind(info, node).finally(() => this.releaseBindSlot()));
  }

  private async bind(info: PodInfo, node: string): Promise<void> {
    const namespace = info.pod.metadata?.namespace ?? '';
    const name = info.pod.metadata?.name ?? '';
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace, uid: info.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    try {
      await this.client.postSubresource(Pods, name, namespace, 'binding', binding);
    } catch (error) {
      this.cache.forgetPod(info.uid);
      // The room it held is free again; pods waiting for it may fit now.
      this.queue.moveAllToActiveOrBackoff();
      if (isNotFound(error)) {
        this.queue.done(info.key);
        return;
      }
      this.queue.requeueAfterError(info.key);
      this.log.warn('bind failed', { pod: info.key, node, error });
      this.reportFailure(this.pending.get(info.key) ?? info.pod, REASON_SCHEDULER_ERROR, `binding rejected: ${errorMessage(error)}`);
      return;
    }
    this.cache.finishBinding(info.uid, Date.now(), ASSUMED_POD_TTL_MS);
    this.queue.done(info.key);
    this.log.debug('bound', { pod: info.key, node });
    this.recorder.event(podReference(info.pod), 'Normal', 'Scheduled', `Successfully assigned ${info.key} to ${node}`);
  }

  /** A FailedScheduling event every time; the PodScheduled condition only when it changes. */
  private reportFailure(pod: Readonly<Pod>, reason: string, message: string): void {
    this.recorder.event(podReference(pod), 'Warning', 'FailedScheduling', message);
    const patch = podScheduledFalsePatch(pod, reason, message, new Date());
    if (patch === undefined) return;
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    this.track(
      this.client
        .patch(Pods, name, namespace, patch, 'strategic', { subresource: 'status' })
        .then(() => undefined)
        .catch((error: unknown) => {
          if (!isNotFound(error)) this.log.warn('could not update pod status', { pod: `${namespace}/${name}`, error });
        }),
    );
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => this.log.error('background work failed', { error }))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private releaseBindSlot(): void {
    this.binds--;
    const wake = this.bindSlot;
    this.bindSlot = undefined;
    wake?.();
  }
}
