// The annotations the deployment controller keeps on Deployments and their ReplicaSets (upstream
// deploymentutil): the revision of each template, the revisions an old ReplicaSet brought back
// used to have, the size the deployment had when it last scaled a ReplicaSet (proportional scaling
// reads it), and the user's own annotations (kubernetes.io/change-cause) copied to the new
// ReplicaSet, which is where `kubectl rollout history` reads them.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { desiredReplicas, maxSurge } from './fenceposts.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Upstream caps revision-history at this many characters. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

// Never copied from a deployment to its ReplicaSets (nor back on a rollback): they describe the
// object they are on, not the template.
const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
]);

export function skipCopyAnnotation(key: string): boolean {
  return ANNOTATIONS_TO_SKIP.has(key);
}

function annotationsOf(obj: { metadata?: { annotations?: Record<string, string> } }): Record<string, string> {
  obj.metadata ??= {};
  obj.metadata.annotations ??= {};
  return obj.metadata.annotations;
}

/** Copies the deployment's annotations (but the skipped ones) onto rs; true if rs changed. */
export function copyDeploymentAnnotationsToReplicaSet(d: Readonly<Deployment>, rs: ReplicaSet): boolean {
  const target = annotationsOf(rs);
  let changed = false;
  for (const [key, value] of Object.entries(d.metadata?.annotations ?? {})) {
    // The deployment's revision is copied from its new ReplicaSet, not the other way round: the
    // ReplicaSet's number is the reliable one (the deployment's write may have failed).
    if (skipCopyAnnotation(key) || target[key] === value) continue;
    target[key] = value;
    changed = true;
  }
  return changed;
}

/** Sets desired-replicas and max-replicas; true if either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = annotationsOf(rs);
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: Readonly<ReplicaSet>, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations;
  return a?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

function intAnnotation(rs: Readonly<ReplicaSet>, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

export const desiredReplicasAnnotation = (rs: Readonly<ReplicaSet>): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: Readonly<ReplicaSet>): number | undefined => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

/**
 * The new ReplicaSet's annotations (SetNewReplicaSetAnnotations): the deployment's own, the
 * revision raised to newRevision if lower (an old ReplicaSet brought back by a rollback keeps its
 * former numbers in revision-history), and, for one about to be created, the replicas annotations.
 * True if anything changed.
 */
export function setNewReplicaSetAnnotations(d: Readonly<Deployment>, rs: ReplicaSet, newRevision: number, exists: boolean, historyLimitChars = MAX_REVISION_HISTORY_CHARS): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const a = annotationsOf(rs);
  const oldRevision = a[REVISION_ANNOTATION];
  let oldRevisionInt = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    // Not a number: leave the ReplicaSet's revision alone, as upstream does.
    if (!/^[+-]?\d+$/.test(oldRevision)) return changed;
    oldRevisionInt = Number(oldRevision);
  }
  if (oldRevisionInt < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
      if (history === '') {
        a[REVISION_HISTORY_ANNOTATION] = oldRevision;
      } else {
        // Drop the oldest entries until the new one fits in the limit.
        let revisions = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > historyLimitChars && start < revisions.length) {
          total -= (revisions[start]?.length ?? 0) + 1;
          start++;
        }
        if (total <= historyLimitChars) {
          revisions = [...revisions.slice(start), oldRevision];
          a[REVISION_HISTORY_ANNOTATION] = revisions.join(',');
        }
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Sets the deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = annotationsOf(d);
  if (a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}

/** On a rollback, the deployment takes the ReplicaSet's annotations (but keeps its own skipped ones). */
export function setDeploymentAnnotationsTo(d: Deployment, rollbackTo: Readonly<ReplicaSet>): void {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(d.metadata?.annotations ?? {})) if (skipCopyAnnotation(key)) kept[key] = value;
  for (const [key, value] of Object.entries(rollbackTo.metadata?.annotations ?? {})) if (!skipCopyAnnotation(key)) kept[key] = value;
  d.metadata ??= {};
  d.metadata.annotations = kept;
}
