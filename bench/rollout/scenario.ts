// One case: a Deployment of N pods on a fresh cluster (bench/rollout/cluster.ts), through four
// phases, each with the CPU every process used over it:
//   create:  the create sent → status.availableReplicas == replicas, updatedReplicas == replicas,
//            the Available condition True and observedGeneration current;
//   idle:    a quiet span with the Deployment available (what keeping it costs);
//   rollout: a change of the pod template (the annotation `kubectl rollout restart` sets), with the
//            default strategy (RollingUpdate, maxSurge 25 %, maxUnavailable 25 %) → updatedReplicas
//            == availableReplicas == replicas == status.replicas, the old ReplicaSet at 0 (spec and
//            status) and observedGeneration current (what `kubectl rollout status` waits for, plus
//            the old ReplicaSet); also when the last old pod left the API;
//   delete:  the delete sent (background propagation) → no pod, ReplicaSet or Deployment left.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { Deployments, Namespaces } from '../../src/client/resource-types.js';
import { COMMAND, IMAGE } from '../pods/docker.js';
import { median, nowMs, pause } from '../pods/stats.js';
import { describeRequests, requestCounts, requestsBetween, type RequestSummary } from './api-requests.js';
import { startCluster, type RuntimeName } from './cluster.js';
import { describeCpu, meterCpu, type Metered, type PhaseCpu } from './cpu.js';
import { DeploymentWatch, type State } from './deployment-watch.js';

const NAMESPACE = 'bench-rollout';
const NAME = 'bench';
const LABELS = { app: 'bench-rollout' };

export interface CaseOptions {
  readonly runtime: RuntimeName;
  readonly replicas: number;
  readonly nodeNames: readonly string[];
  readonly idleMs: number;
  readonly timeoutMs: number;
  /** dockerd and containerd for the Docker case, metered with ours. */
  readonly daemons: readonly Metered[];
  readonly log: (text: string) => void;
}

export interface Phase {
  readonly ms: number;
  readonly cpu: PhaseCpu;
  /** Warning and error lines our processes logged meanwhile (mostly conflicts retried). */
  readonly warnings: number;
  readonly requests: RequestSummary;
}

export interface CaseResult {
  readonly available: Phase;
  readonly idle: Phase | undefined;
  readonly rollout: Phase;
  /** The patch sent → the last pod of the old ReplicaSet gone from the API. */
  readonly oldPodsGoneMs: number;
  readonly deleted: Phase;
  /** The strategy the API server defaulted, as read back. */
  readonly strategy: string;
  /** During the rollout: most pods at once (not being deleted; and with those being deleted), fewest Ready. */
  readonly peakPods: number;
  readonly peakPodsWithTerminating: number;
  readonly fewestReady: number;
  /** The rollout's scaling steps, "new 25@0.1s 50@3.2s …; old 75@0.1s …" (seconds after the patch). */
  readonly steps: string;
  /** Median and slowest time from a new pod first seen to seen Ready, during the rollout. */
  readonly newPodReadyMs: { median: number; max: number };
  readonly clusterReadyMs: number;
  readonly controllerStopMs: number;
  readonly warnings: string;
}

function manifest(replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: LABELS },
      // No strategy: the default one (RollingUpdate, 25 % / 25 %) is what is measured.
      template: {
        metadata: { labels: LABELS },
        spec: {
          terminationGracePeriodSeconds: 1,
          // IfNotPresent: a :latest image defaults to Always, and no registry can be asked here.
          containers: [{ name: 'sleep', image: IMAGE, command: COMMAND, imagePullPolicy: 'IfNotPresent' }],
        },
      },
    },
  };
}

const generationObserved = (d: Deployment): boolean => (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);

function isAvailable(state: State, replicas: number): boolean {
  const d = state.deployment;
  if (d === undefined || !generationObserved(d)) return false;
  const s = d.status;
  const available = s?.conditions?.find((c) => c.type === 'Available');
  return s?.availableReplicas === replicas && s.updatedReplicas === replicas && available?.status === 'True';
}

function isRolledOut(state: State, replicas: number, generation: number, oldReplicaSet: string): boolean {
  const d = state.deployment;
  if (d === undefined || (d.status?.observedGeneration ?? 0) < generation) return false;
  const s = d.status;
  if (s?.updatedReplicas !== replicas || s.availableReplicas !== replicas || s.replicas !== replicas) return false;
  const old = state.replicaSets.get(oldReplicaSet);
  return old === undefined || ((old.spec?.replicas ?? 0) === 0 && (old.status?.replicas ?? 0) === 0);
}

const podsOf = (state: State, hash: string): number => [...state.pods.values()].filter((p) => p.metadata?.labels?.['pod-template-hash'] === hash).length;

