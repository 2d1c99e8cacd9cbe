// The pod's API status from what the runtime holds: the twin of the kubelet's generateAPIPodStatus
// and the status manager's bookkeeping (start time and transition times kept, statuses sorted,
// termination messages capped). A pure function: the worker gathers the view, calls this, and
// writes the result only when podStatusEqual says it changed.
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/runtime.js';
import { apiTime, applyProbes, capTerminationMessages, convertContainerStatuses } from './pod-status-containers.js';
import { podConditions } from './pod-status-conditions.js';
import { podPhase } from './pod-status-phase.js';
import { podQosClass } from './pod-status-qos.js';

export { podStatusEqual } from './pod-status-equal.js';
export { computeQosClass, podQosClass, type QosClass } from './pod-status-qos.js';
export { podPhase, type PodPhase } from './pod-status-phase.js';

export interface PodRuntimeView {
  /** The pod's newest sandbox, if any. */
  readonly sandbox?: SandboxStatus;
  /** Every attempt of every container of the pod the runtime holds. */
  readonly containers: readonly ContainerStatus[];
  /**
   * Why a container is waiting, by container name, when the worker knows better than
   * "ContainerCreating": ErrImagePull, ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError...
   */
  readonly waiting: ReadonlyMap<string, { reason: string; message?: string }>;
  /** Readiness probe results by container name (absent: no result yet). */
  readonly ready: ReadonlyMap<string, boolean>;
  /** Startup probe results by container name (absent: no result yet). */
  readonly started: ReadonlyMap<string, boolean>;
  readonly hostIP: string;
  readonly now: Date;
  /** Restart counts known beyond the attempts the runtime still holds. */
  readonly restartCounts?: ReadonlyMap<string, number>;
  /**
   * The worker stopped the pod for good (it will restart nothing): the phase becomes Succeeded or
   * Failed by the exit codes, whatever the restart policy. Upstream's podIsTerminal.
   */
  readonly terminal?: boolean;
  /** The pod is failed by the superlet itself (e.g. DeadlineExceeded): phase Failed with this reason. */
  readonly evict?: { reason: string; message: string };
  /** Scheme of container ids (`docker://<id>`); 'docker' when absent. */
  readonly runtimeName?: string;
}

function isTerminal(phase: string | undefined): phase is 'Succeeded' | 'Failed' {
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * `previous` is the status this superlet last computed for the pod (upstream's status manager
 * cache); without it, the pod's status in the API is the basis.
 */
export function computePodStatus(pod: Pod, view: PodRuntimeView, previous?: PodStatus): PodStatus {
  const apiStatus: PodStatus = pod.status ?? {};
  const old: PodStatus = previous ?? apiStatus;
  const spec = pod.spec ?? { containers: [] };
  const initContainers = spec.initContainers ?? [];
  const hasInitContainers = initContainers.length > 0;
  const now = apiTime(view.now) ?? new Date(0).toISOString();
  const common = {
    pod,
    runtime: view.containers,
    hasInitContainers,
    waiting: view.waiting,
    ...(view.restartCounts === undefined ? {} : { restartCounts: view.restartCounts }),
    runtimeName: view.runtimeName ?? 'docker',
  };
  const containerStatuses = convertContainerStatuses({ ...common, containers: spec.containers, previous: old.containerStatuses, isInit: false });
  const initContainerStatuses = convertContainerStatuses({ ...common, containers: initContainers, previous: old.initContainerStatuses, isInit: true });
  applyProbes(spec.containers, initContainers, containerStatuses, initContainerStatuses, view);
  capTerminationMessages(pod, containerStatuses, initContainerStatuses);

  const all = [...containerStatuses, ...initContainerStatuses];
  let phase = podPhase(pod, all, view.terminal === true);
  // A pod that reached a terminal phase stays there: the status last written or the API's.
  if (!isTerminal(phase)) {
    if (isTerminal(old.phase)) phase = old.phase;
    else if (isTerminal(apiStatus.phase)) phase = apiStatus.phase;
  }
  let reason: string | undefined;
  let message: string | undefined;
  if (phase === old.phase) {
    // The reason and message belong to the phase: kept while it lasts.
    reason = old.reason !== undefined && old.reason !== '' ? old.reason : apiStatus.reason;
    message = old.message !== undefined && old.message !== '' ? old.message : apiStatus.message;
  }
  if (view.evict !== undefined) {
    phase = 'Failed';
    reason = view.evict.reason;
    message = view.evict.message;
  }
  if (isTerminal(apiStatus.phase) && phase !== apiStatus.phase) phase = apiStatus.phase;

  const hostNetwork = spec.hostNetwork === true;
  const sandbox = view.sandbox;
  const sandboxReady = sandbox !== undefined && sandbox.state === 'ready';
  // A host-network pod has the node's address.
  const podIP = hostNetwork ? view.hostIP : sandboxReady ? sandbox.ip : '';

  const conditions = podConditions({
    spec,
    apiConditions: apiStatus.conditions ?? [],
    old,
    statuses: [...initContainerStatuses, ...containerStatuses],
    phase,
    sandboxReady: sandboxReady && (hostNetwork || sandbox.ip !== ''),
    now,
  });

  const startTime = old.startTime !== undefined && old.startTime !== null && old.startTime !== '' ? old.startTime : now;

  const status: PodStatus = {
    phase,
    conditions,
    ...(reason === undefined || reason === '' ? {} : { reason }),
    ...(message === undefined || message === '' ? {} : { message }),
    ...(view.hostIP === '' ? {} : { hostIP: view.hostIP, hostIPs: [{ ip: view.hostIP }] }),
    ...(podIP === '' ? {} : { podIP, podIPs: [{ ip: podIP }] }),
    startTime,
    ...(hasInitContainers ? { initContainerStatuses } : {}),
    containerStatuses,
    qosClass: podQosClass(pod),
  };
  // Fields this superlet does not manage (e.g. nominatedNodeName) stay as the API has them.
  if (apiStatus.nominatedNodeName !== undefined && apiStatus.nominatedNodeName !== '') status.nominatedNodeName = apiStatus.nominatedNodeName;
  if (apiStatus.resourceClaimStatuses !== undefined) status.resourceClaimStatuses = structuredClone(apiStatus.resourceClaimStatuses);
  return status;
}
