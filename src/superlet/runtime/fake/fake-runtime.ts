// A runtime that starts nothing: sandboxes and containers live in memory, so one process can
// simulate hundreds of nodes (kubemark's hollow nodes, KWOK). Containers report running until a
// script (FakeRuntimeOptions.script, or the FAKE_* env variables described in script.ts) makes
// them exit. One instance may serve many nodes: everything is filtered by node name.
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { EventQueue } from '../../../util/event-queue.js';
import {
  ImagePullError,
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
import { NodeIndex, copyContainer, copySandbox, type FakeContainer, type FakeSandbox } from './fake-containers.js';
import { fakeLogs } from './fake-logs.js';
import { IpPool } from './ip-pool.js';
import { envExecScript, envScript, plannedExit, type FakeExecScript, type FakeScript } from './script.js';

export interface FakeMachine {
  cpuCores: number;
  memoryBytes: number;
  os: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
}

export interface FakeRuntimeOptions {
  /** Decides how each started container behaves; default: the FAKE_* env variables (script.ts). */
  script?: FakeScript;
  /** Decides each exec's result; default: FAKE_EXEC_EXIT_CODE, else exit 0 with no output. */
  execScript?: FakeExecScript;
  /** Sandbox addresses come from here; default 10.244.0.0/16. */
  podCIDR?: string;
  /** The capacity each node reports; default 8 cores, 32 GiB. */
  machine?: Partial<FakeMachine>;
  /** Images present without a pull; every other image appears once pulled. */
  images?: string[];
  /** Makes a pull fail: return the error message, or undefined to let it succeed (the default). */
  pullError?: (image: string) => string | undefined;
}

const DEFAULT_MACHINE: FakeMachine = {
  cpuCores: 8,
  memoryBytes: 32 * 1024 ** 3,
  os: 'linux',
  kernelVersion: 'fake',
  osImage: 'Supernetes fake runtime',
  architecture: 'amd64',
};

/** Events a node's watcher may fall behind before its stream fails (it then relists). */
const EVENT_BACKLOG = 10_000;
const SIGKILL_EXIT = 137;
const SIGTERM_EXIT = 143;

export class FakeRuntime implements Runtime {
  readonly name = 'fake';
  private readonly script: FakeScript;
  private readonly execScript: FakeExecScript;
  private readonly machine: FakeMachine;
  private readonly pullError: (image: string) => string | undefined;
  private readonly ips: IpPool;
  private readonly images = new Map<string, ImageInfo>();
  private readonly sandboxes = new NodeIndex<FakeSandbox & { pod: PodRef }>();
  private readonly containers = new NodeIndex<FakeContainer & { pod: PodRef }>();
  private readonly watchers = new Map<string, Set<EventQueue<RuntimeEvent>>>();

  constructor(options: FakeRuntimeOptions = {}) {
    this.script = options.script ?? envScript;
    this.execScript = options.execScript ?? envExecScript;
    this.machine = { ...DEFAULT_MACHINE, ...options.machine };
    this.pullError = options.pullError ?? (() => undefined);
    this.ips = new IpPool(options.podCIDR);
    for (const image of options.images ?? []) this.addImage(image);
  }

  version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    return Promise.resolve({ runtimeName: 'fake', runtimeVersion: '0.1.0' });
  }

  machineInfo(): Promise<FakeMachine> {
    return Promise.resolve({ ...this.machine });
  }

  imageStatus(image: string): Promise<ImageInfo | undefined> {
    const info = this.images.get(normalize(image));
    return Promise.resolve(info === undefined ? undefined : { ...info, repoTags: [...info.repoTags] });
  }

  async pullImage(image: string): Promise<ImageInfo> {
    const failure = this.pullError(image);
    if (failure !== undefined) throw new ImagePullError(image, `failed to pull image ${JSON.stringify(image)}: ${failure}`);
    this.addImage(image);
    const info = await this.imageStatus(image);
    if (info === undefined) throw new ImagePullError(image, `pulled image ${JSON.stringify(image)} vanished`);
    return info;
  }

  runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    const id = newId();
    const status: SandboxStatus = {
      id,
      pod: { ...config.pod },
      state: 'ready',
      ip: config.hostNetwork === true ? '' : this.ips.allocate(),
      createdAt: new Date(),
      annotations: { ...config.annotations },
    };
    this.sandboxes.set(id, { pod: status.pod, status, hostNetwork: config.hostNetwork === true });
    this.emit(status.pod, id, 'started');
    return Promise.resolve(copySandbox(status));
  }

  stopSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (sandbox === undefined) return Promise.resolve();
    for (const container of this.members(id)) this.exit(container, SIGKILL_EXIT, false);
    if (sandbox.status.state === 'ready') {
      sandbox.status.state = 'notready';
      if (sandbox.status.ip !== '') this.ips.release(sandbox.status.ip);
      sandbox.status.ip = '';
      this.emit(sandbox.pod, id, 'died');
    }
    return Promise.resolve();
  }

  async removeSandbox(id: string): Promise<void> {
    for (const container of this.members(id)) await this.removeContainer(container.status.id);
    const sandbox = this.sandboxes.get(id);
    if (sandbox === undefined) return;
    await this.stopSandbox(id);
    this.sandboxes.delete(id);
    this.emit(sandbox.pod, id, 'removed');
  }

  listSandboxes(filter: { nodeName: string; podUid?: string }): Promise<SandboxStatus[]> {
    return Promise.resolve(this.sandboxes.list(filter).map((s) => copySandbox(s.status)));
  }

  createContainer(sandboxId: string, pod: PodRef, config: ContainerConfig): Promise<string> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (sandbox === undefined) return Promise.reject(new RuntimeNotFoundError(sandboxId));
    const image = this.images.get(normalize(config.image));
    if (image === undefined) {
      // As Docker: creating from an image that is not present fails; the superlet pulls first.
      return Promise.reject(new Error(`creating container ${config.name}: no such image: ${config.image}`));
    }
    const id = newId();
    const status: ContainerStatus = {
      id,
      pod: { ...pod },
      sandboxId,
      name: config.name,
      attempt: config.attempt,
      state: 'created',
      createdAt: new Date(),
      image: config.image,
      imageRef: image.id,
      annotations: { ...config.annotations },
    };
    this.containers.set(id, { pod: status.pod, status, config: structuredClone(config), logLines: [], onEnd: new Set() });
    return Promise.resolve(id);
  }

  startContainer(id: string): Promise<void> {
    const container = this.containers.get(id);
    if (container === undefined) return Promise.reject(new RuntimeNotFoundError(id));
    if (container.status.state === 'running') return Promise.resolve();
    if (container.status.state !== 'created') return Promise.reject(new Error(`starting container ${id}: it already ran`));
    if (this.sandboxes.get(container.status.sandboxId)?.status.state !== 'ready') {
      return Promise.reject(new Error(`starting container ${id}: its sandbox is not running`));
    }
    const behaviour = this.script(container.pod, container.config) ?? {};
    const now = new Date();
    container.status.state = 'running';
    container.status.startedAt = now;
    const text = behaviour.logs ?? `fake container ${container.config.name} of pod ${container.pod.namespace}/${container.pod.name} started`;
    container.logLines = text.replace(/\n$/, '').split('\n').map((line) => ({ time: now, text: line }));
    this.emit(container.pod, id, 'started');
    const exit = plannedExit(behaviour);
    if (exit !== undefined) {
      container.exitTimer = setTimeout(() => this.exit(container, exit.exitCode, exit.oomKilled), exit.afterMs);
      // Simulated lives must not keep the process alive.
      container.exitTimer.unref();
    }
    return Promise.resolve();
  }

  stopContainer(id: string, gracePeriodSeconds: number): Promise<void> {
    const container = this.containers.get(id);
    if (container === undefined) return Promise.reject(new RuntimeNotFoundError(id));
    // A fake process honours SIGTERM at once; with no grace it is SIGKILLed.
    this.exit(container, gracePeriodSeconds <= 0 ? SIGKILL_EXIT : SIGTERM_EXIT, false);
    return Promise.resolve();
  }

  removeContainer(id: string): Promise<void> {
    const container = this.containers.get(id);
    if (container === undefined) return Promise.resolve();
    this.exit(container, SIGKILL_EXIT, false);
    this.endFollowers(container);
    this.containers.delete(id);
    this.emit(container.pod, id, 'removed');
    return Promise.resolve();
  }

  listContainers(filter: { nodeName: string; podUid?: string }): Promise<ContainerStatus[]> {
    return Promise.resolve(this.containers.list(filter).map((c) => copyContainer(c.status)));
  }

  containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const container = this.containers.get(id);
    return Promise.resolve(container === undefined ? undefined : copyContainer(container.status));
  }

  logs(id: string, options: LogOptions): Promise<Readable> {
    const container = this.containers.get(id);
    if (container === undefined) return Promise.reject(new RuntimeNotFoundError(id));
    return Promise.resolve(fakeLogs(container, options));
  }

  exec(id: string, options: ExecOptions): Promise<ExecSession> {
    let result: { exitCode: number; stdout: string; stderr: string };
    try {
      result = this.runExec(id, options.command);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const session: ExecSession = { resize: () => Promise.resolve(), exitCode: Promise.resolve(result.exitCode), close: () => {} };
    if (options.stdin) {
      const stdin = new PassThrough();
      stdin.resume();
      session.stdin = stdin;
    }
    if (options.stdout) session.stdout = ended(options.tty ? result.stdout + result.stderr : result.stdout);
    if (options.stderr && !options.tty) session.stderr = ended(result.stderr);
    return Promise.resolve(session);
  }

  execSync(id: string, command: string[], _timeoutMs: number): Promise<ExecResult> {
    try {
      return Promise.resolve({ ...this.runExec(id, command), timedOut: false });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  events(nodeName: string, signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    let watchers = this.watchers.get(nodeName);
    if (watchers === undefined) this.watchers.set(nodeName, (watchers = new Set()));
    const set = watchers;
    const queue: EventQueue<RuntimeEvent> = new EventQueue<RuntimeEvent>(
      EVENT_BACKLOG,
      () => new Error(`fake runtime: the event watcher of node ${nodeName} fell ${EVENT_BACKLOG} events behind`),
      () => {
        set.delete(queue);
        if (set.size === 0 && this.watchers.get(nodeName) === set) this.watchers.delete(nodeName);
        signal.removeEventListener('abort', end);
      },
    );
    const end = (): void => queue.end();
    if (signal.aborted) queue.end();
    else {
      set.add(queue);
      signal.addEventListener('abort', end, { once: true });
    }
    return queue;
  }

  private runExec(id: string, command: string[]): { exitCode: number; stdout: string; stderr: string } {
    const container = this.containers.get(id);
    if (container === undefined) throw new RuntimeNotFoundError(id);
    if (container.status.state !== 'running') throw new Error(`exec in container ${id}: it is not running`);
    const target = { pod: { ...container.pod }, config: container.config, containerId: id };
    const result = this.execScript(target, command) ?? envExecScript(target, command) ?? { exitCode: 0 };
    return { exitCode: result.exitCode, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  }

  /** Ends a running container. Docker leaves a never-started one as created; only removal ends it. */
  private exit(container: FakeContainer & { pod: PodRef }, exitCode: number, oomKilled: boolean): void {
    clearTimeout(container.exitTimer);
    container.exitTimer = undefined;
    const status = container.status;
    if (status.state !== 'running') return;
    status.state = 'exited';
    status.finishedAt = new Date();
    status.exitCode = exitCode;
    status.reason = oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    this.endFollowers(container);
    if (oomKilled) this.emit(container.pod, status.id, 'oom');
    this.emit(container.pod, status.id, 'died');
  }

  private endFollowers(container: FakeContainer): void {
    for (const end of [...container.onEnd]) end();
  }

  private members(sandboxId: string): (FakeContainer & { pod: PodRef })[] {
    const sandbox = this.sandboxes.get(sandboxId);
    if (sandbox === undefined) return [];
    return this.containers.list({ nodeName: sandbox.pod.nodeName }).filter((c) => c.status.sandboxId === sandboxId);
  }

  private emit(pod: PodRef, containerId: string, type: RuntimeEvent['type']): void {
    for (const queue of this.watchers.get(pod.nodeName) ?? []) queue.push({ podUid: pod.uid, containerId, type });
  }

  private addImage(image: string): void {
    const ref = normalize(image);
    if (this.images.has(ref)) return;
    const digest = createHash('sha256').update(ref).digest('hex');
    this.images.set(ref, { id: `sha256:${digest}`, repoTags: [ref], sizeBytes: 1024 * 1024 });
  }
}

function newId(): string {
  return randomBytes(32).toString('hex');
}

function normalize(image: string): string {
  if (image.includes('@')) return image;
  return image.lastIndexOf(':') > image.lastIndexOf('/') ? image : `${image}:latest`;
}

function ended(text: string): Readable {
  const stream = new PassThrough();
  stream.end(text);
  return stream;
}
