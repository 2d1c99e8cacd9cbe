// Pod and container specs as Docker create options, the way the dockershim built them: the
// sandbox owns the network (and with it the published ports, hostname and DNS); app containers
// join its network and IPC namespaces.
import type Dockerode from 'dockerode';
import type { ContainerConfig, PodRef, SandboxConfig } from '../runtime.js';
import { LABEL, SANDBOX_CONTAINER_NAME, dockerName, podLabels } from './labels.js';
import { PAUSE_COMMAND } from './sandbox-image.js';

const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const SHARES_PER_CPU = 1024;
const QUOTA_PERIOD = 100_000;
const MIN_QUOTA = 1000;

/** The kubelet's milliCPUToShares: 0 (no request) gets the minimum, 2. */
export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu <= 0) return MIN_SHARES;
  const shares = Math.floor((milliCpu * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** The kubelet's milliCPUToQuota with the default 100 ms CFS period; undefined for no limit. */
export function milliCpuToQuota(milliCpu: number): { quota: number; period: number } | undefined {
  if (milliCpu <= 0) return undefined;
  return { quota: Math.max(MIN_QUOTA, Math.floor((milliCpu * QUOTA_PERIOD) / 1000)), period: QUOTA_PERIOD };
}

// Docker's own json-file driver, rotated (the kubelet rotates container logs at 10 MiB).
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } };

export function sandboxCreateOptions(config: SandboxConfig, image: string, network: string | undefined): Dockerode.ContainerCreateOptions {
  const labels = {
    ...podLabels(config.pod, 'sandbox', config.annotations),
    [LABEL.containerName]: SANDBOX_CONTAINER_NAME,
    [LABEL.attempt]: '0',
  };
  const exposedPorts: Record<string, object> = {};
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  if (config.hostNetwork !== true) {
    for (const mapping of config.portMappings) {
      if (mapping.hostPort <= 0) continue;
      const key = `${mapping.containerPort}/${mapping.protocol.toLowerCase()}`;
      exposedPorts[key] = {};
      (portBindings[key] ??= []).push({ HostIp: mapping.hostIP ?? '', HostPort: String(mapping.hostPort) });
    }
  }
  const hostConfig: Dockerode.HostConfig = {
    NetworkMode: config.hostNetwork === true ? 'host' : (network ?? 'bridge'),
    // Shareable so app containers can join it (Docker 20.10 defaults to private IPC).
    IpcMode: 'shareable',
    PortBindings: portBindings,
    LogConfig: LOG_CONFIG,
    CpuShares: MIN_SHARES,
    RestartPolicy: { Name: 'no' },
  };
  if (config.dns !== undefined) {
    hostConfig.Dns = config.dns.servers;
    hostConfig.DnsSearch = config.dns.searches;
    hostConfig.DnsOptions = config.dns.options;
  }
  return {
    name: dockerName(SANDBOX_CONTAINER_NAME, config.pod, 0),
    Image: image,
    Entrypoint: PAUSE_COMMAND,
    Cmd: [],
    // Docker refuses a hostname beside --network host; the pod then has the node's, as in Kubernetes.
    ...(config.hostNetwork === true ? {} : { Hostname: config.hostname }),
    Labels: labels,
    ExposedPorts: exposedPorts,
    HostConfig: hostConfig,
  };
}

function user(config: ContainerConfig): string | undefined {
  const { runAsUser, runAsGroup } = config.security;
  if (runAsUser === undefined) return undefined;
  return runAsGroup === undefined ? String(runAsUser) : `${runAsUser}:${runAsGroup}`;
}

export function containerCreateOptions(
  sandboxId: string,
  sandboxHostNetwork: boolean,
  pod: PodRef,
  config: ContainerConfig,
): Dockerode.ContainerCreateOptions {
  const sandboxMode = `container:${sandboxId}`;
  const quota = milliCpuToQuota(config.resources.cpuLimitMillis);
  const memory = config.resources.memoryLimitBytes;
  const hostConfig: Dockerode.HostConfig = {
    NetworkMode: sandboxMode,
    IpcMode: sandboxMode,
    // With hostNetwork the pod sees the node's hostname, as the dockershim did.
    ...(sandboxHostNetwork ? { UTSMode: 'host' } : {}),
    Binds: config.mounts.map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`),
    CpuShares: milliCpuToShares(config.resources.cpuRequestMillis),
    ...(quota === undefined ? {} : { CpuQuota: quota.quota, CpuPeriod: quota.period }),
    // Swap equal to memory: the limit is a hard limit, so an over-limit container is OOM-killed.
    ...(memory > 0 ? { Memory: memory, MemorySwap: memory } : {}),
    ReadonlyRootfs: config.security.readOnlyRootFilesystem === true,
    Privileged: config.security.privileged === true,
    LogConfig: LOG_CONFIG,
    RestartPolicy: { Name: 'no' },
  };
  const runAs = user(config);
  return {
    name: dockerName(config.name, pod, config.attempt),
    Image: config.image,
    // Kubernetes' command replaces the entrypoint and args the cmd; Docker drops the image's cmd
    // when an entrypoint is given, which is what Kubernetes wants too.
    // An empty list counts as unset, as in the kubelet.
    ...(config.command !== undefined && config.command.length > 0 ? { Entrypoint: config.command } : {}),
    ...(config.args !== undefined && config.args.length > 0 ? { Cmd: config.args } : {}),
    Env: config.env.map((e) => `${e.name}=${e.value}`),
    ...(config.workingDir !== undefined && config.workingDir !== '' ? { WorkingDir: config.workingDir } : {}),
    ...(runAs === undefined ? {} : { User: runAs }),
    Tty: config.tty,
    OpenStdin: config.stdin,
    StdinOnce: config.stdinOnce,
    Labels: {
      ...podLabels(pod, 'container', config.annotations),
      [LABEL.containerName]: config.name,
      [LABEL.attempt]: String(config.attempt),
      [LABEL.sandbox]: sandboxId,
    },
    HostConfig: hostConfig,
  };
}
