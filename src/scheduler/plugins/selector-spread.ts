// Spreading the pods of one controller (upstream SelectorSpread, and what PodTopologySpread's
// default constraints do today): a node with fewer pods of the pod's controller scores higher, and
// when nodes carry zone labels, a less crowded zone counts for two thirds of the score.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { MAX_NODE_SCORE, type ScorePlugin } from './types.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
const ZONE_WEIGHTING = 2 / 3;

export const selectorSpreadScore: ScorePlugin = {
  name: 'SelectorSpread',
  weight: 2,
  score(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const owner = pod.controllerUid;
    if (owner === undefined) return nodes.map(() => MAX_NODE_SCORE);
    const counts = nodes.map((n) => n.controllerPods(owner));
    const zoneOf = (n: NodeInfo): string | undefined => n.node?.metadata?.labels?.[ZONE_LABEL];
    const zoneCounts = new Map<string, number>();
    nodes.forEach((n, i) => {
      const zone = zoneOf(n);
      if (zone !== undefined) zoneCounts.set(zone, (zoneCounts.get(zone) ?? 0) + (counts[i] ?? 0));
    });
    const maxNode = Math.max(0, ...counts);
    const maxZone = Math.max(0, ...zoneCounts.values());
    return nodes.map((n, i) => {
      let score = maxNode > 0 ? (MAX_NODE_SCORE * (maxNode - (counts[i] ?? 0))) / maxNode : MAX_NODE_SCORE;
      const zone = zoneOf(n);
      if (zoneCounts.size > 0 && zone !== undefined) {
        const zoneScore = maxZone > 0 ? (MAX_NODE_SCORE * (maxZone - (zoneCounts.get(zone) ?? 0))) / maxZone : MAX_NODE_SCORE;
        score = score * (1 - ZONE_WEIGHTING) + ZONE_WEIGHTING * zoneScore;
      }
      return Math.trunc(score);
    });
  },
};
