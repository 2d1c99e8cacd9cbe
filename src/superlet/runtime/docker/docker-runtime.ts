// The Runtime on the Docker Engine API (Podman's compatible socket too, through DOCKER_HOST).
// A pod is a sandbox container holding the network namespace plus app containers joined to it,
// as the dockershim made them; all state lives in Docker's labels, none only in memory.
import type { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import {
  RuntimeNotFoundError,
  type ContainerConfig,
  type ContainerStatus,
  type ExecOptions,
  type ExecResult,
  type ExecSession,
  type ImageInfo,
  type LogOptions,
  type PodRef,
  type Runtime,
  type RuntimeEvent,
  type SandboxConfig,
  type SandboxStatus,
} from '../runtime.js';
import { containerCreateOptions, sandboxCreateOptions } from './create-options.js';
import { errorMessage, isNotFound, statusCode } from './errors.js';
import { dockerEvents } from './events.js';
import { startExec, execSync } from './exec.js';
import { DEFAULT_PULL_TIMEOUT_MS, imageStatus, pullImage } from './images.js';
import { LABEL, labelFilters } from './labels.js';
import { containerLogs } from './logs.js';
import { DEFAULT_SANDBOX_IMAGE, ensureSandboxImage } from './sandbox-image.js';
import { containerState, containerStatusFromInspect, sandboxStatusFromInspect, sandboxStatusFromList } from './status.js';

export interface DockerRuntimeOptions {
  /** The client; default: from DOCKER_HOST (or the local socket). */
  docker?: Dockerode;
  /** Default 'supernetes.local/pause:latest', built from the host's busybox when missing. */
  sandboxImage?: string;
  /** The Docker network sandboxes join; default 'bridge'. */
  network?: string;
  /** How long a pull may take before it fails with ImagePullError; default 30 s. */
  pullTimeoutMs?: number;
}

/** Inspections a list runs at once: enough to be quick, few enough not to flood the daemon. */
const INSPECT_CONCURRENCY = 8;
/** Grace for the pause process, which exits at once on SIGTERM. */
const SANDBOX_STOP_GRACE_SECONDS = 2;

const KILL_SIGNALS_GONE = new Set([404, 409]);

export class DockerRuntime implements Runtime {
  readonly name = 'docker';
  private readonly docker: Dockerode;
  private readonly sandboxImage: string;
  private readonly network: string | undefined;
  private readonly pullTimeoutMs: number;
  private sandboxImageReady: Promise<void> | undefined;
  /**
   * Statuses by id. A status changes only with the container's state (no restart policy; a
   * restart is a new container), so a relist inspects only containers whose listed state moved.
   */
  private readonly statusCache = new Map<string, ContainerStatus>();

  constructor(options: DockerRuntimeOptions = {}) {
    this.docker = options.docker ?? new Dockerode();
    this.sandboxImage = options.sandboxImage ?? DEFAULT_SANDBOX_IMAGE;
    this.network = options.network;
    this.pullTimeoutMs = options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    const version = await this.docker.version();
    return { runtimeName: 'docker', runtimeVersion: version.Version };
  }

  async machineInfo(): Promise<{ cpuCores: number; memoryBytes: number; os: string; kernelVersion: string; osImage: string; architecture: string }> {
    const info = (await this.docker.info()) as Record<string, unknown>;
    const text = (key: string): string => (typeof info[key] === 'string' ? info[key] : '');
    const number = (key: string): number => (typeof info[key] === 'number' ? info[key] : 0);
    return {
      cpuCores: number('NCPU'),
      memoryBytes: number('MemTotal'),
      os: text('OSType') || 'linux',
      kernelVersion: text('KernelVersion'),
      osImage: text('OperatingSystem'),
      // Node status reports Go's names (amd64), Docker uname's (x86_64).
      architecture: goArch(text('Architecture')),
    };
  }

  imageStatus(image: string): Promise<ImageInfo | undefined> {
    return imageStatus(this.docker, image);
  }

  pullImage(image: string): Promise<ImageInfo> {
    return pullImage(this.docker, image, this.pullTimeoutMs);
  }

  async runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    await this.ensureSandboxImage();
    const container = await this.docker.createContainer(sandboxCreateOptions(config, this.sandboxImage, this.network));
    try {
      await container.start();
    } catch (error) {
      await this.forceRemove(container.id);
      throw new Error(`starting the sandbox of pod ${config.pod.namespace}/${config.pod.name}: ${errorMessage(error)}`, { cause: error });
    }
    const status = sandboxStatusFromInspect(await container.inspect(), this.network);
    if (status === undefined) throw new Error(`sandbox ${container.id} lost its labels`);
    return status;
  }

  async stopSandbox(id: string): Promise<void> {
    // The superlet stops app containers gracefully first; anything still running goes now, as
    // the CRI requires of StopPodSandbox.
    for (const member of await this.sandboxMembers(id)) await this.kill(member);
    try {
      await this.docker.getContainer(id).stop({ t: SANDBOX_STOP_GRACE_SECONDS });
    } catch (error) {
      // 304: already stopped; 404: already gone. Stopping is idempotent.
      if (statusCode(error) !== 304 && !isNotFound(error)) throw error;
    }
  }

  async removeSandbox(id: string): Promise<void> {
    for (const member of await this.sandboxMembers(id)) await this.forceRemove(member);
    await this.forceRemove(id);
  }

  async listSandboxes(filter: { nodeName: string; podUid?: string }): Promise<SandboxStatus[]> {
    const listed = await this.docker.listContainers({ all: true, filters: { label: labelFilters('sandbox', filter) } });
    const result: SandboxStatus[] = [];
    for (const info of listed) {
      const status = sandboxStatusFromList(info, this.network);
      if (status !== undefined) result.push(status);
    }
    return result;
  }

  async createContainer(sandboxId: string, pod: PodRef, config: ContainerConfig): Promise<string> {
    let sandbox: Dockerode.ContainerInspectInfo;
    try {
      sandbox = await this.docker.getContainer(sandboxId).inspect();
    } catch (error) {
      if (isNotFound(error)) throw new RuntimeNotFoundError(sandboxId);
      throw error;
    }
    if (sandbox.Config.Labels?.[LABEL.kind] !== 'sandbox') throw new RuntimeNotFoundError(sandboxId);
    const hostNetwork = sandbox.HostConfig.NetworkMode === 'host';
    try {
      const container = await this.docker.createContainer(containerCreateOptions(sandbox.Id, hostNetwork, pod, config));
      return container.id;
    } catch (error) {
      throw new Error(`creating container ${config.name} of pod ${pod.namespace}/${pod.name}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if (isNotFound(error)) throw new RuntimeNotFoundError(id);
      // 304: already started.
      if (statusCode(error) !== 304) throw new Error(`starting container ${id}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async stopContainer(id: string, gracePeriodSeconds: number): Promise<void> {
    const container = this.docker.getContainer(id);
    try {
      if (gracePeriodSeconds <= 0) await container.kill({ signal: 'SIGKILL' });
      // Docker sends SIGTERM (or the image's stop signal) and SIGKILL after t seconds.
      else await container.stop({ t: Math.ceil(gracePeriodSeconds) });
    } catch (error) {
      if (isNotFound(error)) throw new RuntimeNotFoundError(id);
      // 304 (stop) / 409 (kill): not running.
      if (statusCode(error) !== 304 && statusCode(error) !== 409) throw error;
    }
    try {
      await container.wait({ condition: 'not-running' });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async removeContainer(id: string): Promise<void> {
    await this.forceRemove(id);
    this.statusCache.delete(id);
  }

  async listContainers(filter: { nodeName: string; podUid?: string }): Promise<ContainerStatus[]> {
    const listed = await this.docker.listContainers({ all: true, filters: { label: labelFilters('container', filter) } });
    if (filter.podUid === undefined) {
      const ids = new Set(listed.map((info) => info.Id));
      for (const [id, status] of this.statusCache) {
        if (status.pod.nodeName === filter.nodeName && !ids.has(id)) this.statusCache.delete(id);
      }
    }
    const statuses = await mapLimited(listed, INSPECT_CONCURRENCY, (info) => {
      const cached = this.statusCache.get(info.Id);
      if (cached !== undefined && cached.state === containerState(info.State)) return Promise.resolve(copyStatus(cached));
      return this.inspectStatus(info.Id);
    });
    return statuses.filter((s): s is ContainerStatus => s !== undefined);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const cached = this.statusCache.get(id);
    // Exited is final; anything else is asked afresh.
    if (cached?.state === 'exited') return copyStatus(cached);
    return this.inspectStatus(id);
  }

  async logs(id: string, options: LogOptions): Promise<Readable> {
    const container = this.docker.getContainer(id);
    const info = await this.inspect(id);
    return containerLogs(container, info.Config.Tty, options);
  }

  async exec(id: string, options: ExecOptions): Promise<ExecSession> {
    await this.inspect(id);
    return startExec(this.docker.getContainer(id), options);
  }

  async execSync(id: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    await this.inspect(id);
    return execSync(this.docker.getContainer(id), command, timeoutMs);
  }

  events(nodeName: string, signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    return dockerEvents(this.docker, nodeName, signal, Date.now() / 1000);
  }

  private ensureSandboxImage(): Promise<void> {
    // One build at a time per runtime; a failed build is retried by the next sandbox.
    this.sandboxImageReady ??= ensureSandboxImage(this.docker, this.sandboxImage).catch((error: unknown) => {
      this.sandboxImageReady = undefined;
      throw error;
    });
    return this.sandboxImageReady;
  }

  private async inspect(id: string): Promise<Dockerode.ContainerInspectInfo> {
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (error) {
      if (isNotFound(error)) throw new RuntimeNotFoundError(id);
      throw error;
    }
  }

  private async inspectStatus(id: string): Promise<ContainerStatus | undefined> {
    let info: Dockerode.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(id).inspect();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const status = containerStatusFromInspect(info);
    if (status === undefined) this.statusCache.delete(id);
    else this.statusCache.set(id, copyStatus(status));
    return status;
  }

  private async sandboxMembers(sandboxId: string): Promise<string[]> {
    const listed = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.sandbox}=${sandboxId}`] } });
    return listed.map((info) => info.Id);
  }

  private async kill(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).kill({ signal: 'SIGKILL' });
    } catch (error) {
      const code = statusCode(error);
      if (code === undefined || !KILL_SIGNALS_GONE.has(code)) throw error;
    }
  }

  /** Removal is idempotent: gone (404) or already being removed (409) is success. */
  private async forceRemove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (error) {
      const code = statusCode(error);
      if (code !== 404 && !(code === 409 && /already in progress/.test(errorMessage(error)))) throw error;
    }
  }
}

function goArch(uname: string): string {
  const names: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm', i386: '386', i686: '386', ppc64le: 'ppc64le', s390x: 's390x' };
  return names[uname] ?? uname;
}

function copyStatus(status: ContainerStatus): ContainerStatus {
  return { ...status, pod: { ...status.pod }, annotations: { ...status.annotations } };
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
