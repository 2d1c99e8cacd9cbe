// kubectl's rollout status viewers (deployments, daemon sets, stateful sets): from an object's
// status, the line kubectl prints and whether the rollout is done, plus the counts for the bar.
import type { DaemonSet, Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import { CliError } from '../cli-error.js';
import type { ProgressStep } from './progress-display.js';

export interface RolloutStep extends ProgressStep {
  readonly finished: boolean;
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export function rolloutStatus(kind: string, obj: unknown, revision = 0): RolloutStep {
  switch (kind) {
    case 'Deployment':
      return deploymentStatus(obj as Deployment, revision);
    case 'DaemonSet':
      return daemonSetStatus(obj as DaemonSet);
    case 'StatefulSet':
      return statefulSetStatus(obj as StatefulSet);
    default:
      throw new CliError(`error: no status viewer has been implemented for ${kind}`);
  }
}

function step(message: string, finished: boolean, done?: number, total?: number, detail?: string): RolloutStep {
  return { message, finished, ...(done === undefined ? {} : { done }), ...(total === undefined ? {} : { total }), ...(detail === undefined ? {} : { detail }) };
}

function deploymentStatus(d: Deployment, revision: number): RolloutStep {
  const name = d.metadata?.name ?? '';
  if (revision > 0) {
    const running = Number(d.metadata?.annotations?.[REVISION_ANNOTATION] ?? '0');
    if (running !== revision) throw new CliError(`error: desired revision (${revision}) is different from the running revision (${running})`);
  }
  const s = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return step('Waiting for deployment spec update to be observed...\n', false);
  const progressing = (s.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new CliError(`error: deployment "${name}" exceeded its progress deadline`);
  const want = d.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const total = s.replicas ?? 0;
  // The bar: updated and available replicas count half each, so it fills as the rollout goes on.
  const detail = `${Math.min(updated, want)}/${want} updated, ${Math.min(available, want)}/${want} ready${total > updated ? `, ${total - updated} old` : ''}`;
  const bar = (finished: boolean, message: string): RolloutStep =>
    step(message, finished, want === 0 ? 1 : Math.min(updated, want) + Math.min(available, updated, want), want === 0 ? 1 : 2 * want, detail);
  if (updated < want) return bar(false, `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...\n`);
  if (total > updated) return bar(false, `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...\n`);
  if (available < updated) return bar(false, `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...\n`);
  return bar(true, `deployment "${name}" successfully rolled out\n`);
}

function daemonSetStatus(ds: DaemonSet): RolloutStep {
  const name = ds.metadata?.name ?? '';
  if (ds.spec?.updateStrategy?.type !== undefined && ds.spec.updateStrategy.type !== 'RollingUpdate') {
    throw new CliError('error: rollout status is only available for RollingUpdate strategy type');
  }
  const s = ds.status;
  if ((ds.metadata?.generation ?? 0) > (s?.observedGeneration ?? 0) || s === undefined) return step('Waiting for daemon set spec update to be observed...\n', false);
  const want = s.desiredNumberScheduled;
  const updated = s.updatedNumberScheduled ?? 0;
  const available = s.numberAvailable ?? 0;
  const detail = `${updated}/${want} updated, ${available}/${want} available`;
  if (updated < want) return step(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${want} new pods have been updated...\n`, false, updated + available, 2 * want, detail);
  if (available < want) return step(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${want} updated pods are available...\n`, false, updated + available, 2 * want, detail);
  return step(`daemon set "${name}" successfully rolled out\n`, true, 1, 1, detail);
}

function statefulSetStatus(sts: StatefulSet): RolloutStep {
  if (sts.spec?.updateStrategy?.type !== undefined && sts.spec.updateStrategy.type !== 'RollingUpdate') {
    throw new CliError('error: rollout status is only available for RollingUpdate strategy type');
  }
  const s = sts.status;
  if (s === undefined || (s.observedGeneration ?? 0) === 0 || (sts.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return step('Waiting for statefulset spec update to be observed...\n', false);
  }
  const want = sts.spec?.replicas ?? 1;
  const ready = s.readyReplicas ?? 0;
  if (ready < want) return step(`Waiting for ${want - ready} pods to be ready...\n`, false, ready, want, `${ready}/${want} ready`);
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    const updated = s.updatedReplicas ?? 0;
    if (updated < want - partition) {
      return step(`Waiting for partitioned roll out to finish: ${updated} out of ${want - partition} new pods have been updated...\n`, false, updated, want - partition);
    }
    return step(`partitioned roll out complete: ${updated} new pods have been updated...\n`, true, 1, 1);
  }
  if (s.updateRevision !== s.currentRevision) {
    const updated = s.updatedReplicas ?? 0;
    return step(`waiting for statefulset rolling update to complete ${updated} pods at revision ${s.updateRevision ?? ''}...\n`, false, updated, want);
  }
  return step(`statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision ?? ''}...\n`, true, 1, 1);
}
