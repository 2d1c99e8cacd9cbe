// Supernetes: a real `supernetes server` (API server, SuperScheduler and a superlet on this Docker)
// in a process of its own. Once node bench-node is Ready, N pods are created at once through the
// REST client, and a watch opened (from a list's resourceVersion) before the creates records when
// each pod is first seen with phase Running. Docker's own record of each pod's containers
// (Created → State.StartedAt of the sandbox and of the app container) splits the startup.
// Afterwards the pods are deleted, the server stops (SIGTERM), and any container left on the node
// is removed.
import type Docker from 'dockerode';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../src/client/client-errors.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { Namespaces, Nodes, Pods } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { COMMAND, containerTimes, IMAGE, removeByLabel, type ContainerTimes } from './docker.js';
import { containersCpuSeconds, type LoadUse, type StartMeter } from './load.js';
import { startServer, type RunningServer } from '../common/server.js';
import { nowMs, pause } from './stats.js';

export const NODE_NAME = 'bench-node';
export const NODE_SELECTOR = `io.supernetes.node=${NODE_NAME}`;
const NAMESPACE = 'bench-pods';
const NODE_READY_TIMEOUT_MS = 60_000;
const DELETE_TIMEOUT_MS = 60_000;

/** One pod's path to Running, in epoch ms (NaN where not seen). */
export interface PodTimeline {
  readonly name: string;
  readonly uid: string;
  /** The create request sent. */
  readonly sent: number;
  /** The create's 201 answered: the pod exists (the nearest client-side mark of its creationTimestamp). */
  readonly created: number;
  /** First seen in the watch bound to a node. */
  readonly scheduledSeen: number;
  readonly sandboxCreated: number;
  readonly sandboxStarted: number;
  readonly appCreated: number;
  readonly appStarted: number;
  /** First seen in the watch with phase Running. */
  readonly runningSeen: number;
}

export interface SupernetesResult {
  /** First create sent → the last pod seen Running. */
  readonly allRunningMs: number;
  /** First create sent → the last create answered. */
  readonly createsAnsweredMs: number;
  readonly pods: readonly PodTimeline[];
  /** Containers on the node per pod beyond one sandbox and one app container (restarts, duplicates). */
  readonly extraContainers: number;
  /** Delete requests sent → every pod's DELETED event seen. */
  readonly deleteMs: number;
  /** The server's exit after SIGTERM. */
  readonly stopMs: number;
  /** Containers labelled for the node still there after the server stopped (removed by the benchmark), by kind and state. */
  readonly leftovers: string;
  readonly nodeReadyMs: number;
  readonly load: LoadUse;
  /** CPU seconds of the pods' containers' shims, runc runs and own processes up to all Running. */
  readonly containersCpu: number;
  /** Warning and error lines the server logged over the whole run. */
  readonly serverWarnings: { count: number; first: string[] };
}

function podManifest(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench-pods' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        // IfNotPresent: a :latest image defaults to Always, and no registry can be asked here.
        { name: 'sleep', image: IMAGE, command: COMMAND, imagePullPolicy: 'IfNotPresent' },
      ],
    },
  };
}

async function untilNodeReady(client: RestClient, name: string): Promise<number> {
  const start = performance.now();
  let last = 'not registered';
  while (performance.now() - start < NODE_READY_TIMEOUT_MS) {
    try {
      const node = await client.get<Node>(Nodes, name);
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status === 'True') return performance.now() - start;
      last = `Ready=${ready?.status ?? 'none'} ${ready?.reason ?? ''}`;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    await pause(100);
  }
  throw new Error(`node ${name} not Ready after ${NODE_READY_TIMEOUT_MS} ms (${last})`);
}

interface Seen {
  scheduled?: number;
  running?: number;
  deleted?: number;
  last?: Pod;
}

