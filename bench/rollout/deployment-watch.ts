// Follows one Deployment, its ReplicaSets and its pods through watches opened (from a list's
// resourceVersion) before the benchmark acts, and tells when a condition on them first holds: the
// time is taken when the event that makes it true arrives, not by polling. Also keeps the most
// pods that existed at once and the fewest available during a rollout, to check the strategy's
// bounds (maxSurge, maxUnavailable) were kept.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ResourceType } from '../../src/client/resource-types.js';
import { Deployments, Pods, ReplicaSets } from '../../src/client/resource-types.js';
import type { RestClient } from '../../src/client/rest-client.js';
import { nowMs } from '../pods/stats.js';

export interface State {
  readonly deployment: Deployment | undefined;
  readonly replicaSets: ReadonlyMap<string, ReplicaSet>;
  readonly pods: ReadonlyMap<string, Pod>;
}

interface Waiter {
  readonly test: (state: State) => boolean;
  readonly resolve: (at: number) => void;
}

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

export class DeploymentWatch {
  private deployment: Deployment | undefined;
  private readonly replicaSets = new Map<string, ReplicaSet>();
  private readonly pods = new Map<string, Pod>();
  private readonly waiters = new Set<Waiter>();
  private readonly stopping = new AbortController();
  private readonly followers: Promise<void>[] = [];
  private failure: Error | undefined;
  private onFailure: ((error: Error) => void) | undefined;
  /** Since the last resetPeaks(): the most pods not being deleted at once, and with those being deleted. */
  peakPods = 0;
  peakPodsWithTerminating = 0;
  /** Since the last resetPeaks(): the fewest Ready pods not being deleted. */
  fewestReady = Number.POSITIVE_INFINITY;
  /** Each ReplicaSet's spec.replicas as it changed (epoch ms): the controller's scaling steps. */
  readonly scaleSteps = new Map<string, { at: number; replicas: number }[]>();
  /** Per pod name: first seen, first seen Ready (epoch ms). */
  readonly podTimes = new Map<string, { seen: number; ready?: number; hash: string }>();

  constructor(
    private readonly client: RestClient,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  /** Lists, then watches; resolves once the three watches are open. */
  async start(): Promise<void> {
    const open = async <T>(type: ResourceType, apply: (type: string, obj: T) => void): Promise<void> => {
      const listed = await this.client.list<T>(type, { namespace: this.namespace });
      for (const item of listed.items) apply('ADDED', item);
      this.followers.push(this.follow(type, listed.metadata.resourceVersion, apply));
    };
    await Promise.all([
      open<Deployment>(Deployments, (type, d) => {
        if (d.metadata?.name === this.name) this.deployment = type === 'DELETED' ? undefined : d;
      }),
      open<ReplicaSet>(ReplicaSets, (type, rs) => this.put(this.replicaSets, type, rs)),
      open<Pod>(Pods, (type, pod) => this.put(this.pods, type, pod)),
    ]);
  }

  state(): State {
    return { deployment: this.deployment, replicaSets: this.replicaSets, pods: this.pods };
  }

  resetPeaks(): void {
    this.peakPods = 0;
    this.peakPodsWithTerminating = 0;
    this.fewestReady = Number.POSITIVE_INFINITY;
    this.measurePeaks();
  }

  /** Epoch ms of the event after which `test` first held (now, if it holds already); rejects after `timeoutMs` or if a watch fails. */
  until(test: (state: State) => boolean, timeoutMs: number, what: string): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (test(this.state())) return Promise.resolve(nowMs());
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${what}: not within ${timeoutMs} ms; ${this.describe()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        test,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.add(waiter);
      this.onFailure = (error) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        reject(error);
      };
    });
  }

  /** One line on where things stand, for a timeout's message. */
  describe(): string {
    const s = this.deployment?.status;
    const d = `deployment: generation ${this.deployment?.metadata?.generation ?? '?'} observed ${s?.observedGeneration ?? '?'}, replicas ${s?.replicas ?? 0}, updated ${s?.updatedReplicas ?? 0}, ready ${s?.readyReplicas ?? 0}, available ${s?.availableReplicas ?? 0}`;
    const rs = [...this.replicaSets.values()].map((r) => `${r.metadata?.name ?? '?'} ${r.spec?.replicas ?? 0}/${r.status?.replicas ?? 0}/${r.status?.availableReplicas ?? 0}`).join(', ');
    const phases = new Map<string, number>();
    for (const pod of this.pods.values()) {
      const key = `${pod.metadata?.deletionTimestamp === undefined ? '' : 'terminating '}${pod.status?.phase ?? 'no status'}${pod.spec?.nodeName === undefined ? ' unscheduled' : ''}${isReady(pod) ? ' ready' : ''}`;
      phases.set(key, (phases.get(key) ?? 0) + 1);
    }
    return `${d}; replica sets (spec/status/available): ${rs || 'none'}; pods: ${[...phases].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.followers);
  }

  private put<T extends { metadata?: { name?: string } }>(map: Map<string, T>, type: string, obj: T): void {
    const name = obj.metadata?.name ?? '';
    if (type === 'DELETED') map.delete(name);
    else map.set(name, obj);
  }

  private record(type: ResourceType, obj: unknown, at: number): void {
    if (type === ReplicaSets) {
      const rs = obj as ReplicaSet;
      const name = rs.metadata?.name ?? '';
      const steps = this.scaleSteps.get(name) ?? [];
      const replicas = rs.spec?.replicas ?? 1;
      if (steps.at(-1)?.replicas !== replicas) steps.push({ at, replicas });
      this.scaleSteps.set(name, steps);
    } else if (type === Pods) {
      const pod = obj as Pod;
      const name = pod.metadata?.name ?? '';
      const times = this.podTimes.get(name) ?? { seen: at, hash: pod.metadata?.labels?.['pod-template-hash'] ?? '' };
      if (times.ready === undefined && isReady(pod)) times.ready = at;
      this.podTimes.set(name, times);
    }
  }

  private measurePeaks(): void {
    let live = 0;
    let ready = 0;
    for (const pod of this.pods.values()) {
      if (pod.metadata?.deletionTimestamp !== undefined) continue;
      live++;
      if (isReady(pod)) ready++;
    }
    this.peakPods = Math.max(this.peakPods, live);
    this.peakPodsWithTerminating = Math.max(this.peakPodsWithTerminating, this.pods.size);
    this.fewestReady = Math.min(this.fewestReady, ready);
  }

  private async follow<T>(type: ResourceType, resourceVersion: string, apply: (type: string, obj: T) => void): Promise<void> {
    let from = resourceVersion;
    const signal = this.stopping.signal;
    try {
      // The server may end a watch (its timeout); it is opened again from the last version seen.
      while (!signal.aborted) {
        for await (const event of this.client.watch<T>(type, { namespace: this.namespace, resourceVersion: from, signal })) {
          const at = nowMs();
          if (event.type === 'ERROR') throw new Error(`watch ${type.plural}: ERROR event: ${JSON.stringify(event.object).slice(0, 300)}`);
          from = (event.object as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? from;
          if (event.type === 'BOOKMARK') continue;
          apply(event.type, event.object);
          this.record(type, event.object, at);
          this.measurePeaks();
          for (const waiter of [...this.waiters]) {
            if (!waiter.test(this.state())) continue;
            this.waiters.delete(waiter);
            waiter.resolve(at);
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.onFailure?.(this.failure);
    }
  }
}
