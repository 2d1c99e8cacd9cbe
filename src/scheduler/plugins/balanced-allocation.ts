// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in equal
// shares once the pod is placed: score = (1 - std of the shares) * 100 (upstream balancedResourceScorer).
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { CPU, MEMORY, get } from '../resources.js';
import { MAX_NODE_SCORE, type ScorePlugin } from './types.js';

export function balancedScore(pod: PodInfo, node: NodeInfo): number {
  const fractions: number[] = [];
  for (const resource of [CPU, MEMORY]) {
    const capacity = get(node.allocatable, resource);
    if (capacity === 0n) continue;
    const requested = get(node.requested, resource) + get(pod.requests, resource);
    fractions.push(Math.min(1, Number(requested) / Number(capacity)));
  }
  let std = 0;
  if (fractions.length === 2) std = Math.abs(((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2);
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    // A pod that requests neither says nothing about balance; upstream skips it too.
    if (get(pod.requests, CPU) === 0n && get(pod.requests, MEMORY) === 0n) return nodes.map(() => 0);
    return nodes.map((n) => balancedScore(pod, n));
  },
};
