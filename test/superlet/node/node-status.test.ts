// The pure parts of the node agent: labels, quantities, conditions, change detection, MicroTime.
import { describe, expect, it } from 'vitest';
import { microTime } from '../../../src/superlet/node/node-lease.js';
import {
  allocatableOf,
  capacityOf,
  desiredNodeStatus,
  labelPatch,
  nodeLabels,
  nodeStatusChanged,
  type NodeFacts,
} from '../../../src/superlet/node/node-status.js';

const facts: NodeFacts = {
  nodeName: 'Node-1',
  address: '10.0.0.7',
  port: 10250,
  machine: { cpuCores: 2, memoryBytes: 16_328_852 * 1024, os: 'linux', kernelVersion: '6.1.0', osImage: 'Debian', architecture: 'x64' },
  hostIds: { machineID: 'm', systemUUID: 's', bootID: 'b' },
  containerRuntimeVersion: 'docker://20.10.24',
  runtimeReady: true,
  maxPods: 110,
  reservedCpuMillis: 250,
  reservedMemoryBytes: 100 * 1024 * 1024,
  ephemeralStorageBytes: 51_474_912 * 1024,
};

describe('node status', () => {
  it('spells capacity and allocatable as the kubelet does', () => {
    expect(capacityOf(facts)).toEqual({ cpu: '2', memory: '16328852Ki', pods: '110', 'ephemeral-storage': '51474912Ki' });
    expect(allocatableOf(facts)).toEqual({ cpu: '1750m', memory: '16226452Ki', pods: '110', 'ephemeral-storage': '51474912Ki' });
  });

  it('labels with Go architecture names and a lower-case hostname', () => {
    expect(nodeLabels('Node-1', facts.machine, { zone: 'a' })).toMatchObject({
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'node-1',
      'kubernetes.io/os': 'linux',
      zone: 'a',
    });
  });

  it('patches only the labels that differ, removing default labels the node should not have', () => {
    const wanted = nodeLabels('n', facts.machine);
    expect(labelPatch(wanted, wanted)).toBeUndefined();
    expect(labelPatch({ ...wanted, 'node.kubernetes.io/instance-type': 'big', 'kubernetes.io/os': 'windows', other: 'x' }, wanted)).toEqual({
      'node.kubernetes.io/instance-type': null,
      'kubernetes.io/os': 'linux',
    });
  });

  it('moves heartbeats every time and transition times only on a transition; a heartbeat alone is no change', () => {
    const t0 = new Date('2024-05-01T10:00:00.900Z');
    const t1 = new Date('2024-05-01T10:00:10Z');
    const first = desiredNodeStatus(undefined, facts, t0);
    const second = desiredNodeStatus(first, facts, t1);
    const ready = (s: typeof first): unknown => s.conditions?.find((c) => c.type === 'Ready');
    expect(ready(first)).toMatchObject({ lastHeartbeatTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:00Z' });
    expect(ready(second)).toMatchObject({ lastHeartbeatTime: '2024-05-01T10:00:10Z', lastTransitionTime: '2024-05-01T10:00:00Z' });
    expect(nodeStatusChanged(first, second)).toBe(false);
    const down = desiredNodeStatus(second, { ...facts, runtimeReady: false }, t1);
    expect(ready(down)).toMatchObject({ status: 'False', reason: 'KubeletNotReady', lastTransitionTime: '2024-05-01T10:00:10Z' });
    expect(nodeStatusChanged(second, down)).toBe(true);
  });

  it('keeps conditions others own', () => {
    const existing = { conditions: [{ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' }] };
    const status = desiredNodeStatus(existing, facts, new Date());
    expect(status.conditions?.map((c) => c.type)).toEqual(['NetworkUnavailable', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });

  it('writes MicroTime with microseconds', () => {
    expect(microTime(new Date('2024-05-01T10:00:00.123Z'))).toBe('2024-05-01T10:00:00.123000Z');
  });
});
