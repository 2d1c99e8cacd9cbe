// The Endpoints controller (upstream pkg/controller/endpoint): for every Service with a selector,
// an Endpoints object of the same name listing its pods' addresses, ready ones in addresses and the
// others in notReadyAddresses, with the ports the service ports reach on each pod. Services
// without a selector keep the Endpoints someone wrote by hand; Endpoints whose Service is gone are
// deleted. reconcile(key) recomputes the whole object from the caches, so it is restart-safe.
import type { EndpointAddress, Endpoints as EndpointsObject, EndpointSubset, Pod, Service } from 'kubernetes-types/core/v1.js';
import { isDeepStrictEqual } from 'node:util';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { splitKey } from '../../client/informer.js';
import { Endpoints, Pods, Services } from '../../client/resource-types.js';
import type { ControllerContext } from '../controller.js';
import { isNamespaceTerminating, messageOf } from '../replicaset/pod-control.js';
import { QueueController } from '../queue-controller.js';
import { isHeadless, sameStringMap } from './pod-endpoints.js';
import { ServiceMembership } from './service-membership.js';
import { desiredSubsets, OVER_CAPACITY_ANNOTATION } from './subsets.js';
import { formatTriggerTime, LAST_CHANGE_TRIGGER_TIME_ANNOTATION, TriggerTimeTracker } from './trigger-time-tracker.js';

export const ENDPOINT_CONTROLLER_NAME = 'endpoint-controller';
export const HEADLESS_SERVICE_LABEL = 'service.kubernetes.io/headless';
/** Endpoints used as leader-election locks by older components: never ours to delete. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export interface EndpointsControllerOptions {
  readonly workers?: number;
}

export class EndpointsController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly endpoints: Informer<EndpointsObject>;
  private readonly membership: ServiceMembership;
  private readonly triggerTimes = new TriggerTimeTracker();

  constructor(context: ControllerContext, options: EndpointsControllerOptions = {}) {
    // Upstream --concurrent-endpoint-syncs defaults to 5.
    super(ENDPOINT_CONTROLLER_NAME, context, { workers: options.workers ?? 5 });
    this.services = context.informers.for<Service>(Services);
    const pods = context.informers.for<Pod>(Pods);
    this.endpoints = context.informers.for<EndpointsObject>(Endpoints);
    this.membership = new ServiceMembership(this.services, pods);

    this.services.onAdd((service) => this.enqueue(service));
    this.services.onUpdate((_old, service) => this.enqueue(service));
    this.services.onDelete((service) => this.enqueue(service));
    pods.onAdd((pod) => this.enqueueServicesOf(pod));
    pods.onUpdate((oldPod, pod) => this.updatePod(oldPod, pod));
    pods.onDelete((pod) => this.enqueueServicesOf(pod));
    // Upstream checkLeftoverEndpoints, done by the informer's first list: Endpoints whose Service
    // went while no controller ran are looked at (and deleted) too. A deleted Endpoints of a live
    // Service is made again.
    this.endpoints.onAdd((ep) => {
      if (ep.metadata?.annotations?.[LEADER_ANNOTATION] === undefined) this.enqueue(ep);
    });
    this.endpoints.onDelete((ep) => this.enqueue(ep));
  }

  private enqueueServicesOf(pod: Readonly<Pod>): void {
    for (const key of this.membership.serviceKeysFor(pod)) this.queue.add(key);
  }

  private updatePod(oldPod: Readonly<Pod>, pod: Readonly<Pod>): void {
    for (const key of this.membership.serviceKeysForUpdate(oldPod, pod)) this.queue.add(key);
  }


  protected async reconcile(key: string): Promise<void> {
    const { namespace = '', name } = splitKey(key);
    const service = this.services.get(key);
    if (service === undefined) {
      this.triggerTimes.forget(key);
      const leftover = this.endpoints.get(key);
      if (leftover === undefined || leftover.metadata?.annotations?.[LEADER_ANNOTATION] !== undefined) return;
      try {
        await this.context.client.delete(Endpoints, name, namespace, { preconditions: { uid: leftover.metadata?.uid ?? '' } });
      } catch (error) {
        if (!isNotFound(error) && !isConflict(error)) throw error;
      }
      return;
    }
    // No selector: the Endpoints are someone else's (made by hand, or mirrored). ExternalName: none.
    if (this.membership.selectorOf(service) === undefined) return;

    const pods = this.membership.podsOf(service);
    const { subsets, truncated } = desiredSubsets(service, pods);
    const triggerTime = this.triggerTimes.compute(key, service, pods);
    const current = this.endpoints.get(key);
    const labels = desiredLabels(service);
    if (
      current !== undefined &&
      sameSubsets(current.subsets, subsets) &&
      sameStringMap(current.metadata?.labels, labels) &&
      (current.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION] !== undefined) === truncated
    ) {
      return;
    }

    const annotations: Record<string, string> = { ...current?.metadata?.annotations };
    if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = formatTriggerTime(triggerTime);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const desired: EndpointsObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...current?.metadata, name, namespace, labels, annotations },
      subsets,
    };
    if (Object.keys(annotations).length === 0) delete desired.metadata?.annotations;
    try {
      if (current === undefined) await this.context.client.create(Endpoints, desired);
      else await this.context.client.update(Endpoints, desired);
    } catch (error) {
      // The namespace is going away: its Endpoints go with it, nothing to retry.
      if (current === undefined && isNamespaceTerminating(error)) return;
      const verb = current === undefined ? 'create' : 'update';
      this.context.recorder.event(service, 'Warning', current === undefined ? 'FailedToCreateEndpoint' : 'FailedToUpdateEndpoint', `Failed to ${verb} endpoint for service ${namespace}/${name}: ${messageOf(error)}`);
      throw error;
    }
  }
}

/** The Service's labels, plus the headless marker upstream adds for kube-proxy to skip it. */
function desiredLabels(service: Readonly<Service>): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  if (isHeadless(service)) labels[HEADLESS_SERVICE_LABEL] = '';
  else delete labels[HEADLESS_SERVICE_LABEL];
  return labels;
}

/** Upstream EndpointSubsetsEqualIgnoreResourceVersion (order matters; ours is canonical). */
function sameSubsets(a: readonly EndpointSubset[] | undefined, b: readonly EndpointSubset[]): boolean {
  const strip = (subsets: readonly EndpointSubset[] | undefined): EndpointSubset[] =>
    (subsets ?? []).map((subset) => {
      const out: EndpointSubset = { ...subset };
      if (subset.addresses !== undefined) out.addresses = subset.addresses.map(withoutResourceVersion);
      if (subset.notReadyAddresses !== undefined) out.notReadyAddresses = subset.notReadyAddresses.map(withoutResourceVersion);
      return out;
    });
  return isDeepStrictEqual(strip(a), strip(b));
}

function withoutResourceVersion(address: EndpointAddress): EndpointAddress {
  if (address.targetRef === undefined) return address;
  const { resourceVersion: _ignored, ...targetRef } = address.targetRef;
  return { ...address, targetRef };
}
