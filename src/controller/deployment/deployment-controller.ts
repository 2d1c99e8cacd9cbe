// The Deployment controller (upstream pkg/controller/deployment): for each deployment, the
// ReplicaSets it owns and their pods in, a rollout step and a status out. Handlers only find the
// deployment a change concerns and queue its key; reconcile reads the caches and acts through the
// API server, so it can stop at any line and the next run picks up from what the server says.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { labelSelectorFromObject } from '../../api/label-selector.js';
import { splitKey, type Informer } from '../../client/informer.js';
import { Deployments, ReplicaSets } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { QueueController } from '../queue-controller.js';
import { PodsByController } from '../replicaset/pod-index.js';
import { claimReplicaSets } from './claim.js';
import { DeploymentSync } from './deployment-sync.js';
import { controllerRefOf, semanticEqual, type RS } from './replica-sets.js';
import { rollback, rollbackTo } from './rollback.js';
import { isScalingEvent } from './scaling-plan.js';
import { rolloutRecreate, rolloutRolling, syncScale, syncStatusOnly, type PodMap } from './strategies.js';

type D = Readonly<Deployment>;
const NAMESPACE_INDEX = 'namespace';

export class DeploymentController extends QueueController {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  // Shared with the ReplicaSet controller, with its by-controller index when we ask first.
  private readonly pods: PodsByController;

  constructor(context: ControllerContext) {
    // Upstream's --concurrent-deployment-syncs defaults to 5.
    super('deployment-controller', context, { workers: 5 });
    this.deployments = context.informers.for<Deployment>(Deployments);
    this.replicaSets = context.informers.for<ReplicaSet>(ReplicaSets);
    this.pods = PodsByController.from(context.informers);

    this.deployments.onAdd((d) => this.enqueue(d));
    this.deployments.onUpdate((_old, d) => this.enqueue(d));
    this.deployments.onDelete((d) => this.enqueue(d));
    this.replicaSets.onAdd((rs) => this.addReplicaSet(rs));
    this.replicaSets.onUpdate((old, rs) => this.updateReplicaSet(old, rs));
    this.replicaSets.onDelete((rs) => this.deleteReplicaSet(rs));
    this.pods.informer.onDelete((pod) => this.deletePod(pod));
  }

  // ---- handlers: which deployment a change concerns ----

