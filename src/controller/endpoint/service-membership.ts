// Which Services select a pod, and which pods a Service selects (upstream
// endpointutil.ServiceSelectorCache and GetPodServiceMemberships), over the shared informers'
// caches. Both endpoint controllers use it to turn pod events into Service keys.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { selectorFromSet, type LabelMatcher } from '../../api/label-selector.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import { hasManagedEndpoints, podEndpointsChanged } from './pod-endpoints.js';

export class ServiceMembership {
  // Parsed selectors by cached object: the cache replaces an object on every change, so an entry
  // is never stale and goes away with the object.
  private readonly selectors = new WeakMap<Readonly<Service>, LabelMatcher>();

  constructor(private readonly services: Informer<Service>, private readonly pods: Informer<Pod>) {}

  /** The selector of a Service this controller fills, or undefined for one it leaves alone. */
  selectorOf(service: Readonly<Service>): LabelMatcher | undefined {
    if (!hasManagedEndpoints(service)) return undefined;
    let selector = this.selectors.get(service);
    if (selector === undefined) {
      selector = selectorFromSet(service.spec?.selector);
      this.selectors.set(service, selector);
    }
    return selector;
  }

  /** Keys of the Services (with selectors) in the pod's namespace that select it. */
  serviceKeysFor(pod: Readonly<Pod>): Set<string> {
    const keys = new Set<string>();
    for (const service of this.services.byIndex('namespace', pod.metadata?.namespace ?? '')) {
      if (this.selectorOf(service)?.matches(pod.metadata?.labels) === true) keys.add(keyOf(service));
    }
    return keys;
  }

  /** The cached pods the Service selects, by name for a stable order. */
  /**
   * The Services to sync after a pod update: none when nothing they list changed; those that
   * select it now and, when its labels changed, those that selected it before (they drop it).
   */
  serviceKeysForUpdate(oldPod: Readonly<Pod>, pod: Readonly<Pod>): Set<string> {
    if (oldPod.metadata?.resourceVersion === pod.metadata?.resourceVersion) return new Set();
    const { endpointsChanged, labelsChanged } = podEndpointsChanged(oldPod, pod);
    if (!endpointsChanged && !labelsChanged) return new Set();
    const keys = this.serviceKeysFor(pod);
    if (labelsChanged) for (const key of this.serviceKeysFor(oldPod)) keys.add(key);
    return keys;
  }

  podsOf(service: Readonly<Service>): Readonly<Pod>[] {
    const selector = this.selectorOf(service);
    if (selector === undefined) return [];
    return this.pods
      .byIndex('namespace', service.metadata?.namespace ?? '')
      .filter((pod) => selector.matches(pod.metadata?.labels))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }
}
