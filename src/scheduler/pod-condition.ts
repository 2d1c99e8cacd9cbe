// The PodScheduled=False condition a pod carries while it waits (upstream updatePod with
// podutil.UpdatePodCondition): written only when status, reason or message change, keeping
// lastTransitionTime while the status stays the same.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';

export const REASON_UNSCHEDULABLE = 'Unschedulable';
export const REASON_SCHEDULER_ERROR = 'SchedulerError';

/** The strategic-merge patch for pods/status, or undefined when the pod already says this. */
export function podScheduledFalsePatch(pod: Readonly<Pod>, reason: string, message: string, now: Date): { status: { conditions: PodCondition[] } } | undefined {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (current?.status === 'False' && current.reason === reason && current.message === message) return undefined;
  const transition = current?.status === 'False' && current.lastTransitionTime !== undefined ? current.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    status: {
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastTransitionTime: transition }],
    },
  };
}
