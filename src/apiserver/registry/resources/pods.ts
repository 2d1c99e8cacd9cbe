// Pods: Kubernetes' defaults, the checks that matter most, spec immutability, graceful deletion
// (a pod on a node is stopped by its superlet before it goes), and kubectl's columns.
import type { FieldCause } from '../../../api/api-errors.js';
import type { KubeObject, ResourceStrategy, TableColumn } from '../resource.js';
import { AGE_COLUMN, ageOf, column, field, list, NAME_COLUMN, nameOf, num, str } from './columns.js';
import { defaultPodSpec, validatePodSpec } from './pod-spec.js';

export const podColumns: TableColumn[] = [
  NAME_COLUMN,
  column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE_COLUMN,
  column('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 'string', 1),
  column('Node', 'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.', 'string', 1),
  column('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 'string', 1),
  column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 'string', 1),
];

/** The STATUS column: the most telling reason, as kubectl's printPod works it out. */
export function podStatusReason(pod: KubeObject): string {
  let reason = str(field(pod, 'status', 'reason')) || str(field(pod, 'status', 'phase')) || 'Pending';
  const init = list(field(pod, 'status', 'initContainerStatuses'));
  const initCount = list(field(pod, 'spec', 'initContainers')).length;
  let initializing = false;
  init.forEach((status, i) => {
    const terminated = field(status, 'state', 'terminated');
    const waiting = field(status, 'state', 'waiting');
    if (terminated !== undefined && num(field(terminated, 'exitCode')) === 0) return;
    initializing = true;
    if (terminated !== undefined) reason = `Init:${str(field(terminated, 'reason')) || `ExitCode:${num(field(terminated, 'exitCode'))}`}`;
    else if (waiting !== undefined && str(field(waiting, 'reason')) !== '' && str(field(waiting, 'reason')) !== 'PodInitializing') {
      reason = `Init:${str(field(waiting, 'reason'))}`;
    } else reason = `Init:${i}/${initCount}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses = list(field(pod, 'status', 'containerStatuses'));
    for (let i = statuses.length - 1; i >= 0; i--) {
      const status = statuses[i];
      const waiting = str(field(status, 'state', 'waiting', 'reason'));
      const terminated = field(status, 'state', 'terminated');
      if (waiting !== '') reason = waiting;
      else if (terminated !== undefined) {
        reason = str(field(terminated, 'reason')) || `ExitCode:${num(field(terminated, 'exitCode'))}`;
      } else if (field(status, 'ready') === true && field(status, 'state', 'running') !== undefined) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (pod.metadata?.deletionTimestamp !== undefined) reason = str(field(pod, 'status', 'reason')) === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podCells(pod: KubeObject): unknown[] {
  const statuses = list(field(pod, 'status', 'containerStatuses'));
  const total = list(field(pod, 'spec', 'containers')).length;
  const ready = statuses.filter((s) => field(s, 'ready') === true).length;
  const restarts = statuses.reduce<number>((sum, s) => sum + num(field(s, 'restartCount')), 0);
  const gates = list(field(pod, 'spec', 'readinessGates'));
  return [
    nameOf(pod),
    `${ready}/${total}`,
    podStatusReason(pod),
    String(restarts),
    ageOf(pod),
    str(field(pod, 'status', 'podIP')) || '<none>',
    str(field(pod, 'spec', 'nodeName')) || '<none>',
    str(field(pod, 'status', 'nominatedNodeName')) || '<none>',
    gates.length === 0 ? '<none>' : `0/${gates.length}`,
  ];
}

const MUTABLE_ON_UPDATE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** A pod's spec is immutable but for images, activeDeadlineSeconds, added tolerations and (via binding) nodeName. */
function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldCause[] {
  const strip = (o: KubeObject): string => {
    const spec = structuredClone((o.spec ?? {}) as Record<string, unknown>);
    for (const key of ['containers', 'initContainers'] as const) {
      for (const c of list(spec[key])) if (c !== null && typeof c === 'object') delete (c as Record<string, unknown>).image;
    }
    delete spec.activeDeadlineSeconds;
    delete spec.tolerations;
    delete spec.terminationGracePeriodSeconds;
    return JSON.stringify(spec);
  };
  if (strip(pod) === strip(old)) return [];
  return [{ reason: 'FieldValueForbidden', field: 'spec', message: `spec: Forbidden: ${MUTABLE_ON_UPDATE}` }];
}

export const podStrategy: ResourceStrategy = {
  defaults: (pod) => {
    pod.spec = defaultPodSpec(pod.spec);
    if (pod.status === undefined) pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
  },
  validate: (pod) => validatePodSpec(pod.spec, 'spec'),
  validateUpdate: validatePodUpdate,
  cells: podCells,
  gracePeriod: (pod, requested) => {
    const phase = str(field(pod, 'status', 'phase'));
    // Not on a node yet, or finished: nothing to stop, so it goes at once.
    if (str(field(pod, 'spec', 'nodeName')) === '' || phase === 'Succeeded' || phase === 'Failed') return 0;
    return Math.max(0, requested ?? num(field(pod, 'spec', 'terminationGracePeriodSeconds'), 30));
  },
  fields: (pod) => ({
    'spec.nodeName': str(field(pod, 'spec', 'nodeName')),
    'spec.restartPolicy': str(field(pod, 'spec', 'restartPolicy')),
    'spec.schedulerName': str(field(pod, 'spec', 'schedulerName')),
    'spec.serviceAccountName': str(field(pod, 'spec', 'serviceAccountName')),
    'spec.hostNetwork': String(field(pod, 'spec', 'hostNetwork') === true),
    'status.phase': str(field(pod, 'status', 'phase')),
    'status.podIP': str(field(pod, 'status', 'podIP')),
    'status.nominatedNodeName': str(field(pod, 'status', 'nominatedNodeName')),
  }),
};

/** Guaranteed when every container's requests equal its limits, BestEffort with none, else Burstable. */
export function qosClass(pod: KubeObject): string {
  const containers = [...list(field(pod, 'spec', 'containers')), ...list(field(pod, 'spec', 'initContainers'))];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = (field(c, 'resources', 'requests') ?? {}) as Record<string, unknown>;
    const limits = (field(c, 'resources', 'limits') ?? {}) as Record<string, unknown>;
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const resource of ['cpu', 'memory']) {
      if (limits[resource] === undefined || (requests[resource] !== undefined && requests[resource] !== limits[resource])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
