// What a controller reads off a pod: is it active, ready, available, and who controls it
// (upstream's controller.IsPodActive, podutil.IsPodReady / IsPodAvailable, metav1.GetControllerOf).
// Pure functions over the API types.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../client/rest-client.js';

/**
 * A pod that counts as a replica: not Succeeded or Failed, and not being deleted. A terminating
 * pod is already on its way out, so the controller replaces it at once rather than after its
 * grace period.
 */
export function isPodActive(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata?.deletionTimestamp == null;
}

export function podReadyCondition(pod: Readonly<Pod>): Readonly<PodCondition> | undefined {
  return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Readonly<Pod>): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Milliseconds of a Kubernetes timestamp, or undefined for a missing or unparsable one (Go's zero time). */
export function timeOf(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When the pod became ready, if it is. */
export function podReadyTime(pod: Readonly<Pod>): number | undefined {
  const ready = podReadyCondition(pod);
  return ready?.status === 'True' ? timeOf(ready.lastTransitionTime) : undefined;
}

/**
 * Ready for at least minReadySeconds (upstream IsPodAvailable): with minReadySeconds 0 readiness
 * is enough; otherwise the Ready condition must have turned true strictly more than that long ago.
 */
export function isPodAvailable(pod: Readonly<Pod>, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/**
 * For a ready pod that is not yet available, how long until it is (just past the instant, since
 * availability needs strictly more than minReadySeconds); undefined otherwise.
 */
export function msUntilAvailable(pod: Readonly<Pod>, minReadySeconds: number, nowMs: number): number | undefined {
  if (minReadySeconds <= 0 || !isPodReady(pod) || isPodAvailable(pod, minReadySeconds, nowMs)) return undefined;
  const since = podReadyTime(pod);
  if (since === undefined) return undefined;
  return Math.max(0, since + minReadySeconds * 1000 - nowMs) + 1;
}

/** The owner reference with controller: true, if any (metav1.GetControllerOf). */
export function controllerRefOf(obj: Readonly<KubeObject>): Readonly<OwnerReference> | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((ref) => ref.controller === true);
}

/** "namespace/name", upstream's controller.PodKey, what deletion expectations track. */
export function podKey(pod: Readonly<Pod>): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
