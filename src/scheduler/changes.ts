// Which informer updates can change a scheduling answer. Nodes heartbeat and pods get status
// writes (ours among them) all the time; retrying every unschedulable pod on each of those would
// spin, so only changes that could make a pod fit count (upstream nodeSchedulingPropertiesChange
// and isPodUpdated).
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { readyStatus } from './taints.js';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function conditionStatuses(node: Readonly<Node>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of node.status?.conditions ?? []) out[c.type] = c.status;
  return out;
}

/** True when the update could let a pod fit that did not before. */
export function nodeChangeMayHelp(oldNode: Readonly<Node>, newNode: Readonly<Node>): boolean {
  if (oldNode.spec?.unschedulable === true && newNode.spec?.unschedulable !== true) return true;
  if (!same(oldNode.status?.allocatable, newNode.status?.allocatable)) return true;
  if (!same(oldNode.metadata?.labels, newNode.metadata?.labels)) return true;
  if (!same(oldNode.spec?.taints, newNode.spec?.taints)) return true;
  if (readyStatus(oldNode) !== readyStatus(newNode)) return true;
  return !same(conditionStatuses(oldNode), conditionStatuses(newNode));
}

// What a pod is, scheduling-wise: everything but its status and bookkeeping fields.
function schedulingView(pod: Readonly<Pod>): unknown {
  const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = pod.metadata ?? {};
  return { meta, spec: pod.spec };
}

/** True when something other than status or bookkeeping changed (our own status writes do not count). */
export function podChangeIsRelevant(oldPod: Readonly<Pod>, newPod: Readonly<Pod>): boolean {
  return !same(schedulingView(oldPod), schedulingView(newPod));
}
