// The two kinds of plugin of the scheduling cycle (upstream framework.FilterPlugin and ScorePlugin).
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

/**
 * Unschedulable: the node might take the pod if other pods left it (preemption could help).
 * UnschedulableAndUnresolvable: removing pods would not change the answer.
 */
export type FailureCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface FilterFailure {
  readonly plugin: string;
  readonly code: FailureCode;
  /** Each reason counts once in "0/N nodes are available: ..." */
  readonly reasons: readonly string[];
}

export interface FilterPlugin {
  readonly name: string;
  /** undefined when the node can take the pod. */
  filter(pod: PodInfo, node: NodeInfo): FilterFailure | undefined;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** One score per node, already normalized to 0..MAX_NODE_SCORE. */
  score(pod: PodInfo, nodes: readonly NodeInfo[]): number[];
}

export const MAX_NODE_SCORE = 100;

/**
 * Scales raw scores so the highest becomes MAX_NODE_SCORE, or the lowest with `reverse`
 * (upstream helper.DefaultNormalizeScore, integer arithmetic included).
 */
export function normalizeScores(scores: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map((s) => (reverse ? MAX_NODE_SCORE : s));
  return scores.map((s) => {
    const scaled = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}
