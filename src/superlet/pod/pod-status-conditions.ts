// The pod conditions the kubelet owns: PodReadyToStartContainers, Initialized, Ready,
// ContainersReady and PodScheduled, with upstream's reasons and messages (pkg/kubelet/status/
// generate.go), and lastTransitionTime kept until the condition's status changes (the status
// manager's updateLastTransitionTime).
import type { ContainerStatus as ApiContainerStatus, PodCondition, PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';
import { isRestartableInit } from './pod-status-containers.js';
import { anyRegularContainerStarted, type PodPhase } from './pod-status-phase.js';

export const UNKNOWN_CONTAINER_STATUSES = 'UnknownContainerStatuses';
export const POD_COMPLETED = 'PodCompleted';
export const POD_FAILED = 'PodFailed';
export const CONTAINERS_NOT_READY = 'ContainersNotReady';
export const CONTAINERS_NOT_INITIALIZED = 'ContainersNotInitialized';
export const READINESS_GATES_NOT_READY = 'ReadinessGatesNotReady';

/** Condition types the kubelet generates afresh on every status; all others are kept as they are. */
export const KUBELET_CONDITIONS: ReadonlySet<string> = new Set([
  'PodScheduled',
  'Ready',
  'Initialized',
  'ContainersReady',
  'PodReadyToStartContainers',
]);

type Condition = Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>;

/** Go's `%s` of a []string: `[a b]`. */
function goList(names: readonly string[]): string {
  return `[${names.join(' ')}]`;
}

function statusOf(statuses: readonly ApiContainerStatus[], name: string): ApiContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

function withOptional(condition: { type: string; status: string; reason?: string; message?: string }): Condition {
  return {
    type: condition.type,
    status: condition.status,
    ...(condition.reason === undefined || condition.reason === '' ? {} : { reason: condition.reason }),
    ...(condition.message === undefined || condition.message === '' ? {} : { message: condition.message }),
  };
}

function terminalContainersReady(phase: PodPhase): Condition {
  return withOptional({ type: 'ContainersReady', status: 'False', reason: phase === 'Failed' ? POD_FAILED : POD_COMPLETED });
}

export function containersReadyCondition(spec: PodSpec, statuses: readonly ApiContainerStatus[], phase: PodPhase): Condition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const consider = [...(spec.initContainers ?? []).filter(isRestartableInit), ...spec.containers];
  for (const container of consider) {
    const status = statusOf(statuses, container.name);
    if (status === undefined) unknown.push(container.name);
    else if (!status.ready) unready.push(container.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return terminalContainersReady(phase);
  // Containers of a failed pod may still be stopping: never ready.
  if (phase === 'Failed') return terminalContainersReady(phase);
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length > 0) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length > 0) {
    return withOptional({ type: 'ContainersReady', status: 'False', reason: CONTAINERS_NOT_READY, message: messages.join(', ') });
  }
  return { type: 'ContainersReady', status: 'True' };
}

export function podReadyCondition(
  spec: PodSpec,
  conditions: readonly Condition[],
  statuses: readonly ApiContainerStatus[],
  phase: PodPhase,
): Condition {
  const containersReady = containersReadyCondition(spec, statuses, phase);
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const messages: string[] = [];
  for (const gate of spec.readinessGates ?? []) {
    const found = conditions.find((c) => c.type === gate.conditionType);
    if (found === undefined) {
      messages.push(`corresponding condition of pod readiness gate ${JSON.stringify(gate.conditionType)} does not exist.`);
    } else if (found.status !== 'True') {
      messages.push(`the status of pod readiness gate ${JSON.stringify(gate.conditionType)} is not "True", but ${found.status}`);
    }
  }
  if (messages.length > 0) {
    return withOptional({ type: 'Ready', status: 'False', reason: READINESS_GATES_NOT_READY, message: messages.join(', ') });
  }
  return { type: 'Ready', status: 'True' };
}

export function initializedCondition(spec: PodSpec, statuses: readonly ApiContainerStatus[], phase: PodPhase): Condition {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const container of spec.initContainers ?? []) {
    const status = statusOf(statuses, container.name);
    if (status === undefined) {
      unknown.push(container.name);
      continue;
    }
    // A sidecar counts once started; a regular init container once it completed (ready).
    const done = isRestartableInit(container) ? status.started === true : status.ready;
    if (!done) incomplete.push(container.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) {
    return { type: 'Initialized', status: 'True', reason: POD_COMPLETED };
  }
  // A regular container ran: the pod was initialized, even if sidecars restart now.
  if (anyRegularContainerStarted(spec, statuses)) return { type: 'Initialized', status: 'True' };
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length > 0) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (messages.length > 0) {
    return withOptional({ type: 'Initialized', status: 'False', reason: CONTAINERS_NOT_INITIALIZED, message: messages.join(', ') });
  }
  return { type: 'Initialized', status: 'True' };
}

/** True once the pod has a ready sandbox with its network (upstream: no new sandbox is needed). */
export function readyToStartContainersCondition(sandboxReady: boolean): Condition {
  return { type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' };
}

export interface ConditionsInput {
  readonly spec: PodSpec;
  /** Conditions on the pod in the API (kept unless the kubelet owns them). */
  readonly apiConditions: readonly PodCondition[];
  /** The status last reported (for DisruptionTarget and transition times). */
  readonly old: PodStatus;
  readonly statuses: readonly ApiContainerStatus[];
  readonly phase: PodPhase;
  readonly sandboxReady: boolean;
  /** RFC 3339 (seconds) time of this computation. */
  readonly now: string;
}

/** Every condition of the new status, in upstream's order, with transition times set. */
export function podConditions(input: ConditionsInput): PodCondition[] {
  const conditions: Condition[] = input.apiConditions.filter((c) => !KUBELET_CONDITIONS.has(c.type)).map((c) => structuredClone(c));
  // Disruption conditions are one-time events recorded by the eviction paths: carried over, not regenerated.
  const disruption = input.old.conditions?.find((c) => c.type === 'DisruptionTarget');
  if (disruption !== undefined) {
    const index = conditions.findIndex((c) => c.type === 'DisruptionTarget');
    if (index >= 0) conditions[index] = structuredClone(disruption);
    else conditions.push(structuredClone(disruption));
  }
  conditions.push(readyToStartContainersCondition(input.sandboxReady));
  conditions.push(initializedCondition(input.spec, input.statuses, input.phase));
  conditions.push(podReadyCondition(input.spec, conditions, input.statuses, input.phase));
  conditions.push(containersReadyCondition(input.spec, input.statuses, input.phase));
  conditions.push({ type: 'PodScheduled', status: 'True' });

  return conditions.map((condition) => {
    if (!KUBELET_CONDITIONS.has(condition.type)) return condition;
    const old = input.old.conditions?.find((c) => c.type === condition.type);
    const keep = old !== undefined && old.status === condition.status;
    const lastTransitionTime = keep ? old.lastTransitionTime : input.now;
    return { ...condition, ...(lastTransitionTime === undefined || lastTransitionTime === null ? {} : { lastTransitionTime }) };
  });
}
