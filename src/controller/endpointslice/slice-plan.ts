// What to create, update and delete so a Service's EndpointSlices hold its desired endpoints
// (upstream staging/src/k8s.io/endpointslice reconciler.go): existing slices keep the endpoints
// still wanted (updated where they changed), new endpoints first fill slices that are being
// written anyway, then new slices of at most maxEndpointsPerSlice; a leftover that fits goes into
// the fullest unchanged slice rather than a new one. A Service with no endpoints keeps one empty
// placeholder slice. Deletes paired with creates become updates, so fewer writes. Pure.
import { isDeepStrictEqual } from 'node:util';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { HEADLESS_SERVICE_LABEL } from '../endpoint/endpoints-controller.js';
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION, formatTriggerTime } from '../endpoint/trigger-time-tracker.js';
import { isHeadless } from '../endpoint/pod-endpoints.js';
import { endpointKey, portSetKey, type AddressType, type PortSetEndpoints } from './desired-endpoints.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_MANAGED_BY = 'endpointslice-controller.k8s.io';
/** Upstream --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface SlicePlan {
  readonly create: EndpointSlice[];
  readonly update: EndpointSlice[];
  readonly delete: EndpointSlice[];
}

export interface PlanInput {
  readonly service: Readonly<Service>;
  /** The Service's slices managed by this controller. */
  readonly existing: readonly Readonly<EndpointSlice>[];
  readonly desired: ReadonlyMap<AddressType, ReadonlyMap<string, PortSetEndpoints>>;
  readonly triggerTime: number | undefined;
  readonly maxEndpointsPerSlice?: number;
}

export function planSlices(input: PlanInput): SlicePlan {
  const { service } = input;
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const labels = sliceLabels(service);
  const create: EndpointSlice[] = [];
  const update: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];

  for (const [addressType, desiredByPortSet] of input.desired) {
    const existing: EndpointSlice[] = [];
    for (const slice of input.existing) {
      if (slice.addressType !== addressType) continue;
      // A slice of an earlier Service of the same name (deleted and made again) is not reused.
      if (ownedBy(slice, service)) existing.push(slice);
      else toDelete.push(slice);
    }
    const existingByPortSet = new Map<string, EndpointSlice[]>();
    for (const slice of existing) {
      const key = portSetKey(slice.ports ?? []);
      existingByPortSet.set(key, [...(existingByPortSet.get(key) ?? []), slice]);
    }
    const before = { create: create.length, delete: toDelete.length };
    for (const [key, desired] of desiredByPortSet) {
      const planned = planPortSet(existingByPortSet.get(key) ?? [], desired, { service, addressType, labels, max });
      create.push(...planned.create);
      update.push(...planned.update);
      toDelete.push(...planned.delete);
    }
    // Slices of port sets no pod serves any more.
    for (const [key, slices] of existingByPortSet) if (!desiredByPortSet.has(key)) toDelete.push(...slices);

    // Nothing would be left: an empty placeholder slice stands for the Service (kept if it is one already).
    const deletedHere = toDelete.length - before.delete;
    if (existing.length === deletedHere && create.length === before.create) {
      const placeholder = newSlice(service, addressType, labels, [], []);
      const only = toDelete[toDelete.length - 1];
      if (deletedHere === 1 && only !== undefined && isPlaceholder(only)) toDelete.pop();
      else create.push(placeholder);
    }
  }
  // Slices of address types the Service no longer has.
  for (const slice of input.existing) if (!input.desired.has(slice.addressType as AddressType)) toDelete.push(slice);

  // A delete and a create of the same address type become one update of the deleted slice.
  const finalCreate: EndpointSlice[] = [];
  for (const slice of create) {
    const index = toDelete.findIndex((d) => d.addressType === slice.addressType && ownedBy(d, service));
    const reused = index < 0 ? undefined : toDelete.splice(index, 1)[0];
    if (reused === undefined) {
      finalCreate.push(slice);
      continue;
    }
    update.push({ ...slice, metadata: { ...reused.metadata, labels: slice.metadata?.labels ?? {} } });
  }
  const annotate = (slice: EndpointSlice): EndpointSlice => withTriggerTime(slice, input.triggerTime);
  return { create: finalCreate.map(annotate), update: update.map(annotate), delete: toDelete };
}

interface PortSetContext {
  readonly service: Readonly<Service>;
  readonly addressType: AddressType;
  readonly labels: Record<string, string>;
  readonly max: number;
}

