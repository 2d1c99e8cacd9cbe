import { describe, expect, it } from 'vitest';
import { makeNode, makePod, type NodeSpecOptions } from '../../test/scheduler/builders.js';
import { SchedulingAlgorithm, numFeasibleNodesToFind } from './algorithm.js';
import { FitError, NoNodesAvailableError } from './fit-error.js';
import { NodeInfo } from './node-info.js';
import { newPodInfo } from './pod-info.js';
import { defaultProfile } from './plugins/default-profile.js';

function node(name: string, o: NodeSpecOptions = {}): NodeInfo {
  const n = new NodeInfo(name);
  n.setNode(makeNode(name, o));
  return n;
}

// A deterministic generator so tie-breaking is reproducible.
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('numFeasibleNodesToFind', () => {
  it.each([
    [10, 10],
    [99, 99],
    [200, 100],
    [1000, 420],
    [5000, 500],
    [6000, 300],
  ])('%i nodes: stop at %i feasible', (all, want) => {
    expect(numFeasibleNodesToFind(all)).toBe(want);
  });

  it('honours a configured percentage, never below 100 nodes', () => {
    expect(numFeasibleNodesToFind(1000, 50)).toBe(500);
    expect(numFeasibleNodesToFind(1000, 1)).toBe(100);
    expect(numFeasibleNodesToFind(1000, 100)).toBe(1000);
  });
});

describe('SchedulingAlgorithm', () => {
  const algorithm = () => new SchedulingAlgorithm({ profile: defaultProfile, random: seeded(7) });

  it('refuses when there are no nodes', () => {
    expect(() => algorithm().schedule(newPodInfo(makePod('p')), [])).toThrow(NoNodesAvailableError);
  });

  it('reports every node it rejected', () => {
    const nodes = [
      node('small', { cpu: '1', labels: { disk: 'hdd' } }),
      node('other', { labels: { disk: 'ssd' } }),
      node('tainted', { labels: { disk: 'hdd' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }),
    ];
    let error: unknown;
    try {
      algorithm().schedule(newPodInfo(makePod('p', { cpu: '2', nodeSelector: { disk: 'hdd' } })), nodes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FitError);
    expect((error as FitError).message).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {k: }. " +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('picks the only feasible node without scoring', () => {
    const nodes = [node('a', { cpu: '1' }), node('b', { cpu: '8' })];
    expect(algorithm().schedule(newPodInfo(makePod('p', { cpu: '4' })), nodes)).toEqual({ node: 'b', evaluatedNodes: 2, feasibleNodes: 1 });
  });

  it('prefers the emptier node', () => {
    const nodes = [node('busy'), node('idle')];
    nodes[0]?.addPod(newPodInfo(makePod('x', { nodeName: 'busy', cpu: '3', memory: '6Gi' })));
    for (let i = 0; i < 10; i++) expect(algorithm().schedule(newPodInfo(makePod('p', { cpu: '100m' })), nodes).node).toBe('idle');
  });

  it('breaks ties at random, each best node equally likely', () => {
    const a = algorithm();
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const host = a.selectHost([{ node: 'a', total: 5 }, { node: 'b', total: 9 }, { node: 'c', total: 9 }, { node: 'd', total: 9 }]);
      counts.set(host, (counts.get(host) ?? 0) + 1);
    }
    expect(counts.get('a')).toBeUndefined();
    for (const n of ['b', 'c', 'd']) expect(counts.get(n)).toBeGreaterThan(850);
  });

  it('resumes filtering where the last pod stopped when it needs only some nodes', () => {
    const nodes = Array.from({ length: 200 }, (_, i) => node(`n${String(i).padStart(3, '0')}`));
    const a = new SchedulingAlgorithm({ profile: defaultProfile, random: seeded(1), percentageOfNodesToScore: 50 });
    const first = a.schedule(newPodInfo(makePod('p1')), nodes);
    expect(first.evaluatedNodes).toBe(100);
    expect(first.feasibleNodes).toBe(100);
    const picks = new Set<string>();
    for (let i = 0; i < 4; i++) picks.add(a.schedule(newPodInfo(makePod(`p${i}`)), nodes).node);
    // Alternating halves: picks come from both n000-n099 and n100-n199.
    expect([...picks].some((n) => n < 'n100')).toBe(true);
    expect([...picks].some((n) => n >= 'n100')).toBe(true);
  });
});
