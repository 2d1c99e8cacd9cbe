// The endpoints.kubernetes.io/last-change-trigger-time annotation (upstream
// endpointutil.TriggerTimeTracker): the earliest time of the changes a sync publishes that
// earlier syncs had not. A pod's change time is its Ready condition's lastTransitionTime; a
// Service's is its creation. The in-memory state restarts empty, so the first sync after a restart
// counts every pod as changed, as upstream.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { podReadyCondition, timeOf } from '../replicaset/pod-state.js';

interface ServiceState {
  readonly podTriggerTimes: Map<string, number>;
  readonly serviceTriggerTime: number | undefined;
}

export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /** The trigger time for this sync of the Service (ms), or undefined when no change has a time. */
  compute(key: string, service: Readonly<Service>, pods: readonly Readonly<Pod>[]): number | undefined {
    const state = this.states.get(key);
    let triggerTime: number | undefined;
    const earliest = (t: number): void => {
      triggerTime = triggerTime === undefined ? t : Math.min(triggerTime, t);
    };
    const podTriggerTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = timeOf(podReadyCondition(pod)?.lastTransitionTime);
      if (t === undefined) continue;
      const name = pod.metadata?.name ?? '';
      podTriggerTimes.set(name, t);
      const seen = state?.podTriggerTimes.get(name);
      if (seen === undefined || t > seen) earliest(t);
    }
    const serviceTriggerTime = timeOf(service.metadata?.creationTimestamp);
    if (serviceTriggerTime !== undefined && (state?.serviceTriggerTime === undefined || serviceTriggerTime > state.serviceTriggerTime)) {
      earliest(serviceTriggerTime);
    }
    this.states.set(key, { podTriggerTimes, serviceTriggerTime });
    return triggerTime;
  }

  forget(key: string): void {
    this.states.delete(key);
  }
}

/** As Go's time.RFC3339Nano: the fraction without its trailing zeros, none for a whole second. */
export function formatTriggerTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}
