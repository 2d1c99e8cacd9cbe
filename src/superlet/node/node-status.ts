// The Node object the superlet owns, as pure functions: its labels, and its status (capacity,
// allocatable, addresses, conditions, nodeInfo, daemon endpoints) in the kubelet's words, so
// `kubectl get/describe nodes` reads as it does on a Kubernetes cluster. The twin of the
// kubelet's initialNode and node status setters (pkg/kubelet/nodestatus).
import type { Node, NodeCondition, NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import { Quantity } from '../../api/quantity.js';
import type { Runtime } from '../runtime/runtime.js';
import type { HostIds } from './host-info.js';

/** The version this superlet reports (kubectl's VERSION column). */
export const SUPERLET_VERSION = 'v1.30.0-supernetes';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_OS = 'kubernetes.io/os';
export const LABEL_ARCH = 'kubernetes.io/arch';
export const LABEL_INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
const LABEL_BETA_OS = 'beta.kubernetes.io/os';
const LABEL_BETA_ARCH = 'beta.kubernetes.io/arch';

/** Labels the kubelet reconciles on an existing node: set to its value, or removed when it has none. */
export const DEFAULT_LABELS: readonly string[] = [LABEL_HOSTNAME, LABEL_OS, LABEL_ARCH, LABEL_BETA_OS, LABEL_BETA_ARCH, LABEL_INSTANCE_TYPE];

export type MachineInfo = Awaited<ReturnType<Runtime['machineInfo']>>;

export interface NodeFacts {
  readonly nodeName: string;
  readonly address: string;
  readonly port: number;
  readonly machine: MachineInfo;
  readonly hostIds: HostIds;
  /** `docker://20.10.24`; the runtime answered its health check when `runtimeReady`. */
  readonly containerRuntimeVersion: string;
  readonly runtimeReady: boolean;
  readonly maxPods: number;
  readonly reservedCpuMillis: number;
  readonly reservedMemoryBytes: number;
  /** Size of the root filesystem, when known. */
  readonly ephemeralStorageBytes?: number;
}

/** Go's GOARCH naming, as the kubernetes.io/arch label uses it. */
export function goArch(architecture: string): string {
  const map: Record<string, string> = { x64: 'amd64', x86_64: 'amd64', ia32: '386', aarch64: 'arm64', arm64: 'arm64', arm: 'arm' };
  return map[architecture] ?? architecture;
}

/** The labels the node should carry: the kubelet's defaults, then those configured for it. */
export function nodeLabels(nodeName: string, machine: MachineInfo, configured: Readonly<Record<string, string>> = {}): Record<string, string> {
  const os = machine.os === '' ? 'linux' : machine.os;
  const arch = goArch(machine.architecture);
  return {
    [LABEL_BETA_ARCH]: arch,
    [LABEL_BETA_OS]: os,
    [LABEL_ARCH]: arch,
    [LABEL_HOSTNAME]: nodeName.toLowerCase(),
    [LABEL_OS]: os,
    ...configured,
  };
}

/**
 * The merge patch of labels that adopts an existing node (upstream updateDefaultLabels, plus the
 * configured labels): null removes a default label the node should not have. Undefined when the
 * node's labels are already right.
 */
export function labelPatch(
  existing: Readonly<Record<string, string>> | undefined,
  wanted: Readonly<Record<string, string>>,
): Record<string, string | null> | undefined {
  const patch: Record<string, string | null> = {};
  for (const key of DEFAULT_LABELS) {
    if (wanted[key] === undefined && existing?.[key] !== undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(wanted)) {
    if (existing?.[key] !== value) patch[key] = value;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

function binary(bytes: number): string {
  return Quantity.fromValue(Math.max(0, Math.floor(bytes)), 'BinarySI').toString();
}

function milliCpu(millis: number): string {
  return Quantity.fromMilli(Math.max(0, Math.floor(millis)), 'DecimalSI').toString();
}

export function capacityOf(facts: NodeFacts): Record<string, string> {
  return {
    cpu: milliCpu(facts.machine.cpuCores * 1000),
    ...(facts.ephemeralStorageBytes === undefined ? {} : { 'ephemeral-storage': binary(facts.ephemeralStorageBytes) }),
    memory: binary(facts.machine.memoryBytes),
    pods: String(facts.maxPods),
  };
}

export function allocatableOf(facts: NodeFacts): Record<string, string> {
  return {
    cpu: milliCpu(facts.machine.cpuCores * 1000 - facts.reservedCpuMillis),
    ...(facts.ephemeralStorageBytes === undefined ? {} : { 'ephemeral-storage': binary(facts.ephemeralStorageBytes) }),
    memory: binary(facts.machine.memoryBytes - facts.reservedMemoryBytes),
    pods: String(facts.maxPods),
  };
}

interface OwnCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** The conditions the superlet owns, in the kubelet's order and wording. */
function ownConditions(facts: NodeFacts): OwnCondition[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    facts.runtimeReady
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' },
  ];
}

/** metav1.Time: RFC 3339 at second precision. */
export function apiTime(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Conditions with every owned one heartbeating at `now`; lastTransitionTime moves only when a
 * condition's status changes. Conditions others own (e.g. NetworkUnavailable) stay as they are.
 */
export function nodeConditions(existing: readonly NodeCondition[] | undefined, facts: NodeFacts, now: Date): NodeCondition[] {
  const at = apiTime(now);
  const result: NodeCondition[] = (existing ?? []).map((c) => structuredClone(c));
  for (const own of ownConditions(facts)) {
    const index = result.findIndex((c) => c.type === own.type);
    const previous = index >= 0 ? result[index] : undefined;
    const transitioned = previous === undefined || previous.status !== own.status || previous.lastTransitionTime === undefined;
    const condition: NodeCondition = {
      ...own,
      lastHeartbeatTime: at,
      lastTransitionTime: transitioned ? at : previous.lastTransitionTime,
    };
    if (index >= 0) result[index] = condition;
    else result.push(condition);
  }
  return result;
}

/** The status the node should report now, built on the one the API server holds. */
export function desiredNodeStatus(existing: NodeStatus | undefined, facts: NodeFacts, now: Date): NodeStatus {
  const status: NodeStatus = {
    ...structuredClone(existing ?? {}),
    capacity: capacityOf(facts),
    allocatable: allocatableOf(facts),
    conditions: nodeConditions(existing?.conditions, facts, now),
    addresses: [
      { type: 'InternalIP', address: facts.address },
      { type: 'Hostname', address: facts.nodeName.toLowerCase() },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.port } },
    nodeInfo: {
      machineID: facts.hostIds.machineID,
      systemUUID: facts.hostIds.systemUUID,
      bootID: facts.hostIds.bootID,
      kernelVersion: facts.machine.kernelVersion,
      osImage: facts.machine.osImage,
      containerRuntimeVersion: facts.containerRuntimeVersion,
      kubeletVersion: SUPERLET_VERSION,
      kubeProxyVersion: SUPERLET_VERSION,
      operatingSystem: facts.machine.os === '' ? 'linux' : facts.machine.os,
      architecture: goArch(facts.machine.architecture),
    },
  };
  return status;
}

function withoutHeartbeats(status: NodeStatus | undefined): string {
  const copy = structuredClone(status ?? {});
  for (const condition of copy.conditions ?? []) delete condition.lastHeartbeatTime;
  return stableJson(copy);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Upstream nodeStatusHasChanged: anything but the heartbeat times differs. */
export function nodeStatusChanged(before: NodeStatus | undefined, after: NodeStatus): boolean {
  return withoutHeartbeats(before) !== withoutHeartbeats(after);
}

/** A new Node object for registration (status is written separately, through nodes/status). */
export function initialNode(nodeName: string, labels: Record<string, string>, taints: readonly Taint[] | undefined): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: nodeName, labels },
    spec: taints === undefined || taints.length === 0 ? {} : { taints: taints.map((t) => ({ ...t })) },
  };
}
