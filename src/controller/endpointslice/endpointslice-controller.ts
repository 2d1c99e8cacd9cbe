// The EndpointSlice controller (upstream pkg/controller/endpointslice): for every Service with a
// selector, discovery.k8s.io/v1 EndpointSlices of at most 100 endpoints listing its pods with
// their ready/serving/terminating conditions, labelled with the Service's name and this
// controller, owned by the Service (the garbage collector removes them with it). reconcile(key)
// recomputes the slices from the caches; the tracker holds it back until the cache shows its
// own last writes, so a write is never repeated from an old view.
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { EndpointSlices, Nodes, Pods, Services } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { ServiceMembership } from '../endpoint/service-membership.js';
import { TriggerTimeTracker } from '../endpoint/trigger-time-tracker.js';
import { isNamespaceTerminating, messageOf } from '../replicaset/pod-control.js';
import { QueueController } from '../queue-controller.js';
import { addressTypesOf, desiredEndpoints, type AddressType, type PortSetEndpoints } from './desired-endpoints.js';
import { CONTROLLER_MANAGED_BY, MANAGED_BY_LABEL, MAX_ENDPOINTS_PER_SLICE, planSlices, SERVICE_NAME_LABEL } from './slice-plan.js';
import { EndpointSliceTracker } from './slice-tracker.js';

export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller';
const SLICES_BY_SERVICE_INDEX = 'endpointslice-service';
/** A safety net while the cache catches up with our writes (its events requeue sooner). */
const STALE_CACHE_RETRY_MS = 1000;

export interface EndpointSliceControllerOptions {
  readonly workers?: number;
  readonly maxEndpointsPerSlice?: number;
}

/** The Service key ("namespace/name") a slice of ours belongs to, if it is ours. */
function serviceKeyOf(slice: Readonly<EndpointSlice>): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  const service = labels[SERVICE_NAME_LABEL];
  if (labels[MANAGED_BY_LABEL] !== CONTROLLER_MANAGED_BY || service === undefined || service === '') return undefined;
  return `${slice.metadata?.namespace ?? ''}/${service}`;
}

export class EndpointSliceController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly nodes: Informer<Node>;
  private readonly membership: ServiceMembership;
  private readonly tracker = new EndpointSliceTracker();
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly maxEndpointsPerSlice: number;

  constructor(context: ControllerContext, options: EndpointSliceControllerOptions = {}) {
    // Upstream --concurrent-service-endpoint-syncs defaults to 5.
    super(ENDPOINTSLICE_CONTROLLER_NAME, context, { workers: options.workers ?? 5 });
    this.maxEndpointsPerSlice = options.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
    this.services = context.informers.for<Service>(Services);
    const pods = context.informers.for<Pod>(Pods);
    this.nodes = context.informers.for<Node>(Nodes);
    this.slices = context.informers.for<EndpointSlice>(EndpointSlices, {
      [SLICES_BY_SERVICE_INDEX]: (slice) => {
        const key = serviceKeyOf(slice);
        return key === undefined ? [] : [key];
      },
    });
    this.membership = new ServiceMembership(this.services, pods);

    this.services.onAdd((service) => this.enqueue(service));
    this.services.onUpdate((_old, service) => this.enqueue(service));
    this.services.onDelete((service) => this.enqueue(service));
    pods.onAdd((pod) => this.enqueueServicesOf(pod));
    pods.onUpdate((oldPod, pod) => this.updatePod(oldPod, pod));
    pods.onDelete((pod) => this.enqueueServicesOf(pod));
    // Our own writes coming back end a stale wait; anyone else's change (or deletion) of a slice
    // of ours is put right.
    this.slices.onAdd((slice) => this.sliceChanged(slice));
    this.slices.onUpdate((old, slice) => {
      if (old.metadata?.resourceVersion !== slice.metadata?.resourceVersion) this.sliceChanged(slice);
    });
    this.slices.onDelete((slice) => {
      const key = serviceKeyOf(slice);
      if (key === undefined) return;
      this.tracker.observedDeletion(key, slice);
      this.queue.add(key);
    });
  }

  private sliceChanged(slice: Readonly<EndpointSlice>): void {
    const key = serviceKeyOf(slice);
    if (key !== undefined) this.queue.add(key);
  }

  private enqueueServicesOf(pod: Readonly<Pod>): void {
    for (const key of this.membership.serviceKeysFor(pod)) this.queue.add(key);
  }

  private updatePod(oldPod: Readonly<Pod>, pod: Readonly<Pod>): void {
    for (const key of this.membership.serviceKeysForUpdate(oldPod, pod)) this.queue.add(key);
  }


  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const service = this.services.get(key);
    if (service === undefined) {
      // The slices are owned by the Service: the garbage collector deletes them.
      this.tracker.forget(key);
      this.triggerTimes.forget(key);
      return;
    }
    // No selector: slices are someone else's (made by hand or mirrored from Endpoints).
    if (this.membership.selectorOf(service) === undefined || service.metadata?.deletionTimestamp != null) return;
    const existing = this.slices.byIndex(SLICES_BY_SERVICE_INDEX, key);
    if (this.tracker.stale(key, existing)) return { requeueAfterMs: STALE_CACHE_RETRY_MS };

    const pods = this.membership.podsOf(service);
    const desired = new Map<AddressType, Map<string, PortSetEndpoints>>();
    for (const addressType of addressTypesOf(service)) {
      desired.set(addressType, desiredEndpoints(service, pods, addressType, (name) => this.nodes.get(name)));
    }
    const plan = planSlices({ service, existing, desired, triggerTime: this.triggerTimes.compute(key, service, pods), maxEndpointsPerSlice: this.maxEndpointsPerSlice });
    try {
      for (const slice of plan.create) this.tracker.wrote(key, await this.context.client.create(EndpointSlices, slice));
      for (const slice of plan.update) this.tracker.wrote(key, await this.context.client.update(EndpointSlices, slice));
      for (const slice of plan.delete) {
        try {
          await this.context.client.delete(EndpointSlices, slice.metadata?.name ?? '', slice.metadata?.namespace ?? '');
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        this.tracker.deleted(key, slice);
      }
    } catch (error) {
      // The namespace is going away, and its slices with it.
      if (isNamespaceTerminating(error)) return;
      this.context.recorder.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${messageOf(error)}`);
      throw error;
    }
  }
}