  /** The deployment a controller reference names, if it is still that one (same uid). */
  private resolveControllerRef(namespace: string | undefined, ref: { kind?: string; name?: string; uid?: string } | undefined): D | undefined {
    if (ref?.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(`${namespace ?? ''}/${ref.name ?? ''}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  /** Deployments whose selector matches an orphan ReplicaSet: they may want to adopt it. */
  private deploymentsForReplicaSet(rs: RS): D[] {
    const namespace = rs.metadata?.namespace ?? '';
    const out: D[] = [];
    for (const d of this.deployments.byIndex(NAMESPACE_INDEX, namespace)) {
      try {
        const selector = labelSelectorFromObject(d.spec?.selector);
        // A deployment with an empty selector selects nothing here, as upstream.
        if (selector.isEmpty() || !selector.matches(rs.metadata?.labels)) continue;
        out.push(d);
      } catch {
        continue;
      }
    }
    if (out.length > 1) this.context.logger.info('user error: more than one deployment selects replica set', { replicaSet: `${namespace}/${rs.metadata?.name ?? ''}`, deployments: out.map((d) => d.metadata?.name) });
    return out;
  }

  private addReplicaSet(rs: RS): void {
    // Seen for the first time already being deleted (after a restart): as a delete.
    if (rs.metadata?.deletionTimestamp !== undefined) return this.deleteReplicaSet(rs);
    const ref = controllerRefOf(rs);
    if (ref !== undefined) {
      const d = this.resolveControllerRef(rs.metadata?.namespace, ref);
      if (d !== undefined) this.enqueue(d);
      return;
    }
    for (const d of this.deploymentsForReplicaSet(rs)) this.enqueue(d);
  }

  private updateReplicaSet(old: RS, cur: RS): void {
    // A resync repeats the same version: nothing to look at.
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !semanticEqual(curRef, oldRef);
    if (refChanged && oldRef !== undefined) {
      const d = this.resolveControllerRef(old.metadata?.namespace, oldRef);
      if (d !== undefined) this.enqueue(d);
    }
    if (curRef !== undefined) {
      const d = this.resolveControllerRef(cur.metadata?.namespace, curRef);
      if (d !== undefined) this.enqueue(d);
      return;
    }
    // An orphan whose labels or owner changed: someone may want to adopt it now.
    if (refChanged || !semanticEqual(old.metadata?.labels, cur.metadata?.labels)) {
      for (const d of this.deploymentsForReplicaSet(cur)) this.enqueue(d);
    }
  }

  private deleteReplicaSet(rs: RS): void {
    const d = this.resolveControllerRef(rs.metadata?.namespace, controllerRefOf(rs));
    if (d !== undefined) this.enqueue(d);
  }

  /** A Recreate rollout waits for the old pods to be gone: the last one's deletion wakes it. */
  private deletePod(pod: Readonly<Pod>): void {
    const podRef = controllerRefOf(pod);
    if (podRef?.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.get(`${pod.metadata?.namespace ?? ''}/${podRef.name ?? ''}`);
    if (rs === undefined || rs.metadata?.uid !== podRef.uid) return;
    const d = this.resolveControllerRef(rs.metadata?.namespace, controllerRefOf(rs));
    if (d === undefined || d.spec?.strategy?.type !== 'Recreate') return;
    const rsList = this.replicaSets.byIndex(NAMESPACE_INDEX, d.metadata?.namespace ?? '').filter((r) => controllerRefOf(r)?.uid === d.metadata?.uid);
    let pods = 0;
    for (const list of this.podMap(d, rsList).values()) pods += list.length;
    if (pods === 0) this.enqueue(d);
  }

  // ---- reconcile ----

  /** The deployment's pods, by the uid of their ReplicaSet; terminal ones included (Recreate checks them). */
  private podMap(d: D, rsList: readonly RS[]): PodMap {
    const map = new Map<string, Readonly<Pod>[]>();
    let selector;
    try {
      selector = labelSelectorFromObject(d.spec?.selector);
    } catch {
      return map;
    }
    const namespace = d.metadata?.namespace ?? '';
    for (const rs of rsList) {
      const uid = rs.metadata?.uid ?? '';
      map.set(uid, this.pods.podsOf(namespace, uid, false).filter((pod) => selector.matches(pod.metadata?.labels)));
    }
    return map;
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.deployments.get(key);
    if (cached === undefined) {
      this.context.logger.debug('Deployment has been deleted', { deployment: key });
      return;
    }
    const { client, recorder, logger, now } = this.context;
    const selector = cached.spec?.selector;
    if (selector !== undefined && selector !== null && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
      recorder.event(cached, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      const generation = cached.metadata?.generation ?? 0;
      if ((cached.status?.observedGeneration ?? 0) < generation) {
        await client.update<Deployment>(Deployments, { ...cached, status: { ...cached.status, observedGeneration: generation } }, { subresource: 'status' });
      }
      return;
    }

    const namespace = splitKey(key).namespace ?? '';
    const rsList = await claimReplicaSets({ client, deployment: cached, replicaSets: this.replicaSets.byIndex(NAMESPACE_INDEX, namespace) });
    const podMap = this.podMap(cached, rsList);
    const s = new DeploymentSync({
      client,
      recorder,
      logger,
      now,
      deployment: cached,
      replicaSets: rsList,
      cachedReplicaSet: (ns, name) => this.replicaSets.get(`${ns}/${name}`),
    });

    if (s.d.metadata?.deletionTimestamp !== undefined) return syncStatusOnly(s);
    // Progressing Unknown while paused, so that the time paused never counts against the deadline.
    await s.checkPausedConditions();
    if (s.d.spec?.paused === true) return syncScale(s);
    // Not re-entrant: nothing else happens until the request is cleared.
    if (rollbackTo(s.d) !== undefined) return rollback(s);

    const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
    if (isScalingEvent(s.d, s.fresh(newRS), oldRSs.map((rs) => s.fresh(rs)))) return syncScale(s);

    switch (s.d.spec?.strategy?.type) {
      case 'Recreate':
        return rolloutRecreate(s, podMap);
      case 'RollingUpdate':
        return rolloutRolling(s);
      default:
        throw new Error(`unexpected deployment strategy type: ${s.d.spec?.strategy?.type ?? ''}`);
    }
  }
}
