// The container runtime as the superlet sees it: sandboxes (one per pod, holding its network
// namespace) and containers joined to them, found again after a restart by their labels.
// Implemented by the Docker Engine API (docker/) and by a fake that starts nothing (fake/); one
// shared test suite runs on both (test/superlet/runtime/).
import type { Readable, Writable } from 'node:stream';

/** Who a sandbox or container belongs to; every runtime object carries it (as Docker labels). */
export interface PodRef {
  uid: string;
  name: string;
  namespace: string;
  /** The node (superlet) that owns it: several superlets may share one runtime. */
  nodeName: string;
}

export interface PortMapping {
  containerPort: number;
  hostPort: number;
  hostIP?: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface SandboxConfig {
  pod: PodRef;
  hostname: string;
  portMappings: PortMapping[];
  /** resolv.conf for the pod; absent means the runtime's default. */
  dns?: { servers: string[]; searches: string[]; options: string[] };
  /** Pod-level annotations kept on the sandbox (e.g. a hash of what the sandbox was made from). */
  annotations?: Record<string, string>;
  /** Run in the host's network namespace (pod.spec.hostNetwork). */
  hostNetwork?: boolean;
}

export type SandboxState = 'ready' | 'notready';

export interface SandboxStatus {
  id: string;
  pod: PodRef;
  state: SandboxState;
  /** The pod's address on the runtime's network; '' while not ready or with hostNetwork. */
  ip: string;
  createdAt: Date;
  annotations: Record<string, string>;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface ContainerResources {
  /** Hard memory limit in bytes; 0 = none. */
  memoryLimitBytes: number;
  /** CPU limit in millicores (becomes a CFS quota); 0 = none. */
  cpuLimitMillis: number;
  /** CPU request in millicores (becomes CPU shares); 0 = the runtime's minimum. */
  cpuRequestMillis: number;
}

export interface ContainerSecurity {
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
}

export interface ContainerConfig {
  /** The container's name in the pod spec. */
  name: string;
  /** 0 for the first run, +1 for each restart. */
  attempt: number;
  image: string;
  /** pod.spec.containers[].command: replaces the image's entrypoint when set. */
  command?: string[];
  /** pod.spec.containers[].args: replaces the image's cmd when set. */
  args?: string[];
  workingDir?: string;
  env: { name: string; value: string }[];
  mounts: Mount[];
  resources: ContainerResources;
  security: ContainerSecurity;
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  /** Kept on the container and returned in its status (e.g. the hash of the spec it was made from). */
  annotations?: Record<string, string>;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  pod: PodRef;
  sandboxId: string;
  name: string;
  attempt: number;
  state: ContainerState;
  createdAt: Date;
  /** Absent until started. */
  startedAt?: Date;
  /** Absent until exited. */
  finishedAt?: Date;
  exitCode?: number;
  /** 'OOMKilled' when the kernel killed it for memory, 'Error' or 'Completed' otherwise once exited. */
  reason?: string;
  message?: string;
  /** The image as the spec named it. */
  image: string;
  /** The image's content ID (pod status imageID). */
  imageRef: string;
  annotations: Record<string, string>;
}

export interface ImageInfo {
  /** Content ID, e.g. sha256:.... */
  id: string;
  repoTags: string[];
  sizeBytes: number;
}

/** The image could not be pulled (no registry, no such image, refused). */
export class ImagePullError extends Error {
  readonly code = 'ImagePull';
  constructor(readonly image: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImagePullError';
  }
}

/** The runtime has no such sandbox or container. */
export class RuntimeNotFoundError extends Error {
  readonly code = 'NotFound';
  constructor(readonly id: string) {
    super(`no such container or sandbox: ${id}`);
    this.name = 'RuntimeNotFoundError';
  }
}

export interface LogOptions {
  follow: boolean;
  /** Only the last N lines. */
  tailLines?: number;
  /** Only lines written in the last N seconds. */
  sinceSeconds?: number;
  /** Prefix each line with its RFC3339Nano time, as the kubelet does. */
  timestamps: boolean;
  /** Stop following when aborted. */
  signal?: AbortSignal;
}

export interface ExecOptions {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A running exec: write to stdin, read stdout/stderr (stderr absent with a tty), wait for the exit. */
export interface ExecSession {
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
  resize(size: { width: number; height: number }): Promise<void>;
  /** Resolves with the command's exit code once it ends (rejects if closed before that). */
  exitCode: Promise<number>;
  /**
   * Drops the session (the client went away, a timeout passed). Docker cannot kill an exec'd
   * process, so it may keep running, as with the kubelet; only our side stops.
   */
  close?(): void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the command ran past the timeout (the result is then a failure). */
  timedOut: boolean;
}

/** Something changed in the runtime: the superlet resyncs that pod at once instead of at the next relist. */
export interface RuntimeEvent {
  podUid: string;
  containerId: string;
  type: 'started' | 'died' | 'oom' | 'removed';
}

export interface Runtime {
  /** 'docker' or 'fake'. */
  readonly name: string;
  version(): Promise<{ runtimeName: string; runtimeVersion: string }>;
  /** Cores and memory of the machine the runtime runs on (node capacity). */
  machineInfo(): Promise<{ cpuCores: number; memoryBytes: number; os: string; kernelVersion: string; osImage: string; architecture: string }>;

  imageStatus(image: string): Promise<ImageInfo | undefined>;
  /** Pulls the image; throws ImagePullError when it cannot. */
  pullImage(image: string): Promise<ImageInfo>;

  /** Creates and starts a sandbox (building the sandbox image first if it is missing). */
  runSandbox(config: SandboxConfig): Promise<SandboxStatus>;
  /** Stops the sandbox; containers still running in it are killed. Idempotent (a missing sandbox is fine). */
  stopSandbox(id: string): Promise<void>;
  /** Removes the sandbox and every container in it. Idempotent. */
  removeSandbox(id: string): Promise<void>;
  listSandboxes(filter: { nodeName: string; podUid?: string }): Promise<SandboxStatus[]>;

  /** Creates (does not start) a container in the sandbox's namespaces; returns its id. RuntimeNotFoundError: no such sandbox. */
  createContainer(sandboxId: string, pod: PodRef, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after gracePeriodSeconds (0 = SIGKILL at once). Resolves once it exited. */
  stopContainer(id: string, gracePeriodSeconds: number): Promise<void>;
  /** Removes it, killing it if it runs. Idempotent. */
  removeContainer(id: string): Promise<void>;
  listContainers(filter: { nodeName: string; podUid?: string }): Promise<ContainerStatus[]>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;

  /** The container's output, as a byte stream (lines, optionally time-stamped). */
  logs(id: string, options: LogOptions): Promise<Readable>;
  exec(id: string, options: ExecOptions): Promise<ExecSession>;
  /**
   * Runs a command to completion (exec probes, preStop hooks); never throws for a non-zero exit.
   * Past the timeout it returns timedOut: true with a non-zero exit code (124).
   */
  execSync(id: string, command: string[], timeoutMs: number): Promise<ExecResult>;

  /** Changes to containers of this node, as they happen; ends when the signal aborts. */
  events(nodeName: string, signal: AbortSignal): AsyncIterable<RuntimeEvent>;
}
