// What both endpoint controllers read off a pod and its Service (upstream
// pkg/controller/util/endpoint and podutil.FindPort): whether the pod belongs in the endpoints
// at all, which port a service port reaches on it, its hostname, and whether a pod change can
// change the endpoints. Pure functions over the API types.
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { isPodReady } from '../replicaset/pod-state.js';

export { isPodReady };

/** The pod's IPs: status.podIPs, or the single status.podIP of an older writer. */
export function podIPs(pod: Readonly<Pod>): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '');
  if (ips.length > 0) return ips;
  const ip = pod.status?.podIP;
  return ip === undefined || ip === '' ? [] : [ip];
}

/**
 * Upstream ShouldPodBeInEndpoints: a pod without an IP has nothing to offer; a terminating pod
 * only if asked (the Endpoints controller asks when publishNotReadyAddresses is set, the
 * EndpointSlice controller always, marking it terminating); a pod that has finished and will not
 * restart never comes back.
 */
export function shouldPodBeInEndpoints(pod: Readonly<Pod>, includeTerminating: boolean): boolean {
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp != null) return false;
  const phase = pod.status?.phase;
  switch (pod.spec?.restartPolicy) {
    case 'Never':
      return phase !== 'Failed' && phase !== 'Succeeded';
    case 'OnFailure':
      return phase !== 'Succeeded';
    default:
      return true;
  }
}

/**
 * The pod port a service port's targetPort reaches (upstream podutil.FindPort): a number is
 * taken as it is; a name is looked up among the containers' (and restartable init containers')
 * ports with the same protocol. Undefined when the pod has no such named port.
 */
export function findPort(pod: Readonly<Pod>, servicePort: Readonly<ServicePort>): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  // A numeric string is an int-or-string holding a number.
  if (/^[0-9]+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/**
 * Upstream ShouldSetHostname: a pod's spec.hostname is published only by a headless Service
 * named as the pod's subdomain, in its namespace (the pod's DNS name then resolves).
 */
export function shouldSetHostname(pod: Readonly<Pod>, service: Readonly<Service>): boolean {
  return (
    (pod.spec?.hostname ?? '') !== '' &&
    pod.spec?.subdomain === service.metadata?.name &&
    pod.metadata?.namespace === service.metadata?.namespace &&
    service.spec?.clusterIP === 'None'
  );
}

/** A headless Service: clusterIP None. */
export function isHeadless(service: Readonly<Service>): boolean {
  return service.spec?.clusterIP === 'None';
}

/**
 * Services this controller fills: a selector (an empty or missing one means the endpoints are
 * made by hand) and not ExternalName (a DNS alias has no pods).
 */
export function hasManagedEndpoints(service: Readonly<Service>): boolean {
  return service.spec?.type !== 'ExternalName' && Object.keys(service.spec?.selector ?? {}).length > 0;
}

/**
 * Upstream PodChanged, split in two: whether anything endpoints are made of changed (readiness,
 * deletion, IPs, node, hostname), and whether the labels (which Services select it) changed.
 */
export function podEndpointsChanged(oldPod: Readonly<Pod>, newPod: Readonly<Pod>): { endpointsChanged: boolean; labelsChanged: boolean } {
  const labelsChanged = !sameStringMap(oldPod.metadata?.labels, newPod.metadata?.labels);
  const endpointsChanged =
    isPodReady(oldPod) !== isPodReady(newPod) ||
    (oldPod.metadata?.deletionTimestamp == null) !== (newPod.metadata?.deletionTimestamp == null) ||
    podIPs(oldPod).join(',') !== podIPs(newPod).join(',') ||
    (oldPod.spec?.nodeName ?? '') !== (newPod.spec?.nodeName ?? '') ||
    (oldPod.spec?.hostname ?? '') !== (newPod.spec?.hostname ?? '') ||
    (oldPod.spec?.subdomain ?? '') !== (newPod.spec?.subdomain ?? '') ||
    oldPod.status?.phase !== newPod.status?.phase ||
    // A named port's number is read from the spec (fixed after creation, but cheap to check).
    JSON.stringify(oldPod.spec?.containers?.map((c) => c.ports ?? [])) !== JSON.stringify(newPod.spec?.containers?.map((c) => c.ports ?? []));
  return { endpointsChanged, labelsChanged };
}

export function sameStringMap(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b ?? {});
  return ak.length === bk.length && ak.every((k) => (a ?? {})[k] === (b ?? {})[k]);
}