function planPortSet(existing: readonly EndpointSlice[], desired: PortSetEndpoints, context: PortSetContext): SlicePlan {
  const remaining = new Map(desired.endpoints);
  const update: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];
  const unchanged: EndpointSlice[] = [];
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = false;
    for (const endpoint of slice.endpoints ?? []) {
      const key = endpointKey(endpoint);
      const wanted = remaining.get(key);
      if (wanted === undefined) {
        changed = true;
        continue;
      }
      remaining.delete(key);
      if (!isDeepStrictEqual(normalize(wanted), normalize(endpoint))) changed = true;
      kept.push(wanted);
    }
    if (changed && kept.length === 0) toDelete.push(slice);
    else if (changed || !isDeepStrictEqual(slice.metadata?.labels ?? {}, context.labels)) update.push({ ...slice, endpoints: kept, metadata: { ...slice.metadata, labels: context.labels } });
    else unchanged.push(slice);
  }

  let left = [...remaining.values()];
  // Fill the slices written anyway first, fullest first (fewer, fuller slices).
  for (const slice of update.sort((a, b) => countOf(b) - countOf(a))) {
    const room = context.max - countOf(slice);
    if (room <= 0 || left.length === 0) continue;
    slice.endpoints = [...(slice.endpoints ?? []), ...left.slice(0, room)];
    left = left.slice(room);
  }
  const create: EndpointSlice[] = [];
  while (left.length > 0) {
    const chunk = left.slice(0, context.max);
    left = left.slice(context.max);
    // The last, partial chunk goes into the fullest unchanged slice that has room for it.
    if (chunk.length < context.max) {
      const fits = unchanged
        .filter((s) => context.max - countOf(s) >= chunk.length)
        .sort((a, b) => countOf(b) - countOf(a))[0];
      if (fits !== undefined) {
        unchanged.splice(unchanged.indexOf(fits), 1);
        update.push({ ...fits, endpoints: [...(fits.endpoints ?? []), ...chunk], metadata: { ...fits.metadata, labels: context.labels } });
        continue;
      }
    }
    create.push(newSlice(context.service, context.addressType, context.labels, desired.ports, chunk));
  }
  return { create, update, delete: toDelete };
}

/** Upstream setEndpointSliceLabels: the Service's labels (not the reserved ones) and ours. */
export function sliceLabels(service: Readonly<Service>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.metadata?.labels ?? {})) {
    if (key === SERVICE_NAME_LABEL || key === MANAGED_BY_LABEL || key === HEADLESS_SERVICE_LABEL) continue;
    labels[key] = value;
  }
  if (isHeadless(service)) labels[HEADLESS_SERVICE_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = service.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_MANAGED_BY;
  return labels;
}

export function serviceControllerRef(service: Readonly<Service>): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: service.metadata?.name ?? '', uid: service.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

function ownedBy(slice: Readonly<EndpointSlice>, service: Readonly<Service>): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((ref) => ref.controller === true && ref.kind === 'Service' && ref.uid === service.metadata?.uid);
}

function newSlice(service: Readonly<Service>, addressType: AddressType, labels: Record<string, string>, ports: EndpointPort[], endpoints: Endpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(service.metadata?.name ?? ''),
      namespace: service.metadata?.namespace ?? '',
      labels,
      ownerReferences: [serviceControllerRef(service)],
    },
    addressType,
    endpoints,
    ports,
  };
}

/** Upstream getEndpointSlicePrefix: the Service's name and a dash, short enough for the random suffix. */
function slicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return prefix.length > 58 ? prefix.slice(0, 58) : prefix;
}

// The server may leave an empty list out.
const countOf = (slice: Readonly<EndpointSlice>): number => (slice.endpoints ?? []).length;

function isPlaceholder(slice: Readonly<EndpointSlice>): boolean {
  return (slice.endpoints ?? []).length === 0 && (slice.ports ?? []).length === 0;
}

function withTriggerTime(slice: EndpointSlice, triggerTime: number | undefined): EndpointSlice {
  const annotations: Record<string, string> = { ...slice.metadata?.annotations };
  if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = formatTriggerTime(triggerTime);
  else delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  const metadata = { ...slice.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...slice, metadata };
}

/** An endpoint as compared: absent and false-free defaults aside, as the server returns it. */
function normalize(endpoint: Readonly<Endpoint>): Endpoint {
  const { targetRef, ...rest } = endpoint;
  if (targetRef === undefined) return rest;
  const { resourceVersion: _ignored, ...ref } = targetRef;
  return { ...rest, targetRef: ref };
}
