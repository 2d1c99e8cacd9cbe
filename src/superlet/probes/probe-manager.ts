// Probes every running container of the pods on this node (the kubelet's prober manager): one
// worker per (pod, container, probe type), bound to one container id. Results reach the pod
// worker through onResult when they change; readiness starts false, liveness true, and a startup
// probe holds liveness and readiness back until it passes. A liveness or startup failure stops
// that container's probing: the pod worker kills it, and the new container gets fresh workers.
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, Runtime } from '../runtime/runtime.js';
import { Prober, type ProbeRunner } from './prober.js';
import { ProbeWorker, type ProbeResult } from './probe-worker.js';
import type { ProbeOutcome, ProbeType } from './probe-types.js';

export type { ProbeResult } from './probe-worker.js';
export type { ProbeType } from './probe-types.js';

export interface ProbeResultChange {
  podUid: string;
  containerName: string;
  containerId: string;
  probe: ProbeType;
  result: ProbeResult;
  /** On failure the kubelet's event text ('Liveness probe failed: HTTP probe failed with statuscode: 500'); on success the probe's output. */
  output: string;
  /** Liveness or startup failure: the Killing event text ('Container main failed liveness probe, will be restarted'). */
  killMessage?: string;
}

/** One probe run worth an event: reason Unhealthy (failed, errored) or ProbeWarning (a redirect not followed). */
export interface ProbeEvent {
  podUid: string;
  containerName: string;
  probe: ProbeType;
  reason: 'Unhealthy' | 'ProbeWarning';
  message: string;
}

export interface ProbeManagerOptions {
  /** Runs exec probes; ignored when `prober` is given. */
  runtime?: Pick<Runtime, 'execSync'>;
  /** How probes run (tests pass a fake). */
  prober?: ProbeRunner;
  onResult: (change: ProbeResultChange) => void;
  /** Every failed, errored or warning probe run, as the kubelet records events for each. */
  onEvent?: (event: ProbeEvent) => void;
}

const PROBE_TYPES: readonly ProbeType[] = ['startup', 'liveness', 'readiness'];
const TITLE: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

interface ContainerProbes {
  id: string;
  results: Partial<Record<ProbeType, ProbeResult>>;
  workers: Map<ProbeType, ProbeWorker>;
}

interface PodProbes {
  pod: Pod;
  podIP: string;
  containers: Map<string, ContainerProbes>;
}

function probeOf(container: Container, type: ProbeType): Probe | undefined {
  return type === 'liveness' ? container.livenessProbe : type === 'readiness' ? container.readinessProbe : container.startupProbe;
}

/** Containers that are probed: the regular ones and restartable init containers (sidecars). */
function probedContainers(pod: Pod): Container[] {
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...sidecars, ...(pod.spec?.containers ?? [])];
}

function latest(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  let best: ContainerStatus | undefined;
  for (const s of statuses) {
    if (s.name !== name) continue;
    if (best === undefined || s.attempt > best.attempt || (s.attempt === best.attempt && s.createdAt > best.createdAt)) best = s;
  }
  return best;
}

export class ProbeManager {
  private readonly pods = new Map<string, PodProbes>();
  private readonly prober: ProbeRunner;

  constructor(private readonly options: ProbeManagerOptions) {
    if (options.prober !== undefined) this.prober = options.prober;
    else if (options.runtime !== undefined) this.prober = new Prober({ runtime: options.runtime });
    else throw new Error('ProbeManager needs a runtime or a prober');
  }

  /**
   * Brings the pod's workers in line with its containers: new workers for a container id not seen
   * before, none for containers not running. `containers` may hold every attempt; the latest counts.
   * `podIP` defaults to pod.status.podIP.
   */
  ensure(pod: Pod, containers: readonly ContainerStatus[], podIP?: string): void {
    const uid = pod.metadata?.uid ?? '';
    let state = this.pods.get(uid);
    if (state === undefined) {
      state = { pod, podIP: '', containers: new Map() };
      this.pods.set(uid, state);
    }
    state.pod = pod;
    state.podIP = podIP ?? pod.status?.podIP ?? state.podIP;
    const phase = pod.status?.phase;
    const finished = phase === 'Succeeded' || phase === 'Failed';
    const deleting = pod.metadata?.deletionTimestamp !== undefined;

    const specs = probedContainers(pod);
    for (const [name, c] of state.containers) {
      if (!specs.some((s) => s.name === name)) {
        this.stopWorkers(c);
        state.containers.delete(name);
      }
    }
    for (const spec of specs) {
      const status = latest(containers, spec.name);
      let c = state.containers.get(spec.name);
      const running = status?.state === 'running' && !finished;
      if (!running || status === undefined) {
        // Forget it: if this id runs (again), it starts over with fresh workers.
        if (c !== undefined) this.stopWorkers(c);
        state.containers.delete(spec.name);
        continue;
      }
      if (c === undefined || c.id !== status.id) {
        if (c !== undefined) this.stopWorkers(c);
        c = { id: status.id, results: { readiness: 'failure', liveness: 'success' }, workers: new Map() };
        state.containers.set(spec.name, c);
        this.startWorkers(uid, spec, c, status.startedAt ?? new Date());
      }
      if (deleting) {
        // A pod shutting down is not restarted for failing liveness; readiness keeps being probed.
        for (const type of ['liveness', 'startup'] as const) {
          const worker = c.workers.get(type);
          if (worker === undefined) continue;
          worker.stop();
          c.workers.delete(type);
          c.results[type] = 'success';
        }
      }
    }
  }

