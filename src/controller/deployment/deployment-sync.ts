// One sync of one deployment (upstream sync.go, the parts that write): finding or creating the new
// ReplicaSet and keeping revisions in step, scaling ReplicaSets with the ScalingReplicaSet event,
// deleting history beyond revisionHistoryLimit, and writing the status only when it changes.
// Every write carries the resourceVersion it was computed from, so a decision made on a stale
// cache fails with a conflict and the sync runs again on fresher state, never twice.
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { isAlreadyExists, isNotFound, ApiError } from '../../client/client-errors.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { Deployments, ReplicaSets } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import type { ReconcileResult } from '../controller.js';
import { REVISION_ANNOTATION, replicasAnnotationsNeedUpdate, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { desiredReplicas, maxSurge } from './fenceposts.js';
import { computeHash, POD_TEMPLATE_HASH_LABEL } from './hash.js';
import { byRevision, controllerRefOf, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, maxRevision, semanticEqual, specReplicas, type RS } from './replica-sets.js';
import { newRSNewReplicas, type ScaleStep } from './scaling-plan.js';
import {
  calculateStatus,
  getCondition,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  newCondition,
  PROGRESSING,
  REASON,
  rolloutStatus,
  setCondition,
  stuckRequeueAfterMs,
} from './status.js';

export interface DeploymentSyncOptions {
  readonly client: RestClient;
  readonly recorder: EventRecorder;
  readonly logger: Logger;
  readonly now: () => Date;
  /** The deployment as cached; the sync works on a copy. */
  readonly deployment: Readonly<Deployment>;
  /** The ReplicaSets it owns (after adoption and release). */
  readonly replicaSets: readonly RS[];
  /** A ReplicaSet by name from the cache, for a create that finds the name taken. */
  readonly cachedReplicaSet: (namespace: string, name: string) => RS | undefined;
}

const clone = <T>(value: T): T => structuredClone<T>(value);

export class DeploymentSync {
  /** The deployment as the API server last confirmed it (or as cached, before any write). */
  d: Deployment;
  private readonly latest = new Map<string, RS>();
  private rsList: RS[];

  constructor(private readonly options: DeploymentSyncOptions) {
    this.d = clone(options.deployment);
    this.rsList = [...options.replicaSets];
  }

  get name(): string {
    return this.d.metadata?.name ?? '';
  }

  get namespace(): string {
    return this.d.metadata?.namespace ?? '';
  }

  /** The newest version of a ReplicaSet this sync has seen (its own writes included). */
  fresh(rs: RS): RS;
  fresh(rs: RS | undefined): RS | undefined;
  fresh(rs: RS | undefined): RS | undefined {
    if (rs === undefined) return undefined;
    return this.latest.get(rs.metadata?.uid ?? '') ?? rs;
  }

  freshAll(rss: readonly (RS | undefined)[]): (RS | undefined)[] {
    return rss.map((rs) => this.fresh(rs));
  }

  private remember(rs: RS): RS {
    const uid = rs.metadata?.uid ?? '';
    this.latest.set(uid, rs);
    const i = this.rsList.findIndex((x) => x.metadata?.uid === uid);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
    return rs;
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.options.recorder.event(this.d, type, reason, message);
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created if asked and missing) with its
   * revision raised above every old one's, and the old ReplicaSets.
   */
  async getAllReplicaSetsAndSyncRevision(create: boolean): Promise<{ newRS: RS | undefined; oldRSs: RS[] }> {
    const { all: oldRSs } = findOldReplicaSets(this.d, this.rsList);
    const newRS = await this.getNewReplicaSet(oldRSs, create);
    return { newRS, oldRSs };
  }

  private async getNewReplicaSet(oldRSs: readonly RS[], create: boolean): Promise<RS | undefined> {
    const existing = findNewReplicaSet(this.d, this.rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing !== undefined) {
      const copy = clone(existing) as ReplicaSet;
      const annotationsUpdated = setNewReplicaSetAnnotations(this.d, copy, newRevision, true);
      const minReadySeconds = this.d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (copy.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
        copy.spec = { ...copy.spec, minReadySeconds } as ReplicaSet['spec'];
        // The deployment's revision follows on the next sync, from the ReplicaSet's.
        return this.remember(await this.options.client.update<ReplicaSet>(ReplicaSets, copy));
      }
      const next = clone(this.d);
      let changed = setDeploymentRevision(next, copy.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
      // A deployment without a Progressing condition (its first sync with a deadline) starts
      // counting from the moment its new ReplicaSet is seen.
      if (hasProgressDeadline(this.d) && getCondition(this.d.status, PROGRESSING) === undefined) {
        next.status ??= {};
        setCondition(next.status, newCondition(PROGRESSING, 'True', REASON.foundNewRS, `Found new replica set "${copy.metadata?.name ?? ''}"`, this.options.now()));
        changed = true;
      }
      if (changed) await this.writeDeployment(next);
      return existing;
    }
    if (!create) return undefined;
    return this.createNewReplicaSet(oldRSs, newRevision);
  }

  private async createNewReplicaSet(oldRSs: readonly RS[], newRevision: number): Promise<RS> {
    const d = this.d;
    const template = clone(d.spec?.template ?? {});
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector: LabelSelector = clone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${this.name}-${hash}`,
        namespace: this.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name, uid: d.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec = { ...rs.spec, replicas } as ReplicaSet['spec'];
    setNewReplicaSetAnnotations(d, rs, newRevision, false);

    let created: RS;
    let alreadyExists = false;
    try {
      created = this.remember(await this.options.client.create<ReplicaSet>(ReplicaSets, rs));
    } catch (error) {
      if (isAlreadyExists(error)) {
        const name = rs.metadata?.name ?? '';
        const found = this.options.cachedReplicaSet(this.namespace, name) ?? (await this.options.client.get<ReplicaSet>(ReplicaSets, name, this.namespace));
        // Ours, with our template: we made it before (a sync that did not see it in the cache yet).
        if (controllerRefOf(found)?.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
          created = this.remember(found);
          alreadyExists = true;
        } else {
          // A different template hashed to the same name: the next hash includes a bumped count.
          const next = clone(d);
          next.status = { ...next.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
          await this.writeDeployment(next);
          this.options.logger.info('Found a hash collision for deployment - bumping collisionCount to resolve it', {
            deployment: `${this.namespace}/${this.name}`,
            oldCollisionCount: d.status?.collisionCount ?? 0,
            newCollisionCount: next.status.collisionCount,
          });
          throw error;
        }
      } else if (error instanceof ApiError && error.statusObject?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') === true) {
        throw error;
      } else {
        const message = `Failed to create new replica set "${rs.metadata?.name ?? ''}": ${error instanceof Error ? error.message : String(error)}`;
        if (hasProgressDeadline(d)) {
          const next = clone(d);
          next.status ??= {};
          setCondition(next.status, newCondition(PROGRESSING, 'False', REASON.failedRSCreate, message, this.options.now()));
          await this.writeDeployment(next).catch(() => undefined);
        }
        this.event('Warning', REASON.failedRSCreate, message);
        throw error;
      }
    }
    if (!alreadyExists && replicas > 0) {
      // Newer upstream words it "from 0 to N" (older: "Scaled up replica set X to N").
      this.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name ?? ''} from 0 to ${replicas}`);
    }
    const next = clone(this.d);
    let changed = setDeploymentRevision(next, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(this.d)) {
      next.status ??= {};
      setCondition(next.status, newCondition(PROGRESSING, 'True', REASON.newReplicaSet, `Created new replica set "${created.metadata?.name ?? ''}"`, this.options.now()));
      changed = true;
    }
    if (changed) await this.writeDeployment(next);
    return created;
  }

  /**
   * Persists what changed in `next` against the last confirmed state: annotations through the
   * deployment itself and status through the status subresource (which here keeps metadata as
   * stored), each with the resourceVersion the change was computed from.
   */
  async writeDeployment(next: Deployment): Promise<void> {
    const { client } = this.options;
    if (!semanticEqual(this.d.metadata?.annotations, next.metadata?.annotations)) {
      const body = clone(this.d);
      body.metadata = { ...body.metadata, annotations: { ...next.metadata?.annotations } };
      this.d = await client.update<Deployment>(Deployments, body);
    }
    if (!semanticEqual(this.d.status, next.status)) {
      this.d = await client.update<Deployment>(Deployments, { ...this.d, status: next.status ?? {} }, { subresource: 'status' });
    }
  }

  /** Updates the deployment itself (spec and metadata), as a rollback does. */
  async updateDeployment(next: Deployment): Promise<void> {
    this.d = await this.options.client.update<Deployment>(Deployments, next);
  }

  async writeStatus(status: DeploymentStatus): Promise<void> {
    await this.writeDeployment({ ...this.d, status });
  }

  /** Applies planned steps in order; the number of ReplicaSets whose size changed. */
  async apply(steps: readonly ScaleStep[]): Promise<number> {
    let scaled = 0;
    for (const step of steps) {
      const rs = this.fresh(step.rs);
      const result = step.operation === undefined ? await this.scaleReplicaSetAndRecordEvent(rs, step.replicas) : await this.scaleReplicaSet(rs, step.replicas, step.operation);
      if (result.scaled) scaled++;
    }
    return scaled;
  }

  async scaleReplicaSetAndRecordEvent(rs: RS, replicas: number): Promise<{ scaled: boolean; rs: RS }> {
    if (specReplicas(rs) === replicas) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, replicas, specReplicas(rs) < replicas ? 'up' : 'down');
  }

  /** Sets the size and the replicas annotations (desired and max of the deployment now). */
  async scaleReplicaSet(rs: RS, replicas: number, operation: string): Promise<{ scaled: boolean; rs: RS }> {
    const desired = desiredReplicas(this.d);
    const max = desired + maxSurge(this.d);
    const sizeNeedsUpdate = specReplicas(rs) !== replicas;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const before = specReplicas(rs);
    const copy = clone(rs) as ReplicaSet;
    copy.spec = { ...copy.spec, replicas } as ReplicaSet['spec'];
    setReplicasAnnotations(copy, desired, max);
    const updated = this.remember(await this.options.client.update<ReplicaSet>(ReplicaSets, copy));
    if (sizeNeedsUpdate) this.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata?.name ?? ''} from ${before} to ${replicas}`);
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /**
   * cleanupDeployment: deletes the oldest old ReplicaSets beyond revisionHistoryLimit, only those
   * that are empty and whose controller has seen that (status caught up with spec).
   */
  async cleanupDeployment(oldRSs: readonly RS[]): Promise<void> {
    if (!hasRevisionHistoryLimit(this.d)) return;
    const cleanable = this.freshAll(oldRSs).filter((rs): rs is RS => rs !== undefined && rs.metadata?.deletionTimestamp === undefined);
    const diff = cleanable.length - (this.d.spec?.revisionHistoryLimit ?? 0);
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
      if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata?.deletionTimestamp !== undefined) continue;
      try {
        // The version we judged empty, or nothing: a ReplicaSet scaled up meanwhile must stay.
        await this.options.client.delete(ReplicaSets, rs.metadata?.name ?? '', this.namespace, {
          preconditions: { uid: rs.metadata?.uid ?? '', resourceVersion: rs.metadata?.resourceVersion ?? '' },
        });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  /** syncDeploymentStatus: counts and Available, written only on change. */
  async syncDeploymentStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined): Promise<void> {
    const status = calculateStatus(this.freshAll(allRSs), this.fresh(newRS), this.d, this.options.now());
    if (!semanticEqual(this.d.status, status)) await this.writeStatus(status);
  }

  /** syncRolloutStatus: also Progressing; when nothing changed, when to look for the deadline. */
  async syncRolloutStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined): Promise<ReconcileResult | void> {
    const now = this.options.now();
    const status = rolloutStatus(this.freshAll(allRSs), this.fresh(newRS), this.d, now);
    if (semanticEqual(this.d.status, status)) {
      const after = stuckRequeueAfterMs(this.d, status, now);
      return after === undefined ? undefined : { requeueAfterMs: after };
    }
    await this.writeStatus(status);
  }

  /** checkPausedConditions: Progressing Unknown while paused, so the pause does not count as no progress. */
  async checkPausedConditions(): Promise<void> {
    if (!hasProgressDeadline(this.d)) return;
    const condition = getCondition(this.d.status, PROGRESSING);
    if (condition?.reason === REASON.timedOut) return;
    const pausedCondition = condition?.reason === REASON.paused;
    const paused = this.d.spec?.paused === true;
    let next: Deployment | undefined;
    if (paused && !pausedCondition) {
      next = clone(this.d);
      next.status ??= {};
      setCondition(next.status, newCondition(PROGRESSING, 'Unknown', REASON.paused, 'Deployment is paused', this.options.now()));
    } else if (!paused && pausedCondition) {
      next = clone(this.d);
      next.status ??= {};
      setCondition(next.status, newCondition(PROGRESSING, 'Unknown', REASON.resumed, 'Deployment is resumed', this.options.now()));
    }
    if (next !== undefined) await this.writeDeployment(next);
  }
}
