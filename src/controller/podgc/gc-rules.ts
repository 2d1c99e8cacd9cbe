// Which pods PodGC deletes, as pure functions of the cached pods and nodes (upstream
// pkg/controller/podgc/gc_controller.go), so the rules are tested without a server.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

/** The out-of-service taint an administrator puts on a node that is known to be down for good. */
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/** Upstream isPodTerminated: any phase but Pending, Running and Unknown (Succeeded, Failed). */
export function isTerminated(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

export function isTerminating(pod: Readonly<Pod>): boolean {
  return pod.metadata?.deletionTimestamp !== undefined;
}

function isEvicted(pod: Readonly<Pod>): boolean {
  return pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';
}

function isNodeReady(node: Readonly<Node>): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** Upstream byEvictionAndCreationTimestamp: evicted pods first, then the oldest, names breaking ties. */
export function byEvictionAndCreation(a: Readonly<Pod>, b: Readonly<Pod>): number {
  const ae = isEvicted(a);
  const be = isEvicted(b);
  if (ae !== be) return ae ? -1 : 1;
  const at = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const bt = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (at !== bt) return at - bt;
  const an = a.metadata?.name ?? '';
  const bn = b.metadata?.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** gcTerminated: the terminated pods beyond the threshold, the ones to delete first. */
export function terminatedBeyondThreshold(pods: readonly Readonly<Pod>[], threshold: number): Readonly<Pod>[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isTerminated);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  return [...terminated].sort(byEvictionAndCreation).slice(0, excess);
}

/** gcTerminating: terminating pods on a node that is not Ready and carries the out-of-service taint. */
export function terminatingOnOutOfServiceNodes(pods: readonly Readonly<Pod>[], nodeOf: (name: string) => Readonly<Node> | undefined): Readonly<Pod>[] {
  return pods
    .filter((pod) => {
      if (!isTerminating(pod)) return false;
      const node = nodeOf(pod.spec?.nodeName ?? '');
      return node !== undefined && !isNodeReady(node) && (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE);
    })
    .sort(byEvictionAndCreation);
}

/** gcUnscheduledTerminating: terminating pods never bound to a node (no superlet will finish them). */
export function unscheduledTerminating(pods: readonly Readonly<Pod>[]): Readonly<Pod>[] {
  return pods.filter((pod) => isTerminating(pod) && (pod.spec?.nodeName ?? '') === '');
}
