// Docker's view of a container (inspect, list) as the runtime interface's statuses.
import type Dockerode from 'dockerode';
import type { ContainerState, ContainerStatus, SandboxStatus } from '../runtime.js';
import { LABEL, annotationsFromLabels, podFromLabels } from './labels.js';

/** Go's zero time, which Docker reports for "never started" and "never finished". */
function dockerTime(value: string | undefined): Date | undefined {
  if (value === undefined || value === '' || value.startsWith('0001-01-01')) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function containerState(dockerStatus: string): ContainerState {
  switch (dockerStatus) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

/** Undefined when the container is not one of ours or is a sandbox. */
export function containerStatusFromInspect(info: Dockerode.ContainerInspectInfo): ContainerStatus | undefined {
  const labels = info.Config.Labels as Record<string, string> | undefined;
  const pod = podFromLabels(labels);
  if (pod === undefined || labels?.[LABEL.kind] !== 'container') return undefined;
  const state = containerState(info.State.Status);
  const status: ContainerStatus = {
    id: info.Id,
    pod,
    sandboxId: labels[LABEL.sandbox] ?? '',
    name: labels[LABEL.containerName] ?? '',
    attempt: Number(labels[LABEL.attempt] ?? '0') || 0,
    state,
    createdAt: new Date(info.Created),
    image: info.Config.Image,
    imageRef: info.Image,
    annotations: annotationsFromLabels(labels),
  };
  const startedAt = dockerTime(info.State.StartedAt);
  if (startedAt !== undefined) status.startedAt = startedAt;
  if (state === 'exited') {
    const finishedAt = dockerTime(info.State.FinishedAt);
    if (finishedAt !== undefined) status.finishedAt = finishedAt;
    status.exitCode = info.State.ExitCode;
    status.reason = info.State.OOMKilled ? 'OOMKilled' : info.State.ExitCode === 0 ? 'Completed' : 'Error';
  }
  if (info.State.Error !== '') status.message = info.State.Error;
  return status;
}

/** Undefined when the listed container is not one of our sandboxes. */
export function sandboxStatusFromList(info: Dockerode.ContainerInfo, network: string | undefined): SandboxStatus | undefined {
  const pod = podFromLabels(info.Labels);
  if (pod === undefined || info.Labels[LABEL.kind] !== 'sandbox') return undefined;
  const running = info.State === 'running';
  return {
    id: info.Id,
    pod,
    state: running ? 'ready' : 'notready',
    ip: running ? sandboxIp(info.HostConfig.NetworkMode, info.NetworkSettings.Networks, network) : '',
    createdAt: new Date(info.Created * 1000),
    annotations: annotationsFromLabels(info.Labels),
  };
}

/** Same as sandboxStatusFromList, from an inspect (one sandbox by id). */
export function sandboxStatusFromInspect(info: Dockerode.ContainerInspectInfo, network: string | undefined): SandboxStatus | undefined {
  const labels = info.Config.Labels as Record<string, string> | undefined;
  const pod = podFromLabels(labels);
  if (pod === undefined || labels?.[LABEL.kind] !== 'sandbox') return undefined;
  const running = info.State.Running;
  const networks = (info.NetworkSettings.Networks ?? {}) as Record<string, { IPAddress?: string }>;
  return {
    id: info.Id,
    pod,
    state: running ? 'ready' : 'notready',
    ip: running ? sandboxIp(info.HostConfig.NetworkMode ?? '', networks, network) : '',
    createdAt: new Date(info.Created),
    annotations: annotationsFromLabels(labels),
  };
}

function sandboxIp(networkMode: string, networks: Record<string, { IPAddress?: string }>, network: string | undefined): string {
  if (networkMode === 'host') return '';
  const preferred = networks[network ?? networkMode]?.IPAddress;
  if (preferred !== undefined && preferred !== '') return preferred;
  for (const settings of Object.values(networks)) {
    if (settings.IPAddress !== undefined && settings.IPAddress !== '') return settings.IPAddress;
  }
  return '';
}
