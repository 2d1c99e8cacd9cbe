// Helpers for the endpoint controllers' tests against the in-process API server: Services, pods
// whose status a test writes as a superlet would (IP, Ready), and waits on Endpoints and slices.
import type { Endpoints as EndpointsObject, Namespace, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isNotFound } from '../../../src/client/client-errors.js';
import { Endpoints, EndpointSlices, Namespaces, Pods, Services } from '../../../src/client/resource-types.js';
import type { RestClient } from '../../../src/client/rest-client.js';
import { waitFor } from '../../support/wait.js';

export async function createNamespace(client: RestClient, name: string): Promise<void> {
  await client.create<Namespace>(Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export interface ServiceOptions {
  readonly selector?: Record<string, string>;
  readonly ports?: ServicePort[];
  readonly headless?: boolean;
  readonly publishNotReadyAddresses?: boolean;
  readonly labels?: Record<string, string>;
}

export async function createService(client: RestClient, namespace: string, name: string, options: ServiceOptions = {}): Promise<Service> {
  return client.create<Service>(Services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, ...(options.labels !== undefined ? { labels: options.labels } : {}) },
    spec: {
      ...(options.selector !== undefined ? { selector: options.selector } : {}),
      ports: options.ports ?? [{ name: 'http', port: 80, targetPort: 'http' }],
      ...(options.headless === true ? { clusterIP: 'None' } : {}),
      ...(options.publishNotReadyAddresses === true ? { publishNotReadyAddresses: true } : {}),
    },
  });
}

export interface PodOptions {
  readonly labels: Record<string, string>;
  /** Container ports by name (default http: 8080). */
  readonly ports?: Record<string, number>;
  readonly nodeName?: string;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly finalizers?: string[];
}

export async function createPod(client: RestClient, namespace: string, name: string, options: PodOptions): Promise<Pod> {
  const ports = Object.entries(options.ports ?? { http: 8080 }).map(([portName, containerPort]) => ({ name: portName, containerPort }));
  return client.create<Pod>(Pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: options.labels, ...(options.finalizers !== undefined ? { finalizers: options.finalizers } : {}) },
    spec: {
      containers: [{ name: 'main', image: 'supernetes.local/busybox:latest', ports }],
      ...(options.nodeName !== undefined ? { nodeName: options.nodeName } : {}),
      ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
      ...(options.subdomain !== undefined ? { subdomain: options.subdomain } : {}),
    },
  });
}

/** Writes the pod's IP and Ready condition through pods/status, as a superlet would. */
export async function setPodReady(client: RestClient, namespace: string, name: string, ip: string, ready: boolean): Promise<Pod> {
  const fresh = await client.get<Pod>(Pods, name, namespace);
  return client.update<Pod>(
    Pods,
    {
      ...fresh,
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
      },
    },
    { subresource: 'status' },
  );
}

export async function getEndpoints(client: RestClient, namespace: string, name: string): Promise<EndpointsObject | undefined> {
  try {
    return await client.get<EndpointsObject>(Endpoints, name, namespace);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function waitForEndpoints(client: RestClient, namespace: string, name: string, test: (ep: EndpointsObject) => boolean, what: string): Promise<EndpointsObject> {
  let last: EndpointsObject | undefined;
  return waitFor(
    async () => {
      last = await getEndpoints(client, namespace, name);
      return last !== undefined && test(last) ? last : undefined;
    },
    { what: `Endpoints ${namespace}/${name}: ${what} (last seen: ${JSON.stringify(last?.subsets)})`, timeoutMs: 15_000, intervalMs: 50 },
  );
}

/** "ip:port" of the ready addresses, and of the not-ready ones, each sorted. */
export function addressesOf(ep: EndpointsObject): { ready: string[]; notReady: string[] } {
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const subset of ep.subsets ?? []) {
    const ports = (subset.ports ?? []).map((p) => `${p.name ?? ''}=${p.port}`);
    for (const a of subset.addresses ?? []) for (const p of ports.length > 0 ? ports : ['']) ready.push(`${a.ip}:${p}`);
    for (const a of subset.notReadyAddresses ?? []) for (const p of ports.length > 0 ? ports : ['']) notReady.push(`${a.ip}:${p}`);
  }
  return { ready: ready.sort(), notReady: notReady.sort() };
}

export async function slicesOf(client: RestClient, namespace: string, service: string): Promise<EndpointSlice[]> {
  const list = await client.list<EndpointSlice>(EndpointSlices, { namespace, labelSelector: `kubernetes.io/service-name=${service}` });
  return list.items;
}

export async function waitForSlices(client: RestClient, namespace: string, service: string, test: (slices: EndpointSlice[]) => boolean, what: string): Promise<EndpointSlice[]> {
  let last: EndpointSlice[] = [];
  return waitFor(
    async () => {
      last = await slicesOf(client, namespace, service);
      return test(last) ? last : undefined;
    },
    { what: `EndpointSlices of ${namespace}/${service}: ${what} (last seen: ${JSON.stringify(last.map((s) => s.endpoints))})`, timeoutMs: 15_000, intervalMs: 50 },
  );
}

/** Every endpoint of the slices as "ip ready/serving/terminating", sorted. */
export function sliceEndpoints(slices: readonly EndpointSlice[]): string[] {
  return slices
    .flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses.join(',')} ${e.conditions?.ready === true ? 'R' : '-'}${e.conditions?.serving === true ? 'S' : '-'}${e.conditions?.terminating === true ? 'T' : '-'}`))
    .sort();
}
