import { describe, expect, it } from 'vitest';
import { makeNode, makePod, type PodSpecOptions } from '../../../test/scheduler/builders.js';
import { NodeInfo } from '../node-info.js';
import { newPodInfo } from '../pod-info.js';
import { defaultProfile } from './default-profile.js';
import { nodeAffinityFilter } from './node-affinity.js';
import { nodePorts } from './node-ports.js';
import { insufficientResources } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { taintTolerationFilter } from './taint-toleration.js';
import type { Node } from 'kubernetes-types/core/v1.js';

function nodeWith(node: Node, ...pods: PodSpecOptions[]): NodeInfo {
  const info = new NodeInfo(node.metadata?.name ?? '');
  info.setNode(node);
  pods.forEach((o, i) => info.addPod(newPodInfo(makePod(`existing-${i}`, { nodeName: info.name, ...o }))));
  return info;
}

const pod = (o: PodSpecOptions = {}) => newPodInfo(makePod('incoming', o));

describe('NodeResourcesFit', () => {
  const node = makeNode('n', { cpu: '2', memory: '4Gi', pods: '3', extra: { 'example.com/gpu': '1' } });

  it('fits what allocatable minus the bound pods leaves', () => {
    const info = nodeWith(node, { cpu: '1', memory: '1Gi' });
    expect(insufficientResources(pod({ cpu: '1', memory: '3Gi' }), info)).toEqual([]);
    expect(insufficientResources(pod({ cpu: '1001m' }), info)).toEqual(['Insufficient cpu']);
    expect(insufficientResources(pod({ cpu: '2', memory: '4Gi' }), info)).toEqual(['Insufficient cpu', 'Insufficient memory']);
  });

  it('counts pods against allocatable pods, first among the reasons', () => {
    const full = nodeWith(node, {}, {}, {});
    expect(insufficientResources(pod(), full)).toEqual(['Too many pods']);
    expect(insufficientResources(pod({ cpu: '3' }), full)).toEqual(['Too many pods', 'Insufficient cpu']);
  });

  it('checks extended resources, and ephemeral-storage only where the node reports it', () => {
    const info = nodeWith(node, { requests: { 'example.com/gpu': '1' } });
    expect(insufficientResources(pod({ requests: { 'example.com/gpu': '1' } }), info)).toEqual(['Insufficient example.com/gpu']);
    expect(insufficientResources(pod({ requests: { 'other.com/fpga': '1' } }), info)).toEqual(['Insufficient other.com/fpga']);
    expect(insufficientResources(pod({ requests: { 'ephemeral-storage': '1Ti' } }), info)).toEqual([]);
    const withDisk = nodeWith(makeNode('d', { extra: { 'ephemeral-storage': '10Gi' } }));
    expect(insufficientResources(pod({ requests: { 'ephemeral-storage': '11Gi' } }), withDisk)).toEqual(['Insufficient ephemeral-storage']);
  });

  it('frees what a removed pod took', () => {
    const info = nodeWith(node, { cpu: '2' });
    expect(insufficientResources(pod({ cpu: '1' }), info)).toEqual(['Insufficient cpu']);
    info.removePod('uid-existing-0');
    expect(insufficientResources(pod({ cpu: '1' }), info)).toEqual([]);
  });
});

describe('NodeUnschedulable', () => {
  const cordoned = nodeWith(makeNode('n', { unschedulable: true }));
  it('keeps pods off a cordoned node unless they tolerate the unschedulable taint', () => {
    expect(nodeUnschedulable.filter(pod(), cordoned)).toEqual({ plugin: 'NodeUnschedulable', code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] });
    const tolerant = pod({ spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(nodeUnschedulable.filter(tolerant, cordoned)).toBeUndefined();
    expect(nodeUnschedulable.filter(pod(), nodeWith(makeNode('m')))).toBeUndefined();
  });
});

describe('TaintToleration', () => {
  it('names the first untolerated NoSchedule or NoExecute taint', () => {
    const info = nodeWith(makeNode('n', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }));
    expect(taintTolerationFilter.filter(pod(), info)?.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}']);
    expect(taintTolerationFilter.filter(pod({ spec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } }), info)).toBeUndefined();
  });

  it('treats a node that is not Ready as tainted not-ready or unreachable', () => {
    expect(taintTolerationFilter.filter(pod(), nodeWith(makeNode('n', { ready: 'False' })))?.reasons).toEqual(['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
    expect(taintTolerationFilter.filter(pod(), nodeWith(makeNode('n', { ready: 'Unknown' })))?.reasons).toEqual(['node(s) had untolerated taint {node.kubernetes.io/unreachable: }']);
    const daemon = pod({ spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] } });
    expect(taintTolerationFilter.filter(daemon, nodeWith(makeNode('n', { ready: 'False' })))).toBeUndefined();
  });
});

describe('NodeAffinity', () => {
  it('rejects nodes that do not match the selector with upstream reason', () => {
    const info = nodeWith(makeNode('n', { labels: { disk: 'ssd' } }));
    expect(nodeAffinityFilter.filter(pod({ nodeSelector: { disk: 'ssd' } }), info)).toBeUndefined();
    expect(nodeAffinityFilter.filter(pod({ nodeSelector: { disk: 'hdd' } }), info)?.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });
});

describe('NodePorts', () => {
  const info = nodeWith(makeNode('n'), { hostPorts: [{ port: 80 }, { port: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] });
  it.each([
    [{ port: 80 }, true],
    [{ port: 80, protocol: 'UDP' }, false],
    [{ port: 80, hostIP: '10.0.0.2' }, true],
    [{ port: 81 }, false],
    [{ port: 53, protocol: 'UDP' }, true],
    [{ port: 53, protocol: 'UDP', hostIP: '10.0.0.1' }, true],
    [{ port: 53, protocol: 'UDP', hostIP: '10.0.0.2' }, false],
  ])('host port %j conflicts: %s', (p, conflict) => {
    const failure = nodePorts.filter(pod({ hostPorts: [p] }), info);
    expect(failure?.reasons).toEqual(conflict ? ["node(s) didn't have free ports for the requested pod ports"] : undefined);
  });

  it('treats container ports of a host-network pod as host ports', () => {
    const hostNet = newPodInfo(makePod('h', { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80 }] }], spec: { hostNetwork: true } }));
    expect(nodePorts.filter(hostNet, info)).toBeDefined();
  });
});

describe('the default filter order', () => {
  it('runs NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit', () => {
    expect(defaultProfile.filters.map((f) => f.name)).toEqual(['NodeUnschedulable', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit']);
  });
});
