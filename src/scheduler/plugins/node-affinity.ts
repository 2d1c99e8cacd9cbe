// NodeAffinity: spec.nodeSelector and required node affinity filter; preferred terms score by weight.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { podMatchesNode, preferredWeight } from '../node-selector.js';
import { type FilterFailure, type FilterPlugin, type ScorePlugin, normalizeScores } from './types.js';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  filter(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
    if (node.node === undefined || podMatchesNode(pod.pod, node.node)) return undefined;
    return { plugin: this.name, code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_NODE_AFFINITY] };
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  score(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (preferred.length === 0) return nodes.map(() => 0);
    return normalizeScores(
      nodes.map((n) => (n.node === undefined ? 0 : preferredWeight(pod.pod, n.node))),
      false,
    );
  },
};
