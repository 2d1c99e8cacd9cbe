// Helpers for Deployment controller tests: manifests, waiting on a deployment's status, its
// ReplicaSets and events, and a watch that checks the rollout's bounds on every pod event.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Event, Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { Deployments, Events, Namespaces, Pods, ReplicaSets } from '../../../src/client/resource-types.js';
import type { RestClient } from '../../../src/client/rest-client.js';
import { waitFor } from '../../support/wait.js';

export async function createNamespace(client: RestClient, name: string): Promise<void> {
  await client.create<Namespace>(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export interface DeploymentOptions {
  readonly replicas?: number;
  readonly strategy?: 'RollingUpdate' | 'Recreate';
  readonly maxSurge?: number | string;
  readonly maxUnavailable?: number | string;
  readonly progressDeadlineSeconds?: number;
  readonly revisionHistoryLimit?: number;
  /** Env of the container: FAKE_EXIT_CODE=1 makes it crash on the fake runtime. */
  readonly env?: Record<string, string>;
  readonly image?: string;
  /** An exec readiness probe (always passing on the fake runtime) first run this long after start. */
  readonly readyAfterSeconds?: number;
}

export function makeDeployment(namespace: string, name: string, options: DeploymentOptions = {}): Deployment {
  const strategy = options.strategy ?? 'RollingUpdate';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      strategy:
        strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: options.maxSurge ?? '25%', maxUnavailable: options.maxUnavailable ?? '25%' } },
      ...(options.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: options.progressDeadlineSeconds } : {}),
      ...(options.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: options.revisionHistoryLimit } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: options.image ?? 'supernetes.local/busybox:v1',
              env: Object.entries(options.env ?? {}).map(([n, value]) => ({ name: n, value })),
              ...(options.readyAfterSeconds !== undefined
                ? { readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: options.readyAfterSeconds, periodSeconds: 1 } }
                : {}),
            },
          ],
        },
      },
    },
  };
}

export async function getDeployment(client: RestClient, namespace: string, name: string): Promise<Deployment> {
  return client.get<Deployment>(Deployments, name, namespace);
}

/** Waits until the deployment satisfies `test`; a timeout says what its status was last. */
export async function waitForDeployment(client: RestClient, namespace: string, name: string, test: (d: Deployment) => boolean, what: string, timeoutMs = 60_000): Promise<Deployment> {
  let last: Deployment | undefined;
  try {
    return await waitFor(async () => {
      last = await getDeployment(client, namespace, name);
      return test(last) ? last : undefined;
    }, { what: `deployment ${namespace}/${name}: ${what}`, timeoutMs, intervalMs: 100 });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last status: ${JSON.stringify(last?.status)}`);
  }
}

export function condition(d: Deployment, type: string): NonNullable<NonNullable<Deployment['status']>['conditions']>[number] | undefined {
  return d.status?.conditions?.find((c) => c.type === type);
}

/** Complete as `kubectl rollout status` judges it, with the generation observed. */
export function rolledOut(d: Deployment): boolean {
  const replicas = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === replicas &&
    (s.replicas ?? 0) === replicas &&
    (s.availableReplicas ?? 0) === replicas &&
    condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable'
  );
}

export async function waitForRollout(client: RestClient, namespace: string, name: string, timeoutMs = 60_000): Promise<Deployment> {
  return waitForDeployment(client, namespace, name, rolledOut, 'rolled out', timeoutMs);
}

/** The ReplicaSets the deployment controls, oldest first. */
export async function ownedReplicaSets(client: RestClient, namespace: string, d: Deployment): Promise<ReplicaSet[]> {
  const list = await client.list<ReplicaSet>(ReplicaSets, { namespace });
  return list.items
    .filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === d.metadata?.uid))
    .sort((a, b) => Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export async function eventsOf(client: RestClient, namespace: string, name: string): Promise<Event[]> {
  const list = await client.list<Event>(Events, { namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

export async function waitForEvent(client: RestClient, namespace: string, name: string, reason: string, pattern: RegExp, timeoutMs = 30_000): Promise<Event> {
  return waitFor(async () => (await eventsOf(client, namespace, name)).find((e) => e.reason === reason && pattern.test(e.message ?? '')), {
    what: `event ${reason} ${String(pattern)} on ${namespace}/${name}`,
    timeoutMs,
    intervalMs: 200,
  });
}

const isActive = (pod: Pod): boolean => pod.metadata?.deletionTimestamp === undefined && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
const isReady = (pod: Pod): boolean => isActive(pod) && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Watches a namespace's pods and, on every event (not by polling, which could miss a moment),
 * tracks how many are active (not terminating, not finished) and how many of those are Ready.
 * Terminating pods are not counted, as upstream's rollout arithmetic does not count them.
 */
export class PodWatcher {
  maxActive = 0;
  /** The fewest Ready pods seen since arm(). */
  minReady = Number.POSITIVE_INFINITY;
  /** Every (active, ready) pair seen since arm(), for failure messages. */
  readonly history: string[] = [];
  private readonly pods = new Map<string, Pod>();
  private readonly abort = new AbortController();
  private armed = false;
  private done: Promise<void> | undefined;
  /** Called on every event with the pods as they are now. */
  onEvent: ((pods: readonly Pod[]) => void) | undefined;

  constructor(private readonly client: RestClient, private readonly namespace: string) {}

  get active(): number {
    return [...this.pods.values()].filter(isActive).length;
  }

  get ready(): number {
    return [...this.pods.values()].filter(isReady).length;
  }

  get all(): Pod[] {
    return [...this.pods.values()];
  }

  /** Starts checking the bounds from now (after the first rollout is complete). */
  arm(): void {
    this.armed = true;
    this.maxActive = this.active;
    this.minReady = this.ready;
  }

  async start(): Promise<void> {
    const list = await this.client.list<Pod>(Pods, { namespace: this.namespace });
    for (const pod of list.items) this.pods.set(pod.metadata?.uid ?? '', pod);
    const events = this.client.watch<Pod>(Pods, { namespace: this.namespace, resourceVersion: list.metadata.resourceVersion, signal: this.abort.signal });
    this.done = (async () => {
      for await (const event of events) {
        if (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED') continue;
        const uid = event.object.metadata?.uid ?? '';
        if (event.type === 'DELETED') this.pods.delete(uid);
        else this.pods.set(uid, event.object);
        this.observe();
      }
    })();
  }

  private observe(): void {
    const active = this.active;
    const ready = this.ready;
    this.onEvent?.(this.all);
    if (!this.armed) return;
    this.maxActive = Math.max(this.maxActive, active);
    this.minReady = Math.min(this.minReady, ready);
    this.history.push(`${active}/${ready}`);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