/** Follows the namespace's pods from `resourceVersion` until `signal` aborts, re-opening the watch if the server ends it. */
async function followPods(client: RestClient, resourceVersion: string, signal: AbortSignal, onEvent: (type: string, pod: Pod, at: number) => void): Promise<void> {
  let from = resourceVersion;
  while (!signal.aborted) {
    for await (const event of client.watch<Pod>(Pods, { namespace: NAMESPACE, resourceVersion: from, signal })) {
      const at = nowMs();
      if (event.type === 'ERROR') throw new Error(`watch: ERROR event: ${JSON.stringify(event.object).slice(0, 300)}`);
      from = event.object.metadata?.resourceVersion ?? from;
      if (event.type !== 'BOOKMARK') onEvent(event.type, event.object, at);
    }
  }
}

function describePods(seen: ReadonlyMap<string, Seen>): string {
  const states = new Map<string, number>();
  for (const s of seen.values()) {
    const pod = s.last;
    const waiting = pod?.status?.containerStatuses?.find((c) => c.state?.waiting !== undefined)?.state?.waiting;
    const key = `${pod?.status?.phase ?? 'no status'}${pod?.spec?.nodeName === undefined ? ' (unscheduled)' : ''}${waiting === undefined ? '' : ` ${waiting.reason ?? ''}: ${waiting.message ?? ''}`}`;
    states.set(key, (states.get(key) ?? 0) + 1);
  }
  return [...states].map(([state, n]) => `${n} × ${state}`).join('; ');
}

