// One pass of the pod worker for one pod: compare what the pod asks for with what runs, act, and
// report. The twin of the kubelet's SyncPod / SyncTerminatingPod. It is level-triggered: it reads
// the runtime afresh each time and may be interrupted at any line; the next pass finishes the job.
import { createHash } from 'node:crypto';
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig, ContainerStatus, PodRef, PortMapping, Runtime, SandboxConfig, SandboxStatus } from '../runtime/runtime.js';
import type { Logger } from '../../util/log.js';
import type { Backoff } from './backoff.js';
import { ContainerKiller, deletionGracePeriod } from './container-killer.js';
import type { ImagePuller, PodEventSink } from './image-puller.js';
import { computePodActions, latestAttempts, type ContainerStart } from './pod-actions.js';
import { formatGoDuration } from './go-duration.js';
import type { PodRuntimeView } from './pod-status.js';

export const SPEC_HASH_ANNOTATION = 'io.supernetes.container.hash';

/** What the pod worker needs from the volume manager. */
export interface PodVolumes {
  /** Makes the pod's volumes ready; returns the host path of each by volume name. */
  prepare(pod: Pod): Promise<Map<string, string>>;
  cleanup(podUid: string): Promise<void>;
}

/** What the pod worker needs from the probe manager. */
export interface PodProbes {
  ensure(pod: Pod, containers: readonly ContainerStatus[], podIP?: string): void;
  removePod(podUid: string): void;
  isReady(podUid: string, containerName: string): boolean;
  isStarted(podUid: string, containerName: string): boolean;
}

export interface ContainerConfigContext {
  readonly volumes: Map<string, string>;
  readonly podIP: string;
  readonly hostIP: string;
}

export type BuildContainerConfig = (pod: Pod, container: Container, context: ContainerConfigContext) => Promise<ContainerConfig>;

export type ComputePodStatus = (pod: Pod, view: PodRuntimeView, previous?: PodStatus) => PodStatus;

/** How pod status and final deletion reach the API server. */
export interface PodApi {
  writeStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** Finishes a graceful delete (grace period 0, only this uid). */
  finishDeletion(pod: Pod): Promise<void>;
}

export interface PodSyncOptions {
  readonly runtime: Runtime;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly api: PodApi;
  readonly puller: ImagePuller;
  readonly volumes: PodVolumes;
  readonly probes: PodProbes;
  readonly buildConfig: BuildContainerConfig;
  readonly computeStatus: ComputePodStatus;
  readonly statusEqual: (a: PodStatus, b: PodStatus) => boolean;
  /** CrashLoopBackOff. */
  readonly crashBackoff: Backoff;
  readonly event: PodEventSink;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The pod's resolv.conf for its sandbox (dns-config.ts); absent leaves the runtime's default. */
  readonly sandboxDns?: (pod: Pod) => Promise<SandboxConfig['dns']>;
}

export interface SyncResult {
  /** Come back after this long (a back-off is running out). */
  readonly requeueAfterMs?: number;
}

export function containerSpecHash(container: Container): string {
  return createHash('sha256').update(JSON.stringify(container)).digest('hex').slice(0, 16);
}

/** Exited attempts kept per container name: the latest and the one before, for `logs --previous`. */
const KEPT_ATTEMPTS = 2;

export class PodSync {
  /** Containers (runtime ids) whose liveness or startup probe failed, with the Killing message: the next pass restarts them. */
  readonly livenessFailed = new Map<string, string>();
  private readonly killer: ContainerKiller;
  private readonly lastWritten = new Map<string, PodStatus>();
  private readonly now: () => number;

  constructor(private readonly options: PodSyncOptions) {
    this.killer = new ContainerKiller({ runtime: options.runtime, event: options.event, logger: options.logger });
    this.now = options.now ?? Date.now;
  }

  /** Syncs the pod with this uid; `pod` is undefined when the API server no longer has it. */
  async sync(uid: string, pod: Pod | undefined): Promise<SyncResult> {
    const { runtime, nodeName } = this.options;
    const [sandboxes, containers] = await Promise.all([
      runtime.listSandboxes({ nodeName, podUid: uid }),
      runtime.listContainers({ nodeName, podUid: uid }),
    ]);
    if (pod === undefined) {
      await this.removeEverything(uid, sandboxes, containers);
      return {};
    }
    if (pod.metadata?.deletionTimestamp !== undefined) {
      await this.terminate(pod, sandboxes, containers);
      return {};
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      await this.killer.killAll(pod, containers, pod.spec?.terminationGracePeriodSeconds ?? 30);
      await Promise.all(sandboxes.filter((s) => s.state === 'ready').map((s) => runtime.stopSandbox(s.id)));
      // Docker may learn of an OOM kill just after the exit: the final report can still improve.
      const after = await runtime.listContainers({ nodeName, podUid: uid });
      await this.report(pod, undefined, after, new Map(), true);
      return {};
    }
    return this.run(pod, sandboxes, containers);
  }

