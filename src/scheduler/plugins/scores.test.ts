import { describe, expect, it } from 'vitest';
import { makeNode, makePod, type NodeSpecOptions, type PodSpecOptions } from '../../../test/scheduler/builders.js';
import { NodeInfo } from '../node-info.js';
import { newPodInfo } from '../pod-info.js';
import { balancedAllocationScore, balancedScore } from './balanced-allocation.js';
import { nodeAffinityScore } from './node-affinity.js';
import { leastAllocated } from './node-resources-fit.js';
import { selectorSpreadScore } from './selector-spread.js';
import { taintTolerationScore } from './taint-toleration.js';
import { normalizeScores } from './types.js';

function info(name: string, o: NodeSpecOptions, ...pods: PodSpecOptions[]): NodeInfo {
  const n = new NodeInfo(name);
  n.setNode(makeNode(name, o));
  pods.forEach((p, i) => n.addPod(newPodInfo(makePod(`${name}-${i}`, { nodeName: name, ...p }))));
  return n;
}
const pod = (o: PodSpecOptions = {}) => newPodInfo(makePod('incoming', o));

describe('normalizing', () => {
  it('scales to 100 with integer division, reversed on request', () => {
    expect(normalizeScores([1, 2, 3], false)).toEqual([33, 66, 100]);
    expect(normalizeScores([1, 2, 3], true)).toEqual([67, 34, 0]);
    expect(normalizeScores([0, 0], false)).toEqual([0, 0]);
    expect(normalizeScores([0, 0], true)).toEqual([100, 100]);
  });
});

describe('LeastAllocated', () => {
  it('averages the free share of cpu and memory after placing the pod (upstream figures)', () => {
    // cpu (4000-3000)*100/4000 = 25, memory (10000-5000)*100/10000 = 50
    expect(leastAllocated(pod({ cpu: '3', memory: '5000' }), info('a', { cpu: '4', memory: '10000' }))).toBe(37);
    // cpu 0 (over capacity), memory (20000-5000)*100/20000 = 75
    expect(leastAllocated(pod({ cpu: '3', memory: '5000' }), info('b', { cpu: '2', memory: '20000' }))).toBe(37);
  });

  it('counts containers without requests as 100m and 200Mi', () => {
    const node = info('a', { cpu: '1', memory: '1000Mi' }, {});
    // cpu (1000-200)*100/1000 = 80; memory (1000Mi-400Mi)*100/1000Mi = 60
    expect(leastAllocated(pod(), node)).toBe(70);
  });
});

describe('BalancedAllocation', () => {
  it('scores (1 - |cpu share - memory share| / 2) * 100 with the real requests', () => {
    expect(balancedScore(pod({ cpu: '3', memory: '5000' }), info('a', { cpu: '4', memory: '10000' }))).toBe(87);
    expect(balancedScore(pod({ cpu: '1', memory: '2500' }), info('a', { cpu: '4', memory: '10000' }))).toBe(100);
  });

  it('gives every node 0 for a pod that requests nothing', () => {
    expect(balancedAllocationScore.score(pod(), [info('a', {}), info('b', { cpu: '1' })])).toEqual([0, 0]);
  });
});

describe('TaintToleration score', () => {
  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const nodes = [
      info('clean', {}),
      info('one', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }),
      info('two', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }, { key: 'c', effect: 'NoSchedule' }] }),
    ];
    expect(taintTolerationScore.score(pod(), nodes)).toEqual([100, 50, 0]);
    const tolerant = pod({ spec: { tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(taintTolerationScore.score(tolerant, nodes)).toEqual([100, 100, 0]);
  });
});

describe('NodeAffinity score', () => {
  it('normalizes the matched preferred weights', () => {
    const p = pod({
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 2, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
              { weight: 6, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
            ],
          },
        },
      },
    });
    const nodes = [info('x', { labels: { zone: 'a' } }), info('y', { labels: { zone: 'a', disk: 'ssd' } }), info('z', {})];
    expect(nodeAffinityScore.score(p, nodes)).toEqual([25, 100, 0]);
  });
});

describe('SelectorSpread', () => {
  it('prefers nodes with fewer pods of the same controller', () => {
    const nodes = [info('a', {}, { ownerUid: 'rs1' }, { ownerUid: 'rs1' }), info('b', {}, { ownerUid: 'rs1' }, { ownerUid: 'other' }), info('c', {})];
    expect(selectorSpreadScore.score(pod({ ownerUid: 'rs1' }), nodes)).toEqual([0, 50, 100]);
    expect(selectorSpreadScore.score(pod(), nodes)).toEqual([100, 100, 100]);
  });

  it('weighs zones two thirds when nodes carry zone labels', () => {
    const zone = (z: string) => ({ labels: { 'topology.kubernetes.io/zone': z } });
    const nodes = [info('a1', zone('a'), { ownerUid: 'rs1' }), info('a2', zone('a')), info('b1', zone('b'))];
    // node scores 0, 100, 100; zone a has 1, zone b 0: zone scores 0, 0, 100
    expect(selectorSpreadScore.score(pod({ ownerUid: 'rs1' }), nodes)).toEqual([0, 33, 100]);
  });

  it('does not count pods that are being deleted', () => {
    const n = info('a', {}, { ownerUid: 'rs1' });
    n.addPod(newPodInfo({ ...makePod('gone', { nodeName: 'a', ownerUid: 'rs1' }), metadata: { ...makePod('gone', { ownerUid: 'rs1' }).metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }));
    expect(n.controllerPods('rs1')).toBe(1);
    n.removePod('uid-gone');
    expect(n.controllerPods('rs1')).toBe(1);
  });
});
