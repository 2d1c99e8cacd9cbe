// One scheduling decision (upstream schedulePod): filter the nodes, starting where the last pod
// stopped and stopping once enough feasible ones are found; score them; pick the best, breaking
// ties at random so equal nodes share the load.
import { FitError, NoNodesAvailableError } from './fit-error.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Profile } from './plugins/default-profile.js';
import type { FilterFailure } from './plugins/types.js';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** How many feasible nodes are enough (upstream numFeasibleNodesToFind, adaptive when percentage is 0). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100) return numAllNodes;
  let p = percentage;
  if (p <= 0) p = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * p) / 100));
}

export interface NodeScore {
  readonly node: string;
  readonly total: number;
}

export interface ScheduleResult {
  readonly node: string;
  readonly evaluatedNodes: number;
  readonly feasibleNodes: number;
}

export interface SchedulingAlgorithmOptions {
  readonly profile: Profile;
  /** In [0, 1); tests pass a seeded one. */
  readonly random?: () => number;
  /** 0 means upstream's adaptive default. */
  readonly percentageOfNodesToScore?: number;
}

export class SchedulingAlgorithm {
  private nextStartNodeIndex = 0;
  private readonly random: () => number;

  constructor(private readonly options: SchedulingAlgorithmOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The first filter that rejects the node, or undefined when the node can take the pod. */
  runFilters(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
    for (const plugin of this.options.profile.filters) {
      const failure = plugin.filter(pod, node);
      if (failure !== undefined) return failure;
    }
    return undefined;
  }

  /** Throws NoNodesAvailableError or FitError when no node fits. */
  schedule(pod: PodInfo, nodes: readonly NodeInfo[]): ScheduleResult {
    if (nodes.length === 0) throw new NoNodesAvailableError();
    const { feasible, failures, processed } = this.findNodesThatFit(pod, nodes);
    if (feasible.length === 0) throw new FitError(pod.pod, nodes.length, failures);
    const only = feasible[0];
    if (feasible.length === 1 && only !== undefined) return { node: only.name, evaluatedNodes: processed, feasibleNodes: 1 };
    const node = this.selectHost(this.prioritize(pod, feasible));
    return { node, evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  private findNodesThatFit(pod: PodInfo, nodes: readonly NodeInfo[]): { feasible: NodeInfo[]; failures: Map<string, FilterFailure>; processed: number } {
    const want = numFeasibleNodesToFind(nodes.length, this.options.percentageOfNodesToScore ?? 0);
    const feasible: NodeInfo[] = [];
    const failures = new Map<string, FilterFailure>();
    const start = this.nextStartNodeIndex % nodes.length;
    let processed = 0;
    for (let i = 0; i < nodes.length && feasible.length < want; i++) {
      const node = nodes[(start + i) % nodes.length];
      if (node === undefined) continue;
      processed++;
      const failure = this.runFilters(pod, node);
      if (failure === undefined) feasible.push(node);
      else failures.set(node.name, failure);
    }
    // The next pod starts where this one stopped, so every node gets its turn in big clusters.
    this.nextStartNodeIndex = (start + processed) % nodes.length;
    return { feasible, failures, processed };
  }

  /** Weighted sum of every score plugin's normalized score, per node. */
  prioritize(pod: PodInfo, nodes: readonly NodeInfo[]): NodeScore[] {
    const totals = nodes.map(() => 0);
    for (const plugin of this.options.profile.scores) {
      const scores = plugin.score(pod, nodes);
      scores.forEach((s, i) => (totals[i] = (totals[i] ?? 0) + s * plugin.weight));
    }
    return nodes.map((n, i) => ({ node: n.name, total: totals[i] ?? 0 }));
  }

  /** The highest score; among equals, each is equally likely (reservoir sampling, as upstream). */
  selectHost(scores: readonly NodeScore[]): string {
    let best: NodeScore | undefined;
    let ties = 0;
    for (const s of scores) {
      if (best === undefined || s.total > best.total) {
        best = s;
        ties = 1;
      } else if (s.total === best.total) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = s;
      }
    }
    if (best === undefined) throw new Error('selectHost: no nodes to choose from');
    return best.node;
  }
}
