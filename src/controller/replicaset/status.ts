// A ReplicaSet's status from the pods it owns (upstream calculateStatus and the condition helpers
// in replica_set_utils.go), and whether it differs from what is stored, so the status
// subresource is written only on change.
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { selectorFromSet } from '../../api/label-selector.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from './pod-state.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** Kubernetes timestamps are RFC 3339 with whole seconds. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function getCondition(status: Readonly<ReplicaSetStatus> | undefined, type: string): Readonly<ReplicaSetCondition> | undefined {
  return (status?.conditions ?? []).find((c) => c.type === type);
}

/** Adds or replaces the condition, keeping the old one when status and reason are unchanged (upstream SetCondition). */
export function setCondition(status: ReplicaSetStatus, condition: ReplicaSetCondition): void {
  const current = getCondition(status, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason) return;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), condition];
}

export function removeCondition(status: ReplicaSetStatus, type: string): void {
  const left = (status.conditions ?? []).filter((c) => c.type !== type);
  if (left.length > 0) status.conditions = left;
  else delete status.conditions;
}

/**
 * The new status: counts over the active pods the ReplicaSet owns, and the ReplicaFailure
 * condition set when creating or deleting failed (reason FailedCreate or FailedDelete, the error
 * as message) and removed once a sync manages its replicas without error.
 */
export function calculateStatus(rs: Readonly<ReplicaSet>, pods: readonly Readonly<Pod>[], manageReplicasError: Error | undefined, nowMs: number): ReplicaSetStatus {
  const status: ReplicaSetStatus = structuredClone<ReplicaSetStatus>(rs.status ?? { replicas: 0 });
  // Pods may carry more labels than the template; the template's are a superset of the selector's.
  const template = selectorFromSet(rs.spec?.template?.metadata?.labels);
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (template.matches(pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, nowMs)) available++;
    }
  }

  const failure = getCondition(rs.status, REPLICA_FAILURE);
  if (manageReplicasError !== undefined && failure === undefined) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    setCondition(status, {
      type: REPLICA_FAILURE,
      status: 'True',
      lastTransitionTime: timestamp(nowMs),
      reason,
      message: manageReplicasError.message,
    });
  } else if (manageReplicasError === undefined && failure !== undefined) {
    removeCondition(status, REPLICA_FAILURE);
  }

  status.replicas = pods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  return status;
}

/**
 * True when the stored status already says this (and the generation was observed): the steady
 * state, where writing would only churn resourceVersions and wake every watcher (upstream
 * updateReplicaSetStatus's early return).
 */
export function statusUpToDate(rs: Readonly<ReplicaSet>, status: Readonly<ReplicaSetStatus>): boolean {
  const old = rs.status;
  return (
    (old?.replicas ?? 0) === status.replicas &&
    (old?.fullyLabeledReplicas ?? 0) === (status.fullyLabeledReplicas ?? 0) &&
    (old?.readyReplicas ?? 0) === (status.readyReplicas ?? 0) &&
    (old?.availableReplicas ?? 0) === (status.availableReplicas ?? 0) &&
    (rs.metadata?.generation ?? 0) === (old?.observedGeneration ?? 0) &&
    JSON.stringify(old?.conditions ?? []) === JSON.stringify(status.conditions ?? [])
  );
}

/**
 * How long until the next ready pod becomes available, so the status is recomputed then: no pod
 * event will announce it, since availability is only time passing.
 */
export function nextAvailabilityCheckMs(rs: Readonly<ReplicaSet>, pods: readonly Readonly<Pod>[], nowMs: number): number | undefined {
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let next: number | undefined;
  for (const pod of pods) {
    const wait = msUntilAvailable(pod, minReadySeconds, nowMs);
    if (wait !== undefined && (next === undefined || wait < next)) next = wait;
  }
  return next;
}
