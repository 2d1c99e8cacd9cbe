// What a pod needs next, from what it should be (the spec) and what runs (the runtime): the twin of
// the kubelet's computePodActions. Pure: the pod worker carries the actions out.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/runtime.js';

export interface ContainerStart {
  readonly container: Container;
  readonly attempt: number;
  /** The attempt before this one, when there was one (back-off counts from its exit). */
  readonly previous?: ContainerStatus;
  readonly isInit: boolean;
}

export interface ContainerKill {
  readonly status: ContainerStatus;
  /** Why, as the kubelet's Killing event says it. */
  readonly message: string;
}

export interface PodActions {
  /** No usable sandbox: make a new one (everything still running elsewhere is killed first). */
  readonly createSandbox: boolean;
  /** The sandbox to run containers in, when one is ready. */
  readonly sandbox?: SandboxStatus;
  /** Sandboxes of this pod that are no longer used. */
  readonly staleSandboxes: SandboxStatus[];
  readonly starts: ContainerStart[];
  readonly kills: ContainerKill[];
  /** An init container failed and restartPolicy is Never: the pod has failed. */
  readonly initFailed: boolean;
}

export interface PodActionInputs {
  readonly pod: Pod;
  readonly sandboxes: readonly SandboxStatus[];
  readonly containers: readonly ContainerStatus[];
  /** The hash of a container's spec; a running container made from another spec is replaced. */
  readonly specHash: (container: Container) => string;
  /** The annotation under which a container carries its spec hash. */
  readonly hashAnnotation: string;
  /** Containers (by runtime id) whose liveness or startup probe failed, with the Killing message. */
  readonly livenessFailed: ReadonlyMap<string, string>;
}

/** The newest attempt of each container name. */
export function latestAttempts(containers: readonly ContainerStatus[]): Map<string, ContainerStatus> {
  const latest = new Map<string, ContainerStatus>();
  for (const c of containers) {
    const seen = latest.get(c.name);
    if (seen === undefined || c.attempt > seen.attempt || (c.attempt === seen.attempt && c.createdAt > seen.createdAt)) {
      latest.set(c.name, c);
    }
  }
  return latest;
}

export function restartPolicyOf(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  const policy = pod.spec?.restartPolicy;
  return policy === 'OnFailure' || policy === 'Never' ? policy : 'Always';
}

/** Whether an exited container should run again under the pod's restartPolicy. */
export function shouldRestart(pod: Pod, exited: ContainerStatus): boolean {
  const policy = restartPolicyOf(pod);
  if (policy === 'Always') return true;
  if (policy === 'Never') return false;
  return exited.exitCode !== 0;
}

function isExitedOk(c: ContainerStatus): boolean {
  return c.state === 'exited' && c.exitCode === 0;
}

/** True when every app container has finished and none will run again: the pod is done. */
export function allContainersFinished(pod: Pod, containers: readonly ContainerStatus[]): boolean {
  const latest = latestAttempts(containers);
  const specs = pod.spec?.containers ?? [];
  return specs.length > 0 && specs.every((spec) => {
    const c = latest.get(spec.name);
    return c !== undefined && c.state === 'exited' && !shouldRestart(pod, c);
  });
}

function pickSandbox(sandboxes: readonly SandboxStatus[]): { sandbox?: SandboxStatus; stale: SandboxStatus[] } {
  const sorted = [...sandboxes].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const newest = sorted[0];
  if (newest === undefined || newest.state !== 'ready') return { stale: sorted };
  return { sandbox: newest, stale: sorted.slice(1) };
}

export function computePodActions(inputs: PodActionInputs): PodActions {
  const { pod, containers } = inputs;
  const { sandbox, stale } = pickSandbox(inputs.sandboxes);
  const kills: ContainerKill[] = [];
  const starts: ContainerStart[] = [];

  if (sandbox === undefined) {
    // A pod that has finished for good does not get its sandbox back.
    const done = restartPolicyOf(pod) !== 'Always' && allContainersFinished(pod, containers);
    for (const c of containers) {
      if (c.state === 'running') kills.push({ status: c, message: 'Pod sandbox changed, it will be killed and re-created.' });
    }
    return { createSandbox: !done, staleSandboxes: stale, starts, kills, initFailed: false };
  }

  // Containers left in an older sandbox cannot share the pod's network: they go.
  for (const c of containers) {
    if (c.state === 'running' && c.sandboxId !== sandbox.id) {
      kills.push({ status: c, message: 'Pod sandbox changed, it will be killed and re-created.' });
    }
  }
  const inSandbox = containers.filter((c) => c.sandboxId === sandbox.id);
  const latestHere = latestAttempts(inSandbox);
  const latestAnywhere = latestAttempts(containers);
  const nextAttempt = (name: string): number => (latestAnywhere.get(name)?.attempt ?? -1) + 1;

  // Init containers run one at a time, in order, each to success, before any app container.
  for (const init of pod.spec?.initContainers ?? []) {
    const c = latestHere.get(init.name);
    if (c === undefined) {
      starts.push({ container: init, attempt: nextAttempt(init.name), previous: latestAnywhere.get(init.name), isInit: true });
      return { createSandbox: false, sandbox, staleSandboxes: stale, starts, kills, initFailed: false };
    }
    if (c.state === 'running') return { createSandbox: false, sandbox, staleSandboxes: stale, starts, kills, initFailed: false };
    if (isExitedOk(c)) continue;
    if (restartPolicyOf(pod) === 'Never') {
      return { createSandbox: false, sandbox, staleSandboxes: stale, starts, kills, initFailed: true };
    }
    starts.push({ container: init, attempt: c.attempt + 1, previous: c, isInit: true });
    return { createSandbox: false, sandbox, staleSandboxes: stale, starts, kills, initFailed: false };
  }

  for (const spec of pod.spec?.containers ?? []) {
    const c = latestHere.get(spec.name);
    if (c === undefined) {
      starts.push({ container: spec, attempt: nextAttempt(spec.name), previous: latestAnywhere.get(spec.name), isInit: false });
      continue;
    }
    if (c.state === 'running') {
      if (c.annotations[inputs.hashAnnotation] !== inputs.specHash(spec)) {
        kills.push({ status: c, message: `Container ${spec.name} definition changed, will be restarted` });
        starts.push({ container: spec, attempt: c.attempt + 1, isInit: false });
      } else if (inputs.livenessFailed.has(c.id)) {
        kills.push({ status: c, message: inputs.livenessFailed.get(c.id) ?? `Container ${spec.name} failed liveness probe, will be restarted` });
        if (restartPolicyOf(pod) !== 'Never') starts.push({ container: spec, attempt: c.attempt + 1, isInit: false });
      }
      continue;
    }
    // Created but never started (a crash between create and start), or exited.
    if (c.state !== 'exited' || shouldRestart(pod, c)) {
      starts.push({ container: spec, attempt: c.attempt + 1, previous: c, isInit: false });
    }
  }
  return { createSandbox: false, sandbox, staleSandboxes: stale, starts, kills, initFailed: false };
}
