// Why a pod fits no node, worded as upstream's FitError and DefaultPreemption word it, e.g.
// "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.
// preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption
// is not helpful for scheduling."
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { FilterFailure } from './plugins/types.js';

export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

/** "N reason" entries, sorted as strings the way upstream sorts them (count first, so "10 x" < "2 y"). */
export function reasonHistogram(reasonsPerNode: Iterable<readonly string[]>): string[] {
  const counts = new Map<string, number>();
  for (const reasons of reasonsPerNode) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function nodesAvailableMessage(numAllNodes: number, reasonsPerNode: Iterable<readonly string[]>): string {
  const histogram = reasonHistogram(reasonsPerNode);
  return `0/${numAllNodes} nodes are available:` + (histogram.length > 0 ? ` ${histogram.join(', ')}.` : '');
}

/**
 * What preemption would say. This scheduler does not preempt yet, and the API serves no
 * PriorityClasses, so every pod has equal priority and no node holds a victim: a node that failed
 * for a reason evicting pods could cure finds no victims; any other node is not helped by preemption.
 */
export function preemptionMessage(pod: Readonly<Pod>, numAllNodes: number, failures: Iterable<FilterFailure>): string {
  if (pod.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const perNode: string[][] = [];
  for (const f of failures) perNode.push([f.code === 'UnschedulableAndUnresolvable' ? PREEMPTION_NOT_HELPFUL : NO_PREEMPTION_VICTIMS]);
  return `preemption: ${nodesAvailableMessage(numAllNodes, perNode)}`;
}

export class FitError extends Error {
  readonly code = 'FitError';

  constructor(
    readonly pod: Readonly<Pod>,
    readonly numAllNodes: number,
    /** The first failing filter of each node, by node name. */
    readonly failures: ReadonlyMap<string, FilterFailure>,
  ) {
    const values = [...failures.values()];
    super(
      `${nodesAvailableMessage(
        numAllNodes,
        values.map((f) => f.reasons),
      )} ${preemptionMessage(pod, numAllNodes, values)}`,
    );
    this.name = 'FitError';
  }
}

/** No node exists at all. */
export class NoNodesAvailableError extends Error {
  readonly code = 'NoNodesAvailable';

  constructor() {
    super(ERR_NO_NODES_AVAILABLE);
    this.name = 'NoNodesAvailableError';
  }
}