async function measure(server: RunningServer, docker: Docker, count: number, timeoutMs: number, startMeter: StartMeter): Promise<Omit<SupernetesResult, 'stopMs' | 'leftovers' | 'serverWarnings'>> {
  const client = new RestClient({ config: await loadKubeconfig(server.kubeconfigPath) });
  const watching = new AbortController();
  let follower: Promise<void> | undefined;
  try {
    const nodeReadyMs = await untilNodeReady(client, NODE_NAME);
    await client.create(Namespaces, { metadata: { name: NAMESPACE } });
    const listed = await client.list<Pod>(Pods, { namespace: NAMESPACE });

    const seen = new Map<string, Seen>();
    let running = 0;
    let deleted = 0;
    let allRunning: () => void = () => {};
    let allDeleted: () => void = () => {};
    const runningDone = new Promise<void>((resolve) => (allRunning = resolve));
    const deletedDone = new Promise<void>((resolve) => (allDeleted = resolve));
    let watchError: string | undefined;
    follower = followPods(client, listed.metadata.resourceVersion, watching.signal, (type, pod, at) => {
      const name = pod.metadata?.name ?? '';
      const s = seen.get(name) ?? {};
      seen.set(name, s);
      s.last = pod;
      if (s.scheduled === undefined && pod.spec?.nodeName !== undefined && pod.spec.nodeName !== '') s.scheduled = at;
      if (s.running === undefined && pod.status?.phase === 'Running') {
        s.running = at;
        if (++running === count) allRunning();
      }
      if (type === 'DELETED' && s.deleted === undefined) {
        s.deleted = at;
        if (++deleted === count) allDeleted();
      }
    }).catch((error: unknown) => {
      if (!watching.signal.aborted) watchError = error instanceof Error ? error.message : String(error);
    });
    const waitFor = async (done: Promise<void>, ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
      try {
        return await Promise.race([done.then(() => true), timeout, follower?.then(() => false) ?? timeout]);
      } finally {
        clearTimeout(timer);
      }
    };

    const names = Array.from({ length: count }, (_, i) => `sleep-${String(i).padStart(3, '0')}`);
    const sent = new Map<string, number>();
    const created = new Map<string, { at: number; uid: string }>();
    const meter = startMeter([{ name: 'supernetes server', pid: server.pid }]);
    const t0 = nowMs();
    await Promise.all(
      names.map(async (name) => {
        sent.set(name, nowMs());
        const pod = await client.create(Pods, podManifest(name), { namespace: NAMESPACE });
        created.set(name, { at: nowMs(), uid: pod.metadata?.uid ?? '' });
      }),
    );
    const createsAnsweredMs = nowMs() - t0;
    const ok = await waitFor(runningDone, timeoutMs);
    const load = meter();
    if (!ok) {
      const why = watchError === undefined ? '' : `; the watch failed: ${watchError}`;
      throw new Error(`supernetes: ${running} of ${count} pods Running after ${timeoutMs} ms${why}; pods: ${describePods(seen)}`);
    }
    const lastRunning = Math.max(...[...seen.values()].map((s) => s.running ?? Number.NaN));

    // Docker's record of each pod's containers, read before the pods go.
    const containers = await containerTimes(docker, NODE_SELECTOR);
    const containersCpu = containersCpuSeconds(new Set(containers.map((c) => c.id)));
    const byPod = new Map<string, ContainerTimes[]>();
    for (const c of containers) {
      const uid = c.labels['io.supernetes.pod.uid'] ?? '';
      byPod.set(uid, [...(byPod.get(uid) ?? []), c]);
    }
    let extraContainers = 0;
    const first = (list: readonly ContainerTimes[], kind: string): ContainerTimes | undefined =>
      list.filter((c) => c.labels['io.supernetes.kind'] === kind).sort((a, b) => a.created - b.created)[0];
    const pods: PodTimeline[] = names.map((name) => {
      const c = created.get(name);
      const s = seen.get(name);
      const own = byPod.get(c?.uid ?? '') ?? [];
      extraContainers += Math.max(0, own.length - 2);
      const sandbox = first(own, 'sandbox');
      const app = first(own, 'container');
      return {
        name,
        uid: c?.uid ?? '',
        sent: sent.get(name) ?? Number.NaN,
        created: c?.at ?? Number.NaN,
        scheduledSeen: s?.scheduled ?? Number.NaN,
        sandboxCreated: sandbox?.created ?? Number.NaN,
        sandboxStarted: sandbox?.started ?? Number.NaN,
        appCreated: app?.created ?? Number.NaN,
        appStarted: app?.started ?? Number.NaN,
        runningSeen: s?.running ?? Number.NaN,
      };
    });

    const deleteStart = performance.now();
    await Promise.all(names.map((name) => client.delete(Pods, name, NAMESPACE)));
    const gone = await waitFor(deletedDone, DELETE_TIMEOUT_MS);
    const deleteMs = gone ? performance.now() - deleteStart : Number.NaN;
    return { allRunningMs: lastRunning - t0, createsAnsweredMs, pods, extraContainers, deleteMs, nodeReadyMs, load, containersCpu };
  } finally {
    watching.abort();
    await follower;
    client.close();
  }
}

export async function cleanNode(docker: Docker): Promise<number> {
  return removeByLabel(docker, NODE_SELECTOR);
}

export async function runSupernetes(docker: Docker, count: number, timeoutMs: number, startMeter: StartMeter): Promise<SupernetesResult> {
  await cleanNode(docker);
  const server = await startServer({
    dataDirPrefix: 'bench-pods-',
    args: ['--superlet-port', '0', '--node-name', NODE_NAME],
  });
  let stopMs = Number.NaN;
  try {
    const result = await measure(server, docker, count, timeoutMs, startMeter);
    stopMs = await server.stop();
    const left = await docker.listContainers({ all: true, filters: { label: [NODE_SELECTOR] } });
    const kinds = new Map<string, number>();
    for (const c of left) {
      const key = `${c.Labels['io.supernetes.kind'] ?? '?'} ${c.State}`;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    const leftovers = left.length === 0 ? 'none' : `${left.length} (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})`;
    await cleanNode(docker);
    return { ...result, stopMs, leftovers, serverWarnings: server.warnings() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n--- the server's last output:\n${server.output().slice(-3000)}`, { cause: error });
  } finally {
    if (Number.isNaN(stopMs)) await server.stop();
    await cleanNode(docker);
  }
}
