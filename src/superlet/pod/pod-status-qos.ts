// The pod's QoS class, as upstream's GetPodQOS: the class recorded at creation when there is one,
// else computed from cpu and memory requests and limits of all containers (init included).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { Quantity } from '../../api/quantity.js';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

function parse(value: unknown): Quantity | undefined {
  if (typeof value === 'number') return Quantity.fromValue(Math.trunc(value));
  if (typeof value !== 'string') return undefined;
  try {
    return Quantity.parse(value);
  } catch {
    return undefined;
  }
}

function add(sum: Map<string, Quantity>, name: string, quantity: Quantity): void {
  const previous = sum.get(name);
  sum.set(name, previous === undefined ? quantity : previous.add(quantity));
}

/** Upstream ComputePodQOS on the pod as the API server defaults it (a limit without request requests the limit). */
export function computeQosClass(pod: Pod): QosClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const container of containers) {
    const specRequests = (container.resources?.requests ?? {}) as Record<string, unknown>;
    const specLimits = (container.resources?.limits ?? {}) as Record<string, unknown>;
    const limitsFound = new Set<string>();
    for (const name of QOS_RESOURCES) {
      const limit = parse(specLimits[name]);
      const request = parse(specRequests[name]) ?? limit;
      if (request !== undefined && request.sign() > 0) add(requests, name, request);
      if (limit !== undefined && limit.sign() > 0) {
        limitsFound.add(name);
        add(limits, name, limit);
      }
    }
    if (!QOS_RESOURCES.every((name) => limitsFound.has(name))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (limit === undefined || limit.cmp(request) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

export function podQosClass(pod: Pod): string {
  const recorded = pod.status?.qosClass;
  return recorded !== undefined && recorded !== '' ? recorded : computeQosClass(pod);
}
