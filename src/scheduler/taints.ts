// The taints a node effectively has, and the taint keys the scheduler and controllers share.
import type { Node, Taint } from 'kubernetes-types/core/v1.js';


export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** The node's Ready condition status: "True", "False", or "Unknown" (also when it has none). */
export function readyStatus(node: Readonly<Node>): string {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
}

/**
 * spec.taints, plus the NoSchedule taint upstream's node lifecycle controller puts on a node that is
 * not Ready (not-ready when False, unreachable when Unknown). Deriving it here keeps pods off such
 * nodes before any controller has tainted them, and still lets pods that tolerate it (DaemonSets) in.
 */
export function effectiveTaints(node: Readonly<Node>): Taint[] {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = readyStatus(node);
  if (ready !== 'True') {
    const key = ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) taints.push({ key, effect: 'NoSchedule' });
  }
  return taints;
}
