// Rollback through the deprecated.deployment.rollback.to annotation (upstream rollback.go; the
// annotation round-trips the old extensions/v1beta1 spec.rollbackTo). kubectl rollout undo does not
// use it since 1.9 (it copies the ReplicaSet's template into the deployment itself), but a client
// that sets it gets upstream's behaviour and events.
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { ROLLBACK_TO_ANNOTATION, setDeploymentAnnotationsTo } from './annotations.js';
import type { DeploymentSync } from './deployment-sync.js';
import { POD_TEMPLATE_HASH_LABEL } from './hash.js';
import { equalIgnoreHash, lastRevision, revisionOf, type RS } from './replica-sets.js';

export const ROLLBACK_REVISION_NOT_FOUND = 'DeploymentRollbackRevisionNotFound';
export const ROLLBACK_TEMPLATE_UNCHANGED = 'DeploymentRollbackTemplateUnchanged';
export const ROLLBACK_DONE = 'DeploymentRollback';

/** The revision asked for (0: the previous one), or undefined when none is (or it is not a number). */
export function rollbackTo(d: Readonly<Deployment>): number | undefined {
  const v = d.metadata?.annotations?.[ROLLBACK_TO_ANNOTATION];
  if (v === undefined || v === '' || !/^[+-]?\d+$/.test(v)) return undefined;
  return Number(v);
}

const clone = <T>(value: T): T => structuredClone<T>(value);

/** The deployment with the ReplicaSet's template, less the pod-template-hash label (SetFromReplicaSetTemplate). */
function withTemplateOf(d: Deployment, template: Readonly<PodTemplateSpec> | undefined): void {
  const t = clone(template ?? {}) as PodTemplateSpec;
  const labels = { ...t.metadata?.labels };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  t.metadata = { ...t.metadata, labels };
  d.spec = { ...d.spec, template: t } as Deployment['spec'];
}

async function clearRollbackTo(s: DeploymentSync, next: Deployment): Promise<void> {
  if (next.metadata?.annotations !== undefined) delete next.metadata.annotations[ROLLBACK_TO_ANNOTATION];
  await s.updateDeployment(next);
}

async function rollbackToTemplate(s: DeploymentSync, rs: RS, revision: number): Promise<void> {
  const next = clone(s.d);
  let performed = false;
  if (!equalIgnoreHash(next.spec?.template, rs.spec?.template)) {
    withTemplateOf(next, rs.spec?.template);
    // The ReplicaSet's annotations (its change-cause) come back with its template; otherwise the
    // current ones would be copied onto it as the new ReplicaSet.
    setDeploymentAnnotationsTo(next, rs);
    performed = true;
  } else {
    s.event('Warning', ROLLBACK_TEMPLATE_UNCHANGED, `The rollback revision contains the same template as current deployment "${s.name}"`);
  }
  await clearRollbackTo(s, next);
  if (performed) s.event('Normal', ROLLBACK_DONE, `Rolled back deployment "${s.name}" to revision ${revision}`);
}

/** rollback: to the revision asked for, always clearing the request so it is not repeated. */
export async function rollback(s: DeploymentSync): Promise<void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(true);
  const allRSs = [...oldRSs, ...(newRS === undefined ? [] : [newRS])];
  let revision = rollbackTo(s.d) ?? 0;
  if (revision === 0) {
    revision = lastRevision(allRSs);
    if (revision === 0) {
      s.event('Warning', ROLLBACK_REVISION_NOT_FOUND, 'Unable to find last revision.');
      return clearRollbackTo(s, clone(s.d));
    }
  }
  const target = allRSs.find((rs) => revisionOf(rs) === revision);
  if (target !== undefined) return rollbackToTemplate(s, s.fresh(target), revision);
  s.event('Warning', ROLLBACK_REVISION_NOT_FOUND, 'Unable to find the revision to rollback to.');
  return clearRollbackTo(s, clone(s.d));
}
