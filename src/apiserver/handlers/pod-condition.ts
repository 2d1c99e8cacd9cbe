// Setting a pod condition as upstream's podutil.UpdatePodCondition does: the transition time moves
// only when the status changes; reason and message are replaced.
import type { KubeObject } from '../registry/resource.js';
import { timestamp } from './object-meta.js';

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export function updatePodCondition(pod: KubeObject, condition: PodCondition, now = new Date()): void {
  const status = (pod.status !== null && typeof pod.status === 'object' ? pod.status : {}) as { conditions?: unknown };
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]) : [];
  const index = conditions.findIndex((c) => c !== null && typeof c === 'object' && c.type === condition.type);
  const old = index >= 0 ? conditions[index] : undefined;
  const lastTransitionTime = old !== undefined && old.status === condition.status ? old.lastTransitionTime : timestamp(now);
  const next = { ...condition, lastProbeTime: null, lastTransitionTime };
  if (index >= 0) conditions[index] = next;
  else conditions.push(next);
  pod.status = { ...status, conditions };
}
