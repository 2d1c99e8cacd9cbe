// Job conditions as upstream writes them (batch/v1 JobConditionType): the interim
// SuccessCriteriaMet / FailureTarget conditions of 1.31+, the terminal Complete / Failed ones added
// once no pod of the Job is left terminating, and Suspended.
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';

export type JobConditionType = 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';

export const REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
export const REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
export const MESSAGE_BACKOFF_LIMIT_EXCEEDED = 'Job has reached the specified backoff limit';
export const MESSAGE_DEADLINE_EXCEEDED = 'Job was active longer than specified deadline';
export const MESSAGE_COMPLETIONS_REACHED = 'Reached expected number of succeeded pods';

/** Kubernetes times are RFC 3339 with whole seconds. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function findCondition(job: Readonly<Job>, type: JobConditionType): Readonly<JobCondition> | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

function isTrue(job: Readonly<Job>, type: JobConditionType): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** Complete or Failed (upstream IsJobFinished). */
export function isJobFinished(job: Readonly<Job>): boolean {
  return isTrue(job, 'Complete') || isTrue(job, 'Failed');
}

/** The terminal condition of a finished Job. */
export function finishedCondition(job: Readonly<Job>): Readonly<JobCondition> | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function newCondition(type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: Date): JobCondition {
  const at = timestamp(now);
  return { type, status, reason, message, lastProbeTime: at, lastTransitionTime: at };
}

/**
 * Sets a condition's status, reason and message (upstream ensureJobConditionStatus): a change
 * rewrites it with fresh times; a missing condition is added, unless it would be added as False.
 */
export function ensureCondition(
  conditions: readonly JobCondition[],
  type: JobConditionType,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: Date,
): { conditions: JobCondition[]; changed: boolean } {
  const existing = conditions.findIndex((c) => c.type === type);
  if (existing >= 0) {
    const c = conditions[existing] as JobCondition;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return { conditions: [...conditions], changed: false };
    const next = [...conditions];
    next[existing] = newCondition(type, status, reason, message, now);
    return { conditions: next, changed: true };
  }
  if (status === 'False') return { conditions: [...conditions], changed: false };
  return { conditions: [...conditions, newCondition(type, status, reason, message, now)], changed: true };
}
