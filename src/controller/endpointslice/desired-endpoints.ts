// The endpoints a Service should have, as EndpointSlices hold them (upstream endpointslice
// podToEndpoint and getEndpointPorts): per address type, the pods grouped by the ports they
// serve (one slice holds one port set). Terminating pods stay, marked terminating, so proxies can
// drain them. Pure.
import type { EndpointPort, Endpoint } from 'kubernetes-types/discovery/v1.js';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import { findPort, isPodReady, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from '../endpoint/pod-endpoints.js';

export type AddressType = 'IPv4' | 'IPv6';

/** The endpoints of one port set. */
export interface PortSetEndpoints {
  readonly ports: EndpointPort[];
  /** Keyed by endpointKey: one endpoint per pod. */
  readonly endpoints: Map<string, Endpoint>;
}

export const TOPOLOGY_ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Upstream getAddressTypesForService, for a Service whose IP families are set (our API server defaults them). */
export function addressTypesOf(service: Readonly<Service>): AddressType[] {
  const families = (service.spec?.ipFamilies ?? []).filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  return families.length > 0 ? families : ['IPv4'];
}

/** The port set's identity: the same ports in any order are the same set. */
export function portSetKey(ports: readonly EndpointPort[]): string {
  return ports
    .map((p) => `${p.name ?? ''}/${p.port ?? ''}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
}

/** One endpoint per pod: keyed by the pod's uid (or its first address for one without a target). */
export function endpointKey(endpoint: Readonly<Endpoint>): string {
  return endpoint.targetRef?.uid ?? endpoint.addresses[0] ?? '';
}

export function desiredEndpoints(
  service: Readonly<Service>,
  pods: readonly Readonly<Pod>[],
  addressType: AddressType,
  nodeOf: (name: string) => Readonly<Node> | undefined,
): Map<string, PortSetEndpoints> {
  const byPortSet = new Map<string, PortSetEndpoints>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const addresses = podIPs(pod).filter((ip) => (addressType === 'IPv6') === ip.includes(':'));
    if (addresses.length === 0) continue;
    const ports = endpointPorts(service, pod);
    const key = portSetKey(ports);
    const set = byPortSet.get(key) ?? { ports, endpoints: new Map<string, Endpoint>() };
    const endpoint = podToEndpoint(pod, service, addresses, nodeOf);
    set.endpoints.set(endpointKey(endpoint), endpoint);
    byPortSet.set(key, set);
  }
  return byPortSet;
}

/** The pod's ports for the Service's ports; a named target port the pod lacks is left out. */
function endpointPorts(service: Readonly<Service>, pod: Readonly<Pod>): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    const endpointPort: EndpointPort = { name: servicePort.name ?? '', port, protocol: servicePort.protocol ?? 'TCP' };
    if (servicePort.appProtocol !== undefined) endpointPort.appProtocol = servicePort.appProtocol;
    ports.push(endpointPort);
  }
  return ports;
}

function podToEndpoint(pod: Readonly<Pod>, service: Readonly<Service>, addresses: string[], nodeOf: (name: string) => Readonly<Node> | undefined): Endpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata?.deletionTimestamp != null;
  // For compatibility, ready is never true for a terminating pod unless not-ready ones are published.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const endpoint: Endpoint = {
    addresses,
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
  };
  const nodeName = pod.spec?.nodeName ?? '';
  if (nodeName !== '') {
    endpoint.nodeName = nodeName;
    const zone = nodeOf(nodeName)?.metadata?.labels?.[TOPOLOGY_ZONE_LABEL];
    if (zone !== undefined && zone !== '') endpoint.zone = zone;
  }
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec?.hostname ?? '';
  return endpoint;
}
