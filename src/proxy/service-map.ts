// What the rules are made of: every port of every Service with a ClusterIP, joined with the
// endpoints its EndpointSlices list for that port, as kube-proxy's ServicePortMap and
// EndpointsMap. Pure: the proxy's informers hand in what they hold.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServiceEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly nodeName?: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
}

export interface ServicePort {
  /** "namespace/service:port-name" (":" alone for an unnamed port), as kube-proxy names it. */
  readonly name: string;
  readonly clusterIP: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly nodePort?: number;
  /** sessionAffinity: ClientIP, and for how long. */
  readonly affinitySeconds?: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** The endpoints traffic may go to (see usableEndpoints), sorted for stable rules. */
  readonly endpoints: ServiceEndpoint[];
}

/** The label an EndpointSlice names its Service by. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const DEFAULT_AFFINITY_SECONDS = 10_800;

/** Ready endpoints; when none is ready, the serving ones that terminate (upstream's ProxyTerminatingEndpoints). */
export function usableEndpoints(all: readonly ServiceEndpoint[]): ServiceEndpoint[] {
  const ready = all.filter((e) => e.ready);
  if (ready.length > 0) return ready;
  return all.filter((e) => e.serving && e.terminating);
}

/** Whether the proxy does anything for this Service: headless and ExternalName Services are DNS only. */
export function isProxied(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return svc.spec?.type !== 'ExternalName' && ip !== undefined && ip !== '' && ip !== 'None';
}

function endpointsFor(slices: readonly EndpointSlice[], portName: string, protocol: Protocol): ServiceEndpoint[] {
  const seen = new Map<string, ServiceEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints) {
      const ip = endpoint.addresses[0];
      if (ip === undefined) continue;
      const conditions = endpoint.conditions ?? {};
      // Unset conditions mean "unknown", which upstream treats as ready (and serving as ready).
      const ready = conditions.ready ?? true;
      const found: ServiceEndpoint = {
        ip,
        port: slicePort.port,
        ...(endpoint.nodeName === undefined ? {} : { nodeName: endpoint.nodeName }),
        ready,
        serving: conditions.serving ?? ready,
        terminating: conditions.terminating ?? false,
      };
      const key = `${ip}:${slicePort.port}`;
      // The same address in two slices (during a controller's move): the ready view wins.
      const known = seen.get(key);
      if (known === undefined || (!known.ready && found.ready)) seen.set(key, found);
    }
  }
  return [...seen.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

/** Every proxied service port, with its endpoints, sorted by name. */
export function buildServicePorts(services: readonly Service[], slices: readonly EndpointSlice[]): ServicePort[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (service === undefined) continue;
    const key = `${slice.metadata?.namespace ?? ''}/${service}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  const out: ServicePort[] = [];
  for (const svc of services) {
    if (!isProxied(svc)) continue;
    const spec = svc.spec ?? {};
    const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    const serviceSlices = slicesByService.get(key) ?? [];
    const affinity = spec.sessionAffinity === 'ClientIP'
      ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS
      : undefined;
    const hasNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    for (const port of spec.ports ?? []) {
      const protocol = (port.protocol ?? 'TCP') as Protocol;
      const portName = port.name ?? '';
      out.push({
        name: `${key}:${portName}`,
        clusterIP: spec.clusterIP ?? '',
        port: port.port,
        protocol,
        ...(hasNodePorts && port.nodePort !== undefined && port.nodePort > 0 ? { nodePort: port.nodePort } : {}),
        ...(affinity === undefined ? {} : { affinitySeconds: affinity }),
        externalPolicyLocal: hasNodePorts && spec.externalTrafficPolicy === 'Local',
        internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
        endpoints: endpointsFor(serviceSlices, portName, protocol),
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : 1));
}
