// The pod phase from its container statuses: the twin of the kubelet's getPhase (1.30), with
// sidecars (init containers with restartPolicy Always) counted as upstream counts them.
import type { ContainerStatus as ApiContainerStatus, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { isRestartableInit } from './pod-status-containers.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

function statusOf(statuses: readonly ApiContainerStatus[], name: string): ApiContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

/** Upstream HasAnyRegularContainerStarted: some regular container is running or has run. */
export function anyRegularContainerStarted(spec: PodSpec, statuses: readonly ApiContainerStatus[]): boolean {
  const names = new Set(spec.containers.map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && (s.state?.running !== undefined || s.state?.terminated !== undefined));
}

/**
 * `statuses` holds regular and init container statuses together; `podIsTerminal` says the worker
 * has stopped the pod for good, so its containers will not be restarted whatever the policy.
 */
export function podPhase(pod: Pod, statuses: readonly ApiContainerStatus[], podIsTerminal: boolean): PodPhase {
  const spec: PodSpec = pod.spec ?? { containers: [] };
  const initContainers = spec.initContainers ?? [];
  let pendingInitialization = 0;
  let failedInitialization = 0;

  for (const container of initContainers) {
    if (isRestartableInit(container)) continue;
    const status = statusOf(statuses, container.name);
    if (status === undefined) {
      pendingInitialization++;
    } else if (status.state?.running !== undefined) {
      pendingInitialization++;
    } else if (status.state?.terminated !== undefined) {
      if (status.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (status.state?.waiting !== undefined) {
      const last = status.lastState?.terminated;
      if (last !== undefined) {
        if (last.exitCode !== 0) failedInitialization++;
      } else {
        pendingInitialization++;
      }
    } else {
      pendingInitialization++;
    }
  }

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;

  for (const container of initContainers) {
    if (!isRestartableInit(container)) continue;
    const status = statusOf(statuses, container.name);
    if (status === undefined) {
      unknown++;
    } else if (status.state?.running !== undefined) {
      if (status.started !== true) pendingInitialization++;
      running++;
    } else if (status.state?.terminated !== undefined) {
      // A stopped sidecar does not count towards the phase.
    } else if (status.state?.waiting !== undefined) {
      if (status.lastState?.terminated === undefined) {
        pendingInitialization++;
        waiting++;
      }
    } else {
      pendingInitialization++;
      unknown++;
    }
  }

  for (const container of spec.containers) {
    const status = statusOf(statuses, container.name);
    if (status === undefined) {
      unknown++;
    } else if (status.state?.running !== undefined) {
      running++;
    } else if (status.state?.terminated !== undefined) {
      stopped++;
      if (status.state.terminated.exitCode === 0) succeeded++;
    } else if (status.state?.waiting !== undefined) {
      if (status.lastState?.terminated !== undefined) stopped++;
      else waiting++;
    } else {
      unknown++;
    }
  }

  const restartPolicy = spec.restartPolicy ?? 'Always';
  if (failedInitialization > 0 && restartPolicy === 'Never') return 'Failed';

  // Sidecars restarting after the pod initialized must not send it back to Pending.
  if ((pendingInitialization > 0 && !anyRegularContainerStarted(spec, statuses)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    // Every container is in the process of restarting.
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    // OnFailure, with at least one failure being restarted.
    return 'Running';
  }
  return 'Pending';
}
