// The slice planning (pure): 100 endpoints a slice, placeholder, reuse of slices.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it } from 'vitest';
import { endpointKey, portSetKey, type PortSetEndpoints } from '../../../src/controller/endpointslice/desired-endpoints.js';
import { planSlices } from '../../../src/controller/endpointslice/slice-plan.js';

const service: Service = { metadata: { name: 'svc', namespace: 'ns', uid: 'svc-uid' }, spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }] } };
const ports = [{ name: 'http', port: 8080, protocol: 'TCP' }];

function endpoint(i: number, ready = true): Endpoint {
  return { addresses: [`10.0.${Math.floor(i / 250)}.${i % 250}`], conditions: { ready, serving: ready, terminating: false }, targetRef: { kind: 'Pod', namespace: 'ns', name: `p${i}`, uid: `uid-${i}` } };
}

function desired(endpoints: Endpoint[]): Map<'IPv4', Map<string, PortSetEndpoints>> {
  const set: PortSetEndpoints = { ports, endpoints: new Map(endpoints.map((e) => [endpointKey(e), e])) };
  return new Map([['IPv4', endpoints.length === 0 ? new Map<string, PortSetEndpoints>() : new Map([[portSetKey(ports), set]])]]);
}

function existing(name: string, endpoints: Endpoint[], slicePorts = ports): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: 'ns',
      resourceVersion: '5',
      labels: { 'kubernetes.io/service-name': 'svc', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'svc', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints,
    ports: slicePorts,
  };
}

const range = (from: number, to: number): Endpoint[] => Array.from({ length: to - from }, (_, i) => endpoint(from + i));

describe('planSlices', () => {
  it('puts at most 100 endpoints in a slice', () => {
    const plan = planSlices({ service, existing: [], desired: desired(range(0, 250)), triggerTime: undefined });
    expect(plan.create.map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
    expect(plan.create.every((s) => s.metadata?.generateName === 'svc-' && s.addressType === 'IPv4')).toBe(true);
    expect(plan.update).toEqual([]);
    expect(plan.delete).toEqual([]);
  });

  it('changes nothing when the slices already hold the desired endpoints', () => {
    const plan = planSlices({ service, existing: [existing('a', range(0, 100)), existing('b', range(100, 130))], desired: desired(range(0, 130)), triggerTime: undefined });
    expect(plan).toEqual({ create: [], update: [], delete: [] });
  });

  it('adds a new endpoint to the fullest unchanged slice with room, and updates a changed one in place', () => {
    const changed = range(0, 130);
    changed[5] = endpoint(5, false);
    const plan = planSlices({ service, existing: [existing('a', range(0, 100)), existing('b', range(100, 130))], desired: desired([...changed, endpoint(130)]), triggerTime: Date.UTC(2026, 0, 1) });
    expect(plan.create).toEqual([]);
    expect(plan.update.map((s) => [s.metadata?.name, s.endpoints.length])).toEqual([['a', 100], ['b', 31]]);
    expect(plan.update[0]?.metadata?.annotations).toEqual({ 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' });
  });

  it('keeps one empty placeholder slice when there are no endpoints', () => {
    const fresh = planSlices({ service, existing: [], desired: desired([]), triggerTime: undefined });
    expect(fresh.create).toHaveLength(1);
    expect(fresh.create[0]).toMatchObject({ endpoints: [], ports: [] });
    const kept = planSlices({ service, existing: [existing('p', [], [])], desired: desired([]), triggerTime: undefined });
    expect(kept).toEqual({ create: [], update: [], delete: [] });
    // The last endpoints going: the slice is emptied into the placeholder by one update, not a delete and a create.
    const emptied = planSlices({ service, existing: [existing('a', range(0, 3))], desired: desired([]), triggerTime: undefined });
    expect(emptied.create).toEqual([]);
    expect(emptied.delete).toEqual([]);
    expect(emptied.update.map((s) => [s.metadata?.name, s.endpoints, s.ports])).toEqual([['a', [], []]]);
  });

  it('replaces the slices of an earlier Service of the same name', () => {
    const stale = existing('old', range(0, 2));
    stale.metadata = { ...stale.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'svc', uid: 'other', controller: true }] };
    const plan = planSlices({ service, existing: [stale], desired: desired(range(0, 2)), triggerTime: undefined });
    expect(plan.delete.map((s) => s.metadata?.name)).toEqual(['old']);
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]?.metadata?.ownerReferences?.[0]?.uid).toBe('svc-uid');
  });
});
