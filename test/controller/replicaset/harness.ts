// Helpers for ReplicaSet controller tests against the in-process API server: manifests, reading the
// pods a ReplicaSet owns, playing the superlet's part by writing pod status, and a watch that
// counts active pods on every event.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Event, Namespace, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { Events, Namespaces, Pods, ReplicaSets } from '../../../src/client/resource-types.js';
import type { RestClient } from '../../../src/client/rest-client.js';
import { isPodActive } from '../../../src/controller/replicaset/pod-state.js';
import { timestamp } from '../../../src/controller/replicaset/status.js';
import { waitFor } from '../../support/wait.js';

export async function createNamespace(client: RestClient, name: string): Promise<void> {
  await client.create<Namespace>(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export interface ReplicaSetOptions {
  readonly replicas?: number;
  readonly minReadySeconds?: number;
  /** Extra template labels beyond the selector's. */
  readonly extraLabels?: Record<string, string>;
  readonly templateAnnotations?: Record<string, string>;
}

export function makeReplicaSet(namespace: string, name: string, options: ReplicaSetOptions = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace },
    spec: {
      replicas: options.replicas ?? 1,
      ...(options.minReadySeconds !== undefined ? { minReadySeconds: options.minReadySeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name, ...options.extraLabels },
          ...(options.templateAnnotations !== undefined ? { annotations: options.templateAnnotations } : {}),
        },
        spec: { containers: [{ name: 'main', image: 'supernetes.local/busybox:latest', command: ['sleep', '3600'] }] },
      },
    },
  };
}

/** A bare pod (no owner) with these labels. */
export function makePod(namespace: string, name: string, labels: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'main', image: 'supernetes.local/busybox:latest' }] },
  };
}

export async function getReplicaSet(client: RestClient, namespace: string, name: string): Promise<ReplicaSet> {
  return client.get<ReplicaSet>(ReplicaSets, name, namespace);
}

/** Active pods whose controller is the ReplicaSet with this uid. */
export async function ownedPods(client: RestClient, namespace: string, uid: string): Promise<Pod[]> {
  const list = await client.list<Pod>(Pods, { namespace });
  return list.items.filter((p) => isPodActive(p) && (p.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid));
}

/** Waits for exactly `count` active owned pods, and returns them. */
export async function waitForOwnedPods(client: RestClient, namespace: string, uid: string, count: number, timeoutMs = 20_000): Promise<Pod[]> {
  return waitFor(
    async () => {
      const pods = await ownedPods(client, namespace, uid);
      return pods.length === count ? pods : undefined;
    },
    { what: `${count} active pods owned by ${uid} in ${namespace}`, timeoutMs, intervalMs: 50 },
  );
}

export async function waitForStatus(
  client: RestClient,
  namespace: string,
  name: string,
  test: (rs: ReplicaSet) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<ReplicaSet> {
  return waitFor(
    async () => {
      const rs = await getReplicaSet(client, namespace, name);
      return test(rs) ? rs : undefined;
    },
    { what: `ReplicaSet ${namespace}/${name}: ${what}`, timeoutMs, intervalMs: 50 },
  );
}

export interface PodStatusOptions {
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly ready?: boolean;
  /** When the Ready condition last changed (default now). */
  readonly readySince?: Date;
  readonly restarts?: number;
}

/** Writes the pod's status through pods/status, as a superlet would. */
export async function setPodStatus(client: RestClient, pod: Pod, options: PodStatusOptions): Promise<Pod> {
  const fresh = await client.get<Pod>(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace);
  const since = timestamp((options.readySince ?? new Date()).getTime());
  const conditions: PodCondition[] = [{ type: 'Ready', status: options.ready === true ? 'True' : 'False', lastTransitionTime: since }];
  const status: Pod['status'] = {
    phase: options.phase,
    conditions,
    containerStatuses: [
      {
        name: 'main',
        image: 'supernetes.local/busybox:latest',
        imageID: '',
        ready: options.ready === true,
        restartCount: options.restarts ?? 0,
        ...(options.phase === 'Running' ? { state: { running: { startedAt: since } } } : {}),
      },
    ],
  };
  return client.update<Pod>(Pods, { ...fresh, status }, { subresource: 'status' });
}

export async function eventsFor(client: RestClient, namespace: string, name: string): Promise<Event[]> {
  const list = await client.list<Event>(Events, { namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

/**
 * Counts the active pods of a namespace on every watch event (not by polling, which could miss a
 * brief overshoot), remembering the most ever seen at once.
 */
export class ActivePodCounter {
  max = 0;
  /** The fewest seen at once since the last resetMin(). */
  min = Number.POSITIVE_INFINITY;
  private readonly active = new Set<string>();
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;

  constructor(private readonly client: RestClient, private readonly namespace: string) {}

  get current(): number {
    return this.active.size;
  }

  resetMin(): void {
    this.min = this.active.size;
  }

  async start(): Promise<void> {
    const list = await this.client.list<Pod>(Pods, { namespace: this.namespace });
    for (const pod of list.items) this.apply('ADDED', pod);
    const events = this.client.watch<Pod>(Pods, { namespace: this.namespace, resourceVersion: list.metadata.resourceVersion, signal: this.abort.signal });
    this.done = (async () => {
      for await (const event of events) {
        if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') this.apply(event.type, event.object);
      }
    })();
  }

  stop(): Promise<void> {
    this.abort.abort();
    return this.done ?? Promise.resolve();
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (type !== 'DELETED' && isPodActive(pod)) this.active.add(uid);
    else this.active.delete(uid);
    this.max = Math.max(this.max, this.active.size);
    this.min = Math.min(this.min, this.active.size);
  }
}