  private async run(pod: Pod, sandboxes: SandboxStatus[], containers: ContainerStatus[]): Promise<SyncResult> {
    const { runtime } = this.options;
    const uid = pod.metadata?.uid ?? '';
    const waiting = new Map<string, { reason: string; message?: string }>();
    const retries: number[] = [];
    let actions = computePodActions({
      pod, sandboxes, containers, specHash: containerSpecHash, hashAnnotation: SPEC_HASH_ANNOTATION, livenessFailed: this.livenessFailed,
    });

    await Promise.all(actions.kills.map(async (kill) => {
      await this.killer.kill(pod, kill.status, pod.spec?.terminationGracePeriodSeconds ?? 30, kill.message);
      this.livenessFailed.delete(kill.status.id);
    }));
    for (const stale of actions.staleSandboxes) await this.removeSandbox(stale);

    let volumes: Map<string, string> | undefined;
    try {
      volumes = await this.options.volumes.prepare(pod);
    } catch (error) {
      this.options.event(pod, 'Warning', 'FailedMount', messageOf(error));
      retries.push(10_000);
    }

    let sandbox = actions.sandbox;
    if (actions.createSandbox && volumes !== undefined) {
      try {
        const dns = await this.options.sandboxDns?.(pod);
        sandbox = await runtime.runSandbox({
          pod: this.podRef(pod), hostname: pod.spec?.hostname ?? pod.metadata?.name ?? '', portMappings: portMappingsOf(pod), hostNetwork: pod.spec?.hostNetwork === true,
          ...(dns === undefined ? {} : { dns }),
        });
        // Recompute against the new sandbox: init containers run again in it.
        const fresh = await runtime.listContainers({ nodeName: this.options.nodeName, podUid: uid });
        actions = computePodActions({
          pod, sandboxes: [sandbox], containers: fresh, specHash: containerSpecHash, hashAnnotation: SPEC_HASH_ANNOTATION, livenessFailed: this.livenessFailed,
        });
        containers = fresh;
      } catch (error) {
        this.options.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${messageOf(error)}`);
        retries.push(5_000);
        sandbox = undefined;
      }
    }

    if (sandbox !== undefined && volumes !== undefined && !actions.initFailed) {
      const context: ContainerConfigContext = { volumes, podIP: sandbox.ip, hostIP: this.options.hostIP };
      const results = await Promise.all(actions.starts.map((start) => this.startContainer(pod, sandbox, start, context, waiting)));
      for (const retry of results) if (retry !== undefined) retries.push(retry);
    }

    const current = await runtime.listContainers({ nodeName: this.options.nodeName, podUid: uid });
    await this.collectOldAttempts(current);
    this.options.probes.ensure(pod, current, sandbox?.ip);
    await this.report(pod, sandbox, current, waiting);
    return retries.length > 0 ? { requeueAfterMs: Math.max(100, Math.min(...retries)) } : {};
  }

  /** Starts one container; returns when to try again if it could not (a back-off, a failed pull). */
  private async startContainer(
    pod: Pod, sandbox: SandboxStatus, start: ContainerStart, context: ContainerConfigContext,
    waiting: Map<string, { reason: string; message?: string }>,
  ): Promise<number | undefined> {
    const { runtime, event, crashBackoff } = this.options;
    const name = start.container.name;
    const uid = pod.metadata?.uid ?? '';
    const now = this.now();
    const previous = start.previous;
    if (previous?.state === 'exited' && previous.finishedAt !== undefined) {
      const key = `${uid}/${name}`;
      const finished = previous.finishedAt.getTime();
      if (crashBackoff.isInBackOffSince(key, finished, now)) {
        const podId = `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${uid})`;
        waiting.set(name, {
          reason: 'CrashLoopBackOff',
          message: `back-off ${formatGoDuration(crashBackoff.delay(key))} restarting failed container=${name} pod=${podId}`,
        });
        event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${podId}`);
        return crashBackoff.remainingSince(key, finished, now);
      }
      crashBackoff.next(key, finished);
    }

    const image = await this.options.puller.ensure(pod, start.container);
    if (!image.ok) {
      waiting.set(name, { reason: image.reason, message: image.message });
      return image.retryAfterMs ?? 10_000;
    }
    let config: ContainerConfig;
    try {
      config = await this.options.buildConfig(pod, start.container, context);
    } catch (error) {
      waiting.set(name, { reason: 'CreateContainerConfigError', message: messageOf(error) });
      event(pod, 'Warning', 'Failed', `Error: ${messageOf(error)}`);
      return 10_000;
    }
    config = { ...config, attempt: start.attempt, annotations: { ...config.annotations, [SPEC_HASH_ANNOTATION]: containerSpecHash(start.container) } };
    try {
      const id = await runtime.createContainer(sandbox.id, this.podRef(pod), config);
      event(pod, 'Normal', 'Created', `Created container ${name}`);
      await runtime.startContainer(id);
      event(pod, 'Normal', 'Started', `Started container ${name}`);
      return undefined;
    } catch (error) {
      waiting.set(name, { reason: 'RunContainerError', message: messageOf(error) });
      event(pod, 'Warning', 'Failed', `Error: ${messageOf(error)}`);
      return 10_000;
    }
  }

  /** A deleting pod: stop everything within its grace period, report, then finish the delete. */
  private async terminate(pod: Pod, sandboxes: SandboxStatus[], containers: ContainerStatus[]): Promise<void> {
    const { runtime } = this.options;
    await this.killer.killAll(pod, containers, deletionGracePeriod(pod));
    await Promise.all(sandboxes.filter((s) => s.state === 'ready').map((s) => runtime.stopSandbox(s.id)));
    const uid = pod.metadata?.uid ?? '';
    const after = await runtime.listContainers({ nodeName: this.options.nodeName, podUid: uid });
    await this.report(pod, undefined, after, new Map(), true).catch((error: unknown) => {
      this.options.logger.debug('final status not written', { pod: pod.metadata?.name, error: messageOf(error) });
    });
    await this.options.api.finishDeletion(pod);
  }

  /** The API server no longer has the pod: nothing of it may keep running. */
  private async removeEverything(uid: string, sandboxes: SandboxStatus[], containers: ContainerStatus[]): Promise<void> {
    const { runtime } = this.options;
    await Promise.all(containers.filter((c) => c.state === 'running').map((c) => runtime.stopContainer(c.id, 2)));
    for (const c of containers) await runtime.removeContainer(c.id).catch(ignoreNotFound);
    for (const s of sandboxes) await this.removeSandbox(s);
    await this.options.volumes.cleanup(uid);
    this.options.probes.removePod(uid);
    this.options.puller.forgetPod(uid);
    this.options.crashBackoff.resetPrefix(`${uid}/`);
    this.lastWritten.delete(uid);
    for (const c of containers) this.livenessFailed.delete(c.id);
  }

  private async removeSandbox(sandbox: SandboxStatus): Promise<void> {
    await this.options.runtime.stopSandbox(sandbox.id).catch(ignoreNotFound);
    await this.options.runtime.removeSandbox(sandbox.id).catch(ignoreNotFound);
  }

  /** Removes exited attempts beyond the last KEPT_ATTEMPTS of each container. */
  private async collectOldAttempts(containers: ContainerStatus[]): Promise<void> {
    const byName = new Map<string, ContainerStatus[]>();
    for (const c of containers) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    for (const attempts of byName.values()) {
      const old = attempts.sort((a, b) => b.attempt - a.attempt).slice(KEPT_ATTEMPTS).filter((c) => c.state !== 'running');
      for (const c of old) await this.options.runtime.removeContainer(c.id).catch(ignoreNotFound);
    }
  }

  private async report(
    pod: Pod, sandbox: SandboxStatus | undefined, containers: ContainerStatus[], waiting: Map<string, { reason: string; message?: string }>,
    terminal = false,
  ): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const { probes } = this.options;
    const ready = new Map<string, boolean>();
    const started = new Map<string, boolean>();
    for (const c of latestAttempts(containers).values()) {
      ready.set(c.name, c.state === 'running' && probes.isReady(uid, c.name));
      started.set(c.name, c.state === 'running' && probes.isStarted(uid, c.name));
    }
    const status = this.options.computeStatus(pod, {
      sandbox, containers, waiting, ready, started, hostIP: this.options.hostIP, now: new Date(this.now()),
      terminal, runtimeName: this.options.runtime.name,
    }, pod.status);
    const last = this.lastWritten.get(uid);
    if (pod.status !== undefined && this.options.statusEqual(pod.status, status)) return;
    if (last !== undefined && this.options.statusEqual(last, status)) return;
    await this.options.api.writeStatus(pod, status);
    this.lastWritten.set(uid, status);
  }

  private podRef(pod: Pod): PodRef {
    return { uid: pod.metadata?.uid ?? '', name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', nodeName: this.options.nodeName };
  }
}

function portMappingsOf(pod: Pod): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (port.hostPort === undefined || port.hostPort === 0) continue;
      const protocol: PortMapping['protocol'] = port.protocol === 'UDP' || port.protocol === 'SCTP' ? port.protocol : 'TCP';
      mappings.push({ containerPort: port.containerPort, hostPort: port.hostPort, ...(port.hostIP !== undefined ? { hostIP: port.hostIP } : {}), protocol });
    }
  }
  return mappings;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof Error && (error as { code?: unknown }).code === 'NotFound') return;
  throw error;
}
