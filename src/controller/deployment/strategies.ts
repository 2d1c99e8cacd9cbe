// The ways a deployment moves (upstream rolling.go, recreate.go and sync.go sync()): each gets the
// ReplicaSets, takes at most one kind of step (scale up, or scale down), and reports the status;
// the ReplicaSets' own changes bring it back for the next step.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReconcileResult } from '../controller.js';
import type { DeploymentSync } from './deployment-sync.js';
import { desiredReplicas } from './fenceposts.js';
import { actualReplicaCount, filterActive, type RS } from './replica-sets.js';
import { planScale, reconcileNewReplicaSet, reconcileOldReplicaSets } from './scaling-plan.js';
import { rollbackTo } from './rollback.js';
import { deploymentComplete } from './status.js';

/** Pods of the deployment by the uid of the ReplicaSet controlling them (getPodMapForDeployment). */
export type PodMap = ReadonlyMap<string, readonly Readonly<Pod>[]>;

/** rolloutRolling: scale the new ReplicaSet up if surge allows, else the old ones down if availability allows. */
export async function rolloutRolling(s: DeploymentSync): Promise<ReconcileResult | void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(true);
  if (newRS === undefined) throw new Error(`deployment ${s.namespace}/${s.name}: no new replica set after creating one`);
  const allRSs = [...oldRSs, newRS];

  const target = reconcileNewReplicaSet(allRSs, newRS, s.d);
  if (target !== undefined) {
    const { scaled } = await s.scaleReplicaSetAndRecordEvent(newRS, target);
    if (scaled) return s.syncRolloutStatus(allRSs, newRS);
  }

  const steps = reconcileOldReplicaSets(s.freshAll(allRSs), filterActive(oldRSs), s.fresh(newRS), s.d);
  if ((await s.apply(steps)) > 0) return s.syncRolloutStatus(allRSs, newRS);

  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanupDeployment(oldRSs);
  return s.syncRolloutStatus(allRSs, newRS);
}

/** oldPodsRunning: an old ReplicaSet still reports pods, or a pod of one has not finished. */
export function oldPodsRunning(newRS: RS | undefined, oldRSs: readonly RS[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS !== undefined && newRS.metadata?.uid === uid) continue;
    // Failed and Succeeded pods run nothing; any other (Unknown included) may still be running.
    if (pods.some((pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

/**
 * rolloutRecreate: every old pod goes first; only when none is left is the new ReplicaSet made
 * (never before, so that old and new never run side by side) and scaled up at once.
 */
export async function rolloutRecreate(s: DeploymentSync, podMap: PodMap): Promise<ReconcileResult | void> {
  let { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
  let allRSs: (RS | undefined)[] = [...oldRSs, newRS];

  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await s.scaleReplicaSetAndRecordEvent(s.fresh(rs), 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return s.syncRolloutStatus(allRSs, newRS);

  if (oldPodsRunning(newRS, s.freshAll(oldRSs).filter((rs): rs is RS => rs !== undefined), podMap)) return s.syncRolloutStatus(allRSs, newRS);

  if (newRS === undefined) {
    ({ newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS !== undefined) await s.scaleReplicaSetAndRecordEvent(s.fresh(newRS), desiredReplicas(s.d));

  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanupDeployment(oldRSs);
  return s.syncRolloutStatus(allRSs, newRS);
}

/**
 * sync(): a paused deployment or a resize. No new ReplicaSet is made; the existing ones are scaled
 * (proportionally during a rolling update), history is trimmed while paused, and status reported.
 */
export async function syncScale(s: DeploymentSync): Promise<void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
  await s.apply(planScale(s.d, s.fresh(newRS), oldRSs.map((rs) => s.fresh(rs))));
  if (s.d.spec?.paused === true && rollbackTo(s.d) === undefined) await s.cleanupDeployment(oldRSs);
  await s.syncDeploymentStatus([...oldRSs, newRS], newRS);
}

/** syncStatusOnly: a deployment being deleted only reports its status. */
export async function syncStatusOnly(s: DeploymentSync): Promise<void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
  await s.syncDeploymentStatus([...oldRSs, newRS], newRS);
}