export async function runCase(options: CaseOptions): Promise<CaseResult> {
  const { replicas, log } = options;
  const cluster = await startCluster(options.runtime, options.nodeNames);
  let stopped = false;
  try {
    const metered: Metered[] = [
      { name: 'controller', pid: cluster.controller.pid },
      { name: 'server', pid: cluster.server.pid },
      ...cluster.agents.map((a) => ({ name: 'superlets', pid: a.pid })),
      ...options.daemons,
    ];
    const client = cluster.client;
    await client.create(Namespaces, { metadata: { name: NAMESPACE } });
    const watch = new DeploymentWatch(client, NAMESPACE, NAME);
    await watch.start();
    try {
      const phase = async (what: string, act: () => Promise<void>, test: (state: State) => boolean): Promise<Phase> => {
        const meter = meterCpu(metered);
        const warned = cluster.warningCount();
        const asked = await requestCounts(client);
        const t0 = nowMs();
        await act();
        const at = await watch.until(test, options.timeoutMs, what);
        const cpu = meter();
        const result = { ms: at - t0, cpu, warnings: cluster.warningCount() - warned, requests: requestsBetween(asked, await requestCounts(client)) };
        log(`    ${what}: ${Math.round(result.ms)} ms; ${describeCpu(result.cpu)}; ${result.warnings} warnings logged; ${describeRequests(result.requests)}`);
        return result;
      };

      let created: Deployment | undefined;
      const available = await phase(
        `create → Available (${replicas} pods)`,
        async () => {
          created = await client.create(Deployments, manifest(replicas), { namespace: NAMESPACE });
        },
        (state) => isAvailable(state, replicas),
      );
      const rolling = created?.spec?.strategy?.rollingUpdate;
      const strategy = `${created?.spec?.strategy?.type ?? '?'} maxSurge ${String(rolling?.maxSurge ?? '?')} maxUnavailable ${String(rolling?.maxUnavailable ?? '?')}`;
      const owned = [...watch.state().replicaSets.values()];
      if (owned.length !== 1) throw new Error(`expected one ReplicaSet once available, found ${owned.length}`);
      const oldReplicaSet = owned[0] as ReplicaSet;
      const oldName = oldReplicaSet.metadata?.name ?? '';
      const oldHash = oldReplicaSet.metadata?.labels?.['pod-template-hash'] ?? '';

      let idle: Phase | undefined;
      if (options.idleMs > 0) {
        const meter = meterCpu(metered);
        const warned = cluster.warningCount();
        const asked = await requestCounts(client);
        await pause(options.idleMs);
        idle = { ms: options.idleMs, cpu: meter(), warnings: cluster.warningCount() - warned, requests: requestsBetween(asked, await requestCounts(client)) };
        log(`    idle with ${replicas} pods available: ${describeCpu(idle.cpu)}; ${describeRequests(idle.requests)}`);
      }

      watch.resetPeaks();
      let generation = Number.POSITIVE_INFINITY;
      let oldPodsGone: Promise<number> | undefined;
      let patchSent = 0;
      const rollout = await phase(
        'rolling update (template changed) → complete',
        async () => {
          patchSent = nowMs();
          const patched = await client.patch<Deployment>(
            Deployments,
            NAME,
            NAMESPACE,
            { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } },
            'merge',
          );
          generation = patched.metadata?.generation ?? generation;
          oldPodsGone = watch.until((state) => podsOf(state, oldHash) === 0, options.timeoutMs, 'old pods gone');
        },
        (state) => isRolledOut(state, replicas, generation, oldName),
      );
      const newName = [...watch.state().replicaSets.keys()].find((n) => n !== oldName) ?? '';
      const stepsOf = (name: string): string =>
        (watch.scaleSteps.get(name) ?? []).filter((step) => step.at >= patchSent).map((step) => `${step.replicas}@${((step.at - patchSent) / 1000).toFixed(1)}s`).join(' ');
      const steps = `new ReplicaSet ${stepsOf(newName)}; old ${stepsOf(oldName)}`;
      const newHash = watch.state().replicaSets.get(newName)?.metadata?.labels?.['pod-template-hash'] ?? '';
      const readyTimes = [...watch.podTimes.values()].filter((t) => t.hash === newHash && t.ready !== undefined).map((t) => (t.ready ?? 0) - t.seen);
      const newPodReadyMs = { median: median(readyTimes), max: Math.max(...readyTimes) };
      log(`    rollout steps (replicas@seconds after the patch): ${steps}; a new pod seen → seen Ready: median ${Math.round(newPodReadyMs.median)} ms, slowest ${Math.round(newPodReadyMs.max)} ms`);
      const peaks = { peakPods: watch.peakPods, peakPodsWithTerminating: watch.peakPodsWithTerminating, fewestReady: watch.fewestReady };
      const oldPodsGoneMs = (await (oldPodsGone ?? Promise.resolve(Number.NaN))) - patchSent;
      log(`    old pods gone from the API ${Math.round(oldPodsGoneMs)} ms after the patch; during the rollout at most ${peaks.peakPods} pods at once (${peaks.peakPodsWithTerminating} with those terminating), at least ${peaks.fewestReady} Ready`);

      const deleted = await phase(
        'delete (background) → no pod, ReplicaSet or Deployment left',
        async () => {
          await client.delete(Deployments, NAME, NAMESPACE, { propagationPolicy: 'Background' });
        },
        (state) => state.deployment === undefined && state.replicaSets.size === 0 && state.pods.size === 0,
      );
      await watch.stop();
      const warnings = cluster.warnings();
      stopped = true;
      const controllerStopMs = await cluster.stop();
      return { available, idle, rollout, oldPodsGoneMs, deleted, strategy, ...peaks, steps, newPodReadyMs, clusterReadyMs: cluster.readyMs, controllerStopMs, warnings };
    } finally {
      await watch.stop();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const output = [cluster.controller, cluster.server].map((p) => `--- ${p.name}:\n${p.output().slice(-2000)}`).join('\n');
    throw new Error(`${message}\n${output}`, { cause: error });
  } finally {
    if (!stopped) await cluster.stop();
  }
}