  removePod(podUid: string): void {
    const state = this.pods.get(podUid);
    if (state === undefined) return;
    for (const c of state.containers.values()) this.stopWorkers(c);
    this.pods.delete(podUid);
  }

  /** Stops every worker. */
  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  /** Running, and past its startup probe (true at once without one). */
  isStarted(podUid: string, containerName: string): boolean {
    const state = this.pods.get(podUid);
    const c = state?.containers.get(containerName);
    const spec = state === undefined ? undefined : probedContainers(state.pod).find((s) => s.name === containerName);
    if (c === undefined || spec === undefined) return false;
    return spec.startupProbe === undefined || c.results.startup === 'success';
  }

  /** Started, and its readiness probe passing (true at once without one). */
  isReady(podUid: string, containerName: string): boolean {
    if (!this.isStarted(podUid, containerName)) return false;
    const state = this.pods.get(podUid);
    const spec = state === undefined ? undefined : probedContainers(state.pod).find((s) => s.name === containerName);
    if (spec?.readinessProbe === undefined) return true;
    return state?.containers.get(containerName)?.results.readiness === 'success';
  }

  /** How many workers run (for tests and metrics). */
  get workerCount(): number {
    let n = 0;
    for (const state of this.pods.values()) for (const c of state.containers.values()) n += c.workers.size;
    return n;
  }

  private startWorkers(uid: string, container: Container, c: ContainerProbes, startedAt: Date): void {
    for (const type of PROBE_TYPES) {
      const spec = probeOf(container, type);
      if (spec === undefined) continue;
      const worker = new ProbeWorker({
        type,
        spec,
        runner: this.prober,
        startedAt,
        target: () => {
          const state = this.pods.get(uid);
          if (state === undefined) return undefined;
          // Until the pod has an address, probes aimed at it wait.
          const needsPodIP = (spec.httpGet !== undefined && !spec.httpGet.host) || (spec.tcpSocket !== undefined && !spec.tcpSocket.host);
          if (needsPodIP && state.podIP === '') return undefined;
          return { pod: state.pod, container, containerId: c.id, podIP: state.podIP };
        },
        gate: () => type === 'startup' || container.startupProbe === undefined || c.results.startup === 'success',
        onOutcome: (outcome) => this.recordEvent(uid, container.name, type, outcome),
        onResult: (result, outcome) => this.setResult(uid, container, c, type, result, outcome),
      });
      c.workers.set(type, worker);
      worker.start();
    }
  }

  private stopWorkers(c: ContainerProbes): void {
    for (const worker of c.workers.values()) worker.stop();
    c.workers.clear();
  }

  private recordEvent(podUid: string, containerName: string, probe: ProbeType, outcome: ProbeOutcome): void {
    const title = TITLE[probe];
    let event: ProbeEvent | undefined;
    if (outcome.error !== undefined) event = { podUid, containerName, probe, reason: 'Unhealthy', message: `${title} probe errored: ${outcome.error}` };
    else if (outcome.result === 'failure') event = { podUid, containerName, probe, reason: 'Unhealthy', message: `${title} probe failed: ${outcome.output}` };
    else if (outcome.result === 'warning') event = { podUid, containerName, probe, reason: 'ProbeWarning', message: `${title} probe warning: ${outcome.output}` };
    if (event !== undefined) this.options.onEvent?.(event);
  }

  private setResult(uid: string, container: Container, c: ContainerProbes, type: ProbeType, result: ProbeResult, outcome: ProbeOutcome): void {
    const previous = c.results[type];
    c.results[type] = result;
    if (result === 'failure' && (type === 'liveness' || type === 'startup')) {
      // On hold until a new container replaces this one.
      c.workers.get(type)?.stop();
      c.workers.delete(type);
    }
    if (result === 'success' && type === 'startup') {
      c.workers.get('startup')?.stop();
      c.workers.delete('startup');
      // The kubelet probes readiness at once when a container turns started.
      c.workers.get('readiness')?.trigger();
    }
    if (previous === result) return;
    const change: ProbeResultChange = {
      podUid: uid,
      containerName: container.name,
      containerId: c.id,
      probe: type,
      result,
      output: result === 'failure' ? `${TITLE[type]} probe failed: ${outcome.output}` : outcome.output,
    };
    if (result === 'failure' && (type === 'liveness' || type === 'startup')) {
      const restart = this.pods.get(uid)?.pod.spec?.restartPolicy !== 'Never';
      change.killMessage = `Container ${container.name} failed ${type} probe${restart ? ', will be restarted' : ''}`;
    }
    this.options.onResult(change);
  }
}
