// A control plane and a SuperScheduler in this process, with helpers to make nodes the way a
// superlet would (create, then write status through nodes/status) and to read what happened to pods.
import type { Event, Namespace, Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { Events, Namespaces, Nodes, Pods } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { SuperScheduler, type SuperSchedulerOptions } from '../../src/scheduler/scheduler.js';
import { silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { waitFor } from '../support/wait.js';
import { makeNode, type NodeSpecOptions } from './builders.js';

export interface Harness {
  readonly cp: TestControlPlane;
  readonly client: RestClient;
  scheduler: SuperScheduler;
  /** Starts a scheduler (again, after stopScheduler). */
  startScheduler(options?: Partial<SuperSchedulerOptions>): Promise<SuperScheduler>;
  stopScheduler(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(options: Partial<SuperSchedulerOptions> = {}): Promise<Harness> {
  const cp = await startTestControlPlane();
  const config = await loadKubeconfig(cp.kubeconfigPath);
  const client = new RestClient({ config });
  let abort = new AbortController();
  let schedulerClient: RestClient | undefined;
  const harness: Harness = {
    cp,
    client,
    scheduler: undefined as unknown as SuperScheduler,
    async startScheduler(extra = {}) {
      abort = new AbortController();
      // Its own client, as a separate process would have.
      schedulerClient = new RestClient({ config });
      harness.scheduler = new SuperScheduler({ client: schedulerClient, logger: silentLogger, initialBackoffMs: 100, maxBackoffMs: 1_000, ...options, ...extra });
      await harness.scheduler.start(abort.signal);
      return harness.scheduler;
    },
    async stopScheduler() {
      abort.abort();
      await harness.scheduler.stopped();
      schedulerClient?.close();
    },
    async stop() {
      await harness.stopScheduler();
      client.close();
      await cp.stop();
    },
  };
  await harness.startScheduler();
  return harness;
}

/** Creates a node, then writes its allocatable and conditions through nodes/status, as a superlet does. */
export async function createNode(client: RestClient, name: string, o: NodeSpecOptions = {}): Promise<Node> {
  const node = makeNode(name, o);
  const { status, ...withoutStatus } = node;
  const created = await client.create<Node>(Nodes, withoutStatus);
  return client.update<Node>(Nodes, { ...created, status }, { subresource: 'status' });
}

export async function createNamespace(client: RestClient, name: string): Promise<void> {
  await client.create<Namespace>(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Deletes every node and every pod of `namespace` at once (no superlet is there to drain them). */
export async function cleanUp(client: RestClient, namespace: string): Promise<void> {
  const pods = await client.list<Pod>(Pods, { namespace });
  await Promise.all(pods.items.map((p) => client.delete(Pods, p.metadata?.name ?? '', namespace, { gracePeriodSeconds: 0 })));
  const nodes = await client.list<Node>(Nodes);
  await Promise.all(nodes.items.map((n) => client.delete(Nodes, n.metadata?.name ?? '')));
}

export function podScheduled(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
}

/** Waits until every named pod has a node, and returns pod name -> node name. */
export async function waitBound(client: RestClient, namespace: string, names: readonly string[], timeoutMs = 15_000): Promise<Map<string, string>> {
  return waitFor(
    async () => {
      const pods = await client.list<Pod>(Pods, { namespace });
      const bound = new Map<string, string>();
      for (const p of pods.items) if (p.spec?.nodeName) bound.set(p.metadata?.name ?? '', p.spec.nodeName);
      return names.every((n) => bound.has(n)) ? bound : undefined;
    },
    { what: `pods ${names.join(', ')} bound in ${namespace}`, timeoutMs },
  );
}

/** Waits until the pod's PodScheduled condition is False with `message`. */
export async function waitUnschedulable(client: RestClient, namespace: string, name: string, message: string): Promise<Pod> {
  let last = '';
  return waitFor(
    async () => {
      const pod = await client.get<Pod>(Pods, name, namespace);
      const c = podScheduled(pod);
      last = JSON.stringify(c);
      return c?.status === 'False' && c.reason === 'Unschedulable' && c.message === message ? pod : undefined;
    },
    { what: `PodScheduled=False "${message}" on ${namespace}/${name} (last: ${last})`, timeoutMs: 15_000 },
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last condition: ${last}`);
  });
}

export async function eventsFor(client: RestClient, namespace: string, pod: string): Promise<Event[]> {
  const events = await client.list<Event>(Events, { namespace });
  return events.items.filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === pod);
}
