// What each informer event does to the scheduler's cache and queue (upstream eventhandlers.go):
// pending pods enter and leave the queue; bound pods and nodes feed the cache; and the changes that
// can make a waiting pod fit (a node added, a node gaining room or losing a taint, a bound pod
// going away) send the unschedulable pods back for another try.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Informer } from '../client/informer.js';
import type { SchedulerCache } from './cache.js';
import { nodeChangeMayHelp, podChangeIsRelevant } from './changes.js';
import { podKey } from './pod-info.js';
import type { PodRef, SchedulingQueue } from './scheduling-queue.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** True when this scheduler should find a node for the pod now. */
export function isOurPendingPod(pod: Readonly<Pod>, schedulerName: string): boolean {
  const name = pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME;
  if (name !== schedulerName) return false;
  if ((pod.spec?.nodeName ?? '') !== '') return false;
  if (pod.metadata?.deletionTimestamp !== undefined) return false;
  // Gated pods wait until every gate is removed (upstream's SchedulingGates plugin).
  if ((pod.spec?.schedulingGates ?? []).length > 0) return false;
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export function podRef(pod: Readonly<Pod>): PodRef {
  return { key: podKey(pod), uid: pod.metadata?.uid ?? '', priority: pod.spec?.priority ?? 0 };
}

export interface HandlerTargets {
  readonly pending: Informer<Pod>;
  readonly bound: Informer<Pod>;
  readonly nodes: Informer<Node>;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly schedulerName: string;
}

export function registerHandlers(t: HandlerTargets): void {
  const { cache, queue } = t;

  t.pending.onAdd((pod) => {
    if (isOurPendingPod(pod, t.schedulerName)) queue.add(podRef(pod));
  });
  t.pending.onUpdate((oldPod, newPod) => {
    if (oldPod === newPod) return; // a resync: nothing changed
    if (!isOurPendingPod(newPod, t.schedulerName)) queue.delete(podKey(newPod));
    else queue.update(podRef(newPod), podChangeIsRelevant(oldPod, newPod));
  });
  // Also when the pod got bound: it leaves the pending filter.
  t.pending.onDelete((pod) => queue.delete(podKey(pod)));

  t.bound.onAdd((pod) => cache.addPod(pod));
  t.bound.onUpdate((oldPod, newPod) => {
    if (oldPod !== newPod) cache.updatePod(newPod);
  });
  // Deleted, or finished (it leaves the filter on Succeeded/Failed): its room is free again.
  t.bound.onDelete((pod) => {
    cache.removePod(pod);
    queue.moveAllToActiveOrBackoff();
  });

  t.nodes.onAdd((node) => {
    cache.addNode(node);
    queue.moveAllToActiveOrBackoff();
  });
  t.nodes.onUpdate((oldNode, newNode) => {
    if (oldNode === newNode) return;
    cache.updateNode(newNode);
    if (nodeChangeMayHelp(oldNode, newNode)) queue.moveAllToActiveOrBackoff();
  });
  t.nodes.onDelete((node) => cache.removeNode(node.metadata?.name ?? ''));
}
