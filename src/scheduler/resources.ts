// Resource amounts as the scheduler compares them (upstream framework.Resource): exact integers,
// millicores for cpu and the integer value (bytes, counts) for everything else. A pod's request is
// computed as upstream's resourcehelper.PodRequests does: the sum of its containers, raised to the
// largest init container (sidecars, restartPolicy Always, keep running and so add up), plus overhead.
import type { Container, Node, Pod } from 'kubernetes-types/core/v1.js';
import { Quantity } from '../api/quantity.js';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** What a container that requests nothing is counted as when spreading load (upstream schedutil). */
export const DEFAULT_MILLI_CPU_REQUEST = 100n;
export const DEFAULT_MEMORY_REQUEST = 200n * 1024n * 1024n;

/** Amounts by resource name; a missing name is zero. */
export type Amounts = Map<string, bigint>;
type ResourceList = Readonly<Record<string, string | number>> | undefined;

/** One quantity in the scheduler's unit; a malformed one (the API server refuses them) counts as zero. */
export function amountOf(resource: string, quantity: string | number | undefined): bigint {
  if (quantity === undefined) return 0n;
  try {
    const q = Quantity.parse(String(quantity));
    return resource === CPU ? q.milliValue() : q.value();
  } catch {
    return 0n;
  }
}

export function amountsOf(list: ResourceList): Amounts {
  const out: Amounts = new Map();
  for (const [name, q] of Object.entries(list ?? {})) out.set(name, amountOf(name, q));
  return out;
}

export function get(amounts: Amounts, resource: string): bigint {
  return amounts.get(resource) ?? 0n;
}

/** a += b (or a -= b with sign -1), in place. */
export function addInto(a: Amounts, b: Amounts, sign: 1n | -1n = 1n): void {
  for (const [name, v] of b) a.set(name, get(a, name) + sign * v);
}

function maxInto(a: Amounts, b: Amounts): void {
  for (const [name, v] of b) if (v > get(a, name)) a.set(name, v);
}

/** A container's requests; a resource with a limit and no request requests its limit (API defaulting). */
export function containerRequests(c: Readonly<Container>): Amounts {
  const requests = amountsOf(c.resources?.requests);
  for (const [name, q] of Object.entries(c.resources?.limits ?? {})) {
    if (!requests.has(name)) requests.set(name, amountOf(name, q));
  }
  return requests;
}

/** As containerRequests, with cpu and memory never below the defaults for a container without them. */
function nonZeroContainerRequests(c: Readonly<Container>): Amounts {
  const r = containerRequests(c);
  if (!r.has(CPU)) r.set(CPU, DEFAULT_MILLI_CPU_REQUEST);
  if (!r.has(MEMORY)) r.set(MEMORY, DEFAULT_MEMORY_REQUEST);
  return r;
}

function combine(pod: Readonly<Pod>, perContainer: (c: Readonly<Container>) => Amounts): Amounts {
  const total: Amounts = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(total, perContainer(c));
  const sidecars: Amounts = new Map();
  const init: Amounts = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = perContainer(c);
    if (c.restartPolicy === 'Always') {
      // A sidecar runs beside everything after it: it adds to the pod and to later init steps.
      addInto(total, r);
      addInto(sidecars, r);
      maxInto(init, sidecars);
    } else {
      addInto(r, sidecars);
      maxInto(init, r);
    }
  }
  maxInto(total, init);
  addInto(total, amountsOf(pod.spec?.overhead));
  return total;
}

/** The pod's effective requests, what it takes from a node's allocatable. */
export function podRequests(pod: Readonly<Pod>): Amounts {
  return combine(pod, containerRequests);
}

/** The pod's requests with defaults for containers that ask for no cpu or memory (for scoring). */
export function nonZeroPodRequests(pod: Readonly<Pod>): { cpu: bigint; memory: bigint } {
  const r = combine(pod, nonZeroContainerRequests);
  return { cpu: get(r, CPU), memory: get(r, MEMORY) };
}

/**
 * The pod's non-zero requests in the order upstream's fitsRequest checks them: cpu, memory,
 * ephemeral-storage, then the other (extended) resources by name.
 */
export function requestsToCheck(requests: Amounts): (readonly [string, bigint])[] {
  const first = [CPU, MEMORY, EPHEMERAL_STORAGE];
  const rest = [...requests.keys()].filter((r) => !first.includes(r) && r !== PODS).sort();
  return [...first, ...rest].map((r) => [r, get(requests, r)] as const).filter(([, v]) => v > 0n);
}

export function allocatableOf(node: Readonly<Node>): Amounts {
  return amountsOf(node.status?.allocatable ?? node.status?.capacity);
}
