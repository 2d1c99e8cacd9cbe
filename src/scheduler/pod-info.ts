// What the scheduler derives from a pod once, so that filtering it against a thousand nodes and
// keeping node totals never re-parses quantities (upstream framework.PodInfo).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { type Amounts, nonZeroPodRequests, podRequests, requestsToCheck } from './resources.js';

export interface HostPort {
  readonly protocol: string;
  /** "0.0.0.0" when the port binds every address. */
  readonly ip: string;
  readonly port: number;
}

export interface PodInfo {
  readonly pod: Readonly<Pod>;
  /** namespace/name */
  readonly key: string;
  readonly uid: string;
  readonly requests: Amounts;
  /** The non-zero requests, in the order the fit filter checks them. */
  readonly checkedRequests: readonly (readonly [string, bigint])[];
  readonly nonZeroCpu: bigint;
  readonly nonZeroMemory: bigint;
  readonly hostPorts: readonly HostPort[];
  /** The uid of the controller (ownerReference with controller: true) that made the pod, if any. */
  readonly controllerUid: string | undefined;
}

export const WILDCARD_IP = '0.0.0.0';

export function podKey(pod: Readonly<Pod>): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Host ports of the containers that keep running: app containers and sidecars (upstream GetHostPorts). */
export function hostPortsOf(pod: Readonly<Pod>): HostPort[] {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  const out: HostPort[] = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      // On the host network every container port is a host port, whether or not the spec says so.
      const port = p.hostPort ?? (pod.spec?.hostNetwork === true ? p.containerPort : 0);
      if (port <= 0) continue;
      out.push({ protocol: p.protocol || 'TCP', ip: p.hostIP || WILDCARD_IP, port });
    }
  }
  return out;
}

export function controllerUidOf(pod: Readonly<Pod>): string | undefined {
  return pod.metadata?.ownerReferences?.find((ref) => ref.controller === true)?.uid;
}

export function newPodInfo(pod: Readonly<Pod>): PodInfo {
  const nonZero = nonZeroPodRequests(pod);
  const requests = podRequests(pod);
  return {
    pod,
    key: podKey(pod),
    uid: pod.metadata?.uid ?? '',
    requests,
    checkedRequests: requestsToCheck(requests),
    nonZeroCpu: nonZero.cpu,
    nonZeroMemory: nonZero.memory,
    hostPorts: hostPortsOf(pod),
    controllerUid: controllerUidOf(pod),
  };
}
