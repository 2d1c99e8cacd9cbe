// The default profile: filters in upstream's order (the first failing one decides a node's reason)
// and scores with upstream's default weights (TaintToleration 3, NodeAffinity 2, spreading 2,
// NodeResourcesFit 1, BalancedAllocation 1).
import { balancedAllocationScore } from './balanced-allocation.js';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFitFilter, nodeResourcesFitScore } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { selectorSpreadScore } from './selector-spread.js';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.js';
import type { FilterPlugin, ScorePlugin } from './types.js';

export interface Profile {
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly ScorePlugin[];
}

export const defaultProfile: Profile = {
  filters: [nodeUnschedulable, taintTolerationFilter, nodeAffinityFilter, nodePorts, nodeResourcesFitFilter],
  scores: [taintTolerationScore, nodeAffinityScore, selectorSpreadScore, nodeResourcesFitScore, balancedAllocationScore],
};
