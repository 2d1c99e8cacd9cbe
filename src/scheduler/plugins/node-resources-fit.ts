// NodeResourcesFit: the pod's requests must fit in the node's allocatable minus what its pods
// request (upstream fitsRequest, with its reasons and their order); its score is LeastAllocated.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS, get } from '../resources.js';
import { type FilterFailure, type FilterPlugin, MAX_NODE_SCORE, type ScorePlugin } from './types.js';

export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';

/** The reasons the node cannot hold the pod's requests; empty when it can. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (BigInt(node.podCount + 1) > get(node.allocatable, PODS)) reasons.push(ERR_REASON_TOO_MANY_PODS);
  for (const [resource, want] of pod.checkedRequests) {
    // A node that reports no ephemeral-storage is not judged on it (our superlet may not measure disks).
    if (resource === EPHEMERAL_STORAGE && !node.allocatable.has(EPHEMERAL_STORAGE)) continue;
    if (want > get(node.allocatable, resource) - get(node.requested, resource)) reasons.push(`Insufficient ${resource}`);
  }
  return reasons;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
    const reasons = insufficientResources(pod, node);
    return reasons.length === 0 ? undefined : { plugin: this.name, code: 'Unschedulable', reasons };
  },
};

/** ((capacity - requested) * 100 / capacity), 0 when over capacity (upstream leastRequestedScore). */
export function leastRequestedScore(requested: bigint, capacity: bigint): number {
  if (capacity <= 0n || requested > capacity) return 0;
  return Number(((capacity - requested) * BigInt(MAX_NODE_SCORE)) / capacity);
}

/** The mean over cpu and memory (weight 1 each) of the share left free once the pod is placed. */
export function leastAllocated(pod: PodInfo, node: NodeInfo): number {
  let total = 0;
  let weights = 0;
  const pairs: [bigint, bigint][] = [
    [node.nonZeroCpu + pod.nonZeroCpu, get(node.allocatable, CPU)],
    [node.nonZeroMemory + pod.nonZeroMemory, get(node.allocatable, MEMORY)],
  ];
  for (const [requested, capacity] of pairs) {
    // Resources the node does not report are left out, as upstream does.
    if (capacity === 0n) continue;
    total += leastRequestedScore(requested, capacity);
    weights += 1;
  }
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

export const nodeResourcesFitScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  score(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    return nodes.map((n) => leastAllocated(pod, n));
  },
};
