// TaintToleration: NoSchedule and NoExecute taints keep out pods that do not tolerate them;
// PreferNoSchedule taints only lower a node's score, by how many of them the pod does not tolerate.
import type { Toleration } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { tolerated } from '../../api/tolerations.js';
import { type FilterFailure, type FilterPlugin, type ScorePlugin, normalizeScores } from './types.js';

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
    const tolerations = pod.pod.spec?.tolerations;
    const taint = node.taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerated(tolerations, t));
    if (taint === undefined) return undefined;
    return {
      plugin: this.name,
      code: 'UnschedulableAndUnresolvable',
      reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`],
    };
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  score(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    // A toleration without an effect tolerates every effect, PreferNoSchedule included.
    const tolerations: Toleration[] = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    const raw = nodes.map((n) => n.taints.filter((t) => t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t)).length);
    return normalizeScores(raw, true);
  },
};
