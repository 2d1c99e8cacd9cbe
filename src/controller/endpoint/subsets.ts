// The subsets of a Service's Endpoints (upstream endpoints controller syncService, RepackSubsets
// and truncateEndpoints): one address per pod and port set, ready pods in addresses, the others in
// notReadyAddresses, then regrouped so each distinct port set is one subset. Pure.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from 'kubernetes-types/core/v1.js';
import { findPort, isPodReady, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';

/** Upstream maxCapacity: more addresses than this are truncated and the Endpoints annotated. */
export const MAX_ENDPOINTS_CAPACITY = 1000;
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

export interface DesiredSubsets {
  readonly subsets: EndpointSubset[];
  /** More addresses than MAX_ENDPOINTS_CAPACITY were found (and some were left out). */
  readonly truncated: boolean;
}

interface Entry {
  readonly ports: EndpointPort[];
  readonly address: EndpointAddress;
  readonly ready: boolean;
}

export function desiredSubsets(service: Readonly<Service>, pods: readonly Readonly<Pod>[]): DesiredSubsets {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = podAddress(pod, service);
    if (address === undefined) continue;
    const ready = publishNotReady || isPodReady(pod);
    const servicePorts = service.spec?.ports ?? [];
    if (servicePorts.length === 0) {
      // Only a headless Service may have no ports: its DNS records need the addresses alone.
      if (service.spec?.clusterIP === 'None') entries.push({ ports: [], address, ready });
      continue;
    }
    for (const servicePort of servicePorts) {
      const port = findPort(pod, servicePort);
      // The pod lacks this named port: it serves the Service's other ports only.
      if (port === undefined) continue;
      const endpointPort: EndpointPort = { port, protocol: servicePort.protocol ?? 'TCP' };
      if (servicePort.name !== undefined && servicePort.name !== '') endpointPort.name = servicePort.name;
      if (servicePort.appProtocol !== undefined) endpointPort.appProtocol = servicePort.appProtocol;
      entries.push({ ports: [endpointPort], address, ready });
    }
  }
  return truncate(repack(entries));
}

/** The pod's address for the Service's IP family, or undefined if it has none of that family. */
function podAddress(pod: Readonly<Pod>, service: Readonly<Service>): EndpointAddress | undefined {
  const family = service.spec?.ipFamilies?.[0] ?? 'IPv4';
  const ip = podIPs(pod).find((candidate) => (family === 'IPv6') === candidate.includes(':'));
  if (ip === undefined) return undefined;
  const address: EndpointAddress = {
    ip,
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
  };
  if ((pod.spec?.nodeName ?? '') !== '') address.nodeName = pod.spec?.nodeName ?? '';
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec?.hostname ?? '';
  return address;
}

const portKey = (p: EndpointPort): string => `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;
const addressKey = (a: EndpointAddress): string => `${a.ip}/${a.targetRef?.uid ?? ''}`;

/**
 * Upstream RepackSubsets: the addresses that serve exactly the same ports form one subset; an
 * address ready for a port set is not also listed not-ready there. Addresses sorted by IP, ports
 * by name, subsets by their ports, so equal inputs give equal output.
 */
function repack(entries: readonly Entry[]): EndpointSubset[] {
  // Gather, per address, the ports it serves, then group addresses by that port set.
  const byAddress = new Map<string, { address: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const entry of entries) {
    const key = `${addressKey(entry.address)}/${entry.ready}`;
    const known = byAddress.get(key) ?? { address: entry.address, ready: entry.ready, ports: new Map<string, EndpointPort>() };
    for (const port of entry.ports) known.ports.set(portKey(port), port);
    byAddress.set(key, known);
  }
  const bySet = new Map<string, { ports: EndpointPort[]; ready: Map<string, EndpointAddress>; notReady: Map<string, EndpointAddress> }>();
  for (const { address, ready, ports } of byAddress.values()) {
    const sorted = [...ports.values()].sort(comparePorts);
    const setKey = sorted.map(portKey).join(',');
    const group = bySet.get(setKey) ?? { ports: sorted, ready: new Map(), notReady: new Map() };
    (ready ? group.ready : group.notReady).set(addressKey(address), address);
    bySet.set(setKey, group);
  }
  const subsets: EndpointSubset[] = [];
  for (const [, group] of [...bySet.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const key of group.ready.keys()) group.notReady.delete(key);
    const subset: EndpointSubset = {};
    if (group.ready.size > 0) subset.addresses = [...group.ready.values()].sort(compareAddresses);
    if (group.notReady.size > 0) subset.notReadyAddresses = [...group.notReady.values()].sort(compareAddresses);
    if (group.ports.length > 0) subset.ports = group.ports;
    subsets.push(subset);
  }
  return subsets;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port || (a.protocol ?? '').localeCompare(b.protocol ?? '');
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareIPs(a.ip, b.ip) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
}

/** IPv4 addresses in numeric order (10.0.0.9 before 10.0.0.10); others as text. */
function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4 && [...pa, ...pb].every((n) => Number.isInteger(n))) {
    for (let i = 0; i < 4; i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  return a.localeCompare(b);
}

/**
 * Upstream truncateEndpoints keeps at most MAX_ENDPOINTS_CAPACITY addresses, ready ones first, each
 * subset keeping a share proportional to its size.
 */
function truncate(subsets: EndpointSubset[]): DesiredSubsets {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= MAX_ENDPOINTS_CAPACITY) return { subsets, truncated: false };
  const readyTotal = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  // Ready addresses first: not-ready ones only fill what the ready ones leave.
  const readyBudget = Math.min(readyTotal, MAX_ENDPOINTS_CAPACITY);
  let notReadyBudget = MAX_ENDPOINTS_CAPACITY - readyBudget;
  let readyLeft = readyBudget;
  const notReadyTotal = total - readyTotal;
  const out: EndpointSubset[] = [];
  subsets.forEach((subset, i) => {
    const last = i === subsets.length - 1;
    const ready = subset.addresses ?? [];
    const notReady = subset.notReadyAddresses ?? [];
    const keepReady = last ? readyLeft : Math.min(readyLeft, Math.round((ready.length / Math.max(readyTotal, 1)) * readyBudget));
    readyLeft -= keepReady;
    const notReadyShare = notReadyTotal === 0 ? 0 : Math.round((notReady.length / notReadyTotal) * (MAX_ENDPOINTS_CAPACITY - readyBudget));
    const keepNotReady = last ? notReadyBudget : Math.min(notReadyBudget, notReadyShare);
    notReadyBudget -= keepNotReady;
    const kept: EndpointSubset = { ...subset };
    if (ready.length > 0) kept.addresses = ready.slice(0, keepReady);
    if (notReady.length > 0) kept.notReadyAddresses = notReady.slice(0, keepNotReady);
    if (kept.addresses?.length === 0) delete kept.addresses;
    if (kept.notReadyAddresses?.length === 0) delete kept.notReadyAddresses;
    if (kept.addresses !== undefined || kept.notReadyAddresses !== undefined) out.push(kept);
  });
  return { subsets: out, truncated: true };
}
