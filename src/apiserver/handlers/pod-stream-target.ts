// What pods/log, pods/exec and pods/attach share: the pod, the container the request is about (as
// upstream's validateContainer picks it), and the superlet of the pod's node. Also the query
// conversions upstream's parameter codec applies to their options.
import { ApiError, badRequest } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import type { SuperletAddress, SuperletConnector } from '../nodeproxy/superlet-connector.js';
import type { RequestContext } from './context.js';

export interface StreamTarget {
  readonly pod: KubeObject;
  readonly namespace: string;
  readonly name: string;
  readonly container: string;
}

function containerNames(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const names: string[] = [];
  // Upstream's VisitContainers order: init containers, containers, ephemeral containers.
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list as { name?: unknown }[]) if (typeof c?.name === 'string') names.push(c.name);
  }
  return names;
}

/** The named container, or the only one; a pod with several needs a name (upstream's messages). */
export function chooseContainer(pod: KubeObject, requested: string): string {
  const name = pod.metadata?.name ?? '';
  if (requested !== '') {
    if (!containerNames(pod).includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const spec = (pod.spec ?? {}) as { containers?: { name?: unknown }[] };
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  const only = containers[0];
  if (containers.length === 1 && typeof only?.name === 'string') return only.name;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`);
}

/** The pod the URL names and the container the request is about. */
export async function streamTarget(context: RequestContext, requestedContainer: string): Promise<StreamTarget> {
  const name = context.info.name ?? '';
  const namespace = context.info.namespace ?? '';
  const pod = await context.resource.store.getCached(namespace, name);
  return { pod, namespace, name, container: chooseContainer(pod, requestedContainer) };
}

/** The superlet that runs the pod; a pod not yet on a node has none (400, upstream's words). */
export async function superletOf(context: RequestContext, target: StreamTarget): Promise<{ connector: SuperletConnector; address: SuperletAddress }> {
  const nodeName = (target.pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
  if (typeof nodeName !== 'string' || nodeName === '') throw badRequest(`pod ${target.name} does not have a host assigned`);
  const connector = context.superlets;
  if (connector === undefined) throw new ApiError(503, 'ServiceUnavailable', 'this API server has no credentials to reach superlets');
  return { connector, address: await connector.locate(context.registry, nodeName) };
}

/** A boolean option as upstream converts query values: present and not "0" or "false" means true. */
export function boolParam(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** An integer option: absent is undefined, anything but an integer is a 400 (Go's ParseInt wording). */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: ${/^[+-]?\d+$/.test(value) ? 'value out of range' : 'invalid syntax'}`);
  }
  return Number(value);
}
