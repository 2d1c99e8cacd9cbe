// Writes a node's taints (upstream SwapNodeControllerTaint): a merge patch of spec.taints that
// carries the resourceVersion it was computed from, so a concurrent writer (the superlet, kubectl
// taint, this controller's other loop) makes it 409, and it re-reads and recomputes.
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import { Nodes } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import { swappedTaints } from './taints.js';

const RETRIES = 5;

/** Taints as metav1.Time wants them stamped: whole seconds. */
export function timeStamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Adds `add` (NoExecute ones stamped with timeAdded) and removes `remove`, starting from the
 * cached node. True when the node ends up so (or is gone); throws after repeated conflicts.
 */
export async function swapNodeTaints(client: RestClient, cached: Readonly<Node>, add: readonly Taint[], remove: readonly Taint[], now: Date): Promise<boolean> {
  const stamped = add.map((t) => (t.effect === 'NoExecute' ? { ...t, timeAdded: timeStamp(now) } : t));
  let node: Readonly<Node> = cached;
  for (let attempt = 0; ; attempt++) {
    const taints = swappedTaints(node.spec?.taints, stamped, remove);
    if (taints === undefined) return true;
    try {
      await client.patch<Node>(Nodes, node.metadata?.name ?? '', undefined, { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints } }, 'merge');
      return true;
    } catch (error) {
      if (isNotFound(error)) return true;
      if (!isConflict(error) || attempt + 1 >= RETRIES) throw error;
    }
    try {
      node = await client.get<Node>(Nodes, node.metadata?.name ?? '');
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
  }
}
