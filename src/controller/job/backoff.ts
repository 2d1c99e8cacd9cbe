// Pod-failure back-off of a Job (upstream backoff_utils.go): after n failures in a row (failures
// since the last success) the next pod waits base * 2^(n-1), capped, counted from the last failure.
// Upstream keeps that record in memory; here it is recomputed from the Job's pods every sync, which
// gives the same answer while the pods exist and survives a controller restart.
import type { Pod } from 'kubernetes-types/core/v1.js';

/** 10 s doubling to 6 min, as the Job documentation says. */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 360_000;

export interface BackoffRecord {
  /** Failed pods that finished after the last succeeded one. */
  readonly failuresAfterLastSuccess: number;
  /** When the latest of those failed (ms since epoch). */
  readonly lastFailureTime?: number;
}

/** When a finished pod finished: its containers' latest finish, else Ready=False, else its deletion, else its creation. */
export function finishedTime(pod: Readonly<Pod>): number {
  const fromContainers = containersFinishedAt(pod);
  if (fromContainers !== undefined) return fromContainers;
  const notReady = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False')?.lastTransitionTime;
  if (notReady !== undefined) return Date.parse(notReady);
  if (pod.metadata?.deletionTimestamp !== undefined) return Date.parse(pod.metadata.deletionTimestamp);
  return Date.parse(pod.metadata?.creationTimestamp ?? '') || 0;
}

/** The back-off record the Job's finished pods give. */
export function backoffRecordOf(pods: readonly Readonly<Pod>[]): BackoffRecord {
  let lastSuccess = -Infinity;
  for (const pod of pods) if (pod.status?.phase === 'Succeeded') lastSuccess = Math.max(lastSuccess, finishedTime(pod));
  let failures = 0;
  let lastFailure: number | undefined;
  for (const pod of pods) {
    if (pod.status?.phase !== 'Failed') continue;
    const at = finishedTime(pod);
    if (at <= lastSuccess) continue;
    failures++;
    lastFailure = Math.max(lastFailure ?? -Infinity, at);
  }
  return lastFailure === undefined ? { failuresAfterLastSuccess: failures } : { failuresAfterLastSuccess: failures, lastFailureTime: lastFailure };
}

/** The back-off after `failures` failures in a row: base, doubled per extra failure, capped at max. */
export function backoffDurationMs(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  let duration = baseMs;
  for (let i = 1; i < failures; i++) {
    duration *= 2;
    if (duration >= maxMs) return maxMs;
  }
  return Math.min(duration, maxMs);
}

/** How long pod creation must still wait at `nowMs` (0: create now). */
export function remainingBackoffMs(record: BackoffRecord, nowMs: number, baseMs: number, maxMs: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  const duration = backoffDurationMs(record.failuresAfterLastSuccess, baseMs, maxMs);
  const elapsed = nowMs - record.lastFailureTime;
  return elapsed >= duration ? 0 : duration - elapsed;
}

function containersFinishedAt(pod: Readonly<Pod>): number | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  if (statuses.length === 0) return undefined;
  let latest: number | undefined;
  for (const status of statuses) {
    const finishedAt = status.state?.terminated?.finishedAt;
    // A container not terminated means the pod's end is not known from its containers.
    if (finishedAt === undefined) return undefined;
    latest = Math.max(latest ?? -Infinity, Date.parse(finishedAt));
  }
  return latest;
}
