// The ReplicaSet controller (upstream pkg/controller/replicaset): keeps exactly spec.replicas
// active pods matching each ReplicaSet's selector. reconcile(key) claims the pods (adopting
// orphans, releasing pods that stopped matching), creates or deletes the difference, and writes
// the status. Expectations hold a ReplicaSet back from counting again until the informer has
// shown the creates and deletes it asked for, so a burst is never repeated; a restarted
// controller starts without expectations and relies on its freshly listed cache instead.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { labelSelectorFromObject, type LabelMatcher } from '../../api/label-selector.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { keyOf, splitKey } from '../../client/informer.js';
import { ReplicaSets } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { UIDTrackingControllerExpectations } from '../expectations.js';
import { QueueController } from '../queue-controller.js';
import { podsToDelete } from './active-pods.js';
import { claimPods } from './claim.js';
import { PodsByController } from './pod-index.js';
import { controllerRef, isNamespaceTerminating, PodControl, SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch, toError } from './pod-control.js';
import { controllerRefOf, isPodActive, isPodReady, podKey } from './pod-state.js';
import { calculateStatus, nextAvailabilityCheckMs, statusUpToDate } from './status.js';

export const REPLICASET_CONTROLLER_NAME = 'replicaset-controller';
const API_VERSION = 'apps/v1';
const KIND = 'ReplicaSet';

/** Upstream BurstReplicas: at most this many pods created or deleted in one sync. */
export const BURST_REPLICAS = 500;

/** Upstream statusUpdateRetries: one more try with a fresh object after a failed status write. */
const STATUS_UPDATE_RETRIES = 1;

export interface ReplicaSetControllerOptions {
  readonly workers?: number;
  readonly burstReplicas?: number;
}

export class ReplicaSetController extends QueueController {
  /** Public so tests (and metrics) can see what the controller waits for. */
  readonly expectations: UIDTrackingControllerExpectations;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: PodsByController;
  private readonly podControl: PodControl;
  private readonly burstReplicas: number;
  // Parsed selectors by cached object: the cache replaces an object on every change, so a
  // WeakMap entry can never be stale and goes away with the object.
  private readonly selectors = new WeakMap<Readonly<ReplicaSet>, LabelMatcher>();
  private stopSignal: AbortSignal | undefined;

  constructor(context: ControllerContext, options: ReplicaSetControllerOptions = {}) {
    super(REPLICASET_CONTROLLER_NAME, context, { workers: options.workers ?? 5 });
    this.burstReplicas = options.burstReplicas ?? BURST_REPLICAS;
    this.expectations = new UIDTrackingControllerExpectations({ now: () => context.now().getTime() });
    this.podControl = new PodControl({ client: context.client, recorder: context.recorder });
    this.replicaSets = context.informers.for<ReplicaSet>(ReplicaSets);
    this.pods = PodsByController.from(context.informers);

    this.replicaSets.onAdd((rs) => this.enqueue(rs));
    this.replicaSets.onUpdate((oldRS, curRS) => this.updateReplicaSet(oldRS, curRS));
    this.replicaSets.onDelete((rs) => this.deleteReplicaSet(rs));
    this.pods.informer.onAdd((pod) => this.addPod(pod));
    this.pods.informer.onUpdate((oldPod, curPod) => this.updatePod(oldPod, curPod));
    this.pods.informer.onDelete((pod) => this.deletePod(pod));
  }

  override async run(signal: AbortSignal): Promise<void> {
    this.stopSignal = signal;
    await super.run(signal);
  }

  // ---- event handlers: turn what changed into the keys of the ReplicaSets concerned ----

  private updateReplicaSet(oldRS: Readonly<ReplicaSet>, curRS: Readonly<ReplicaSet>): void {
    // Deleted and recreated under the same name between two events: the old one's expectations go.
    if (oldRS.metadata?.uid !== curRS.metadata?.uid) this.expectations.deleteExpectations(keyOf(oldRS));
    // Every update, resyncs included: a resync retries ReplicaSets whose creates failed earlier.
    this.enqueue(curRS);
  }

  private deleteReplicaSet(rs: Readonly<ReplicaSet>): void {
    this.expectations.deleteExpectations(keyOf(rs));
    this.enqueue(rs);
  }

  private addPod(pod: Readonly<Pod>): void {
    // A pod already terminating when first seen (after a restart) is no creation to observe.
    if (pod.metadata?.deletionTimestamp != null) return this.deletePod(pod);
    const ref = controllerRefOf(pod);
    if (ref !== undefined) {
      const rs = this.resolveControllerRef(pod.metadata?.namespace ?? '', ref);
      if (rs === undefined) return;
      this.expectations.creationObserved(keyOf(rs));
      this.enqueue(rs);
      return;
    }
    // An orphan: every ReplicaSet that could adopt it looks. No creation is observed, since no
    // controller waits for an orphan.
    for (const rs of this.replicaSetsSelecting(pod)) this.enqueue(rs);
  }

  private updatePod(oldPod: Readonly<Pod>, curPod: Readonly<Pod>): void {
    // A resync: nothing changed.
    if (oldPod.metadata?.resourceVersion === curPod.metadata?.resourceVersion) return;
    const labelsChanged = JSON.stringify(oldPod.metadata?.labels ?? {}) !== JSON.stringify(curPod.metadata?.labels ?? {});
    if (curPod.metadata?.deletionTimestamp != null) {
      // Graceful deletion begins: count it as the deletion now and replace the pod at once,
      // rather than wait out its grace period.
      this.deletePod(curPod);
      if (labelsChanged) this.deletePod(oldPod);
      return;
    }
    const curRef = controllerRefOf(curPod);
    const oldRef = controllerRefOf(oldPod);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef !== undefined) {
      const old = this.resolveControllerRef(oldPod.metadata?.namespace ?? '', oldRef);
      if (old !== undefined) this.enqueue(old);
    }
    if (curRef !== undefined) {
      const rs = this.resolveControllerRef(curPod.metadata?.namespace ?? '', curRef);
      // Readiness changes are caught here too; the reconcile computes when a ready pod becomes
      // available (minReadySeconds) and comes back then.
      if (rs !== undefined) this.enqueue(rs);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.replicaSetsSelecting(curPod)) this.enqueue(rs);
  }

  private deletePod(pod: Readonly<Pod>): void {
    const ref = controllerRefOf(pod);
    // Nobody waits for an orphan to go.
    if (ref === undefined) return;
    const rs = this.resolveControllerRef(pod.metadata?.namespace ?? '', ref);
    if (rs === undefined) return;
    const key = keyOf(rs);
    this.expectations.deletionOf(key, podKey(pod));
    this.enqueue(rs);
  }

  /** The cached ReplicaSet a controller reference points to, if it is still that very object (same uid). */
  private resolveControllerRef(namespace: string, ref: Readonly<{ kind: string; apiVersion: string; name: string; uid: string }>): Readonly<ReplicaSet> | undefined {
    if (ref.kind !== KIND || ref.apiVersion.split('/')[0] !== 'apps') return undefined;
    const rs = this.replicaSets.get(`${namespace}/${ref.name}`);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  private selectorOf(rs: Readonly<ReplicaSet>): LabelMatcher | undefined {
    let selector = this.selectors.get(rs);
    if (selector === undefined) {
      try {
        selector = labelSelectorFromObject(rs.spec?.selector);
      } catch {
        return undefined;
      }
      this.selectors.set(rs, selector);
    }
    return selector;
  }

  /** ReplicaSets in the pod's namespace whose (non-empty) selector matches it (upstream GetPodReplicaSets). */
  private replicaSetsSelecting(pod: Readonly<Pod>): Readonly<ReplicaSet>[] {
    const found = this.replicaSets.byIndex('namespace', pod.metadata?.namespace ?? '').filter((rs) => {
      const selector = this.selectorOf(rs);
      return selector !== undefined && !selector.isEmpty() && selector.matches(pod.metadata?.labels);
    });
    if (found.length > 1) {
      this.context.logger.warn('user error: more than one ReplicaSet selects the same pod', { pod: keyOf(pod), replicaSets: found.map((rs) => keyOf(rs)) });
    }
    return found;
  }

  // ---- reconcile ----

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const rs = this.replicaSets.get(key);
    if (rs === undefined) {
      this.expectations.deleteExpectations(key);
      return;
    }
    // Read before listing pods: an event arriving after this point is in the list we count.
    const needsSync = this.expectations.satisfiedExpectations(key);
    const selector = this.selectorOf(rs);
    if (selector === undefined) {
      // An invalid selector matches nothing, and retrying cannot fix it (upstream gives up too).
      this.context.logger.warn('invalid selector', { replicaSet: key });
      return;
    }
    const namespace = rs.metadata?.namespace ?? '';
    const candidates = this.pods.podsOf(namespace, rs.metadata?.uid ?? '', true).filter(isPodActive);
    const owned = await claimPods(
      { client: this.context.client, controller: rs, ref: controllerRef(rs, API_VERSION, KIND), selector, canAdopt: () => this.recheckDeletion(rs) },
      candidates,
    );

    let manageError: Error | undefined;
    if (needsSync && rs.metadata?.deletionTimestamp == null) {
      try {
        await this.manageReplicas(owned, rs, key);
      } catch (error) {
        manageError = toError(error);
      }
    }
    // Stopping mid-burst: no status that would call the interruption a failure; the next
    // instance counts from the API server's truth.
    if (this.stopSignal?.aborted === true) {
      if (manageError !== undefined) throw manageError;
      return;
    }

    const now = this.context.now().getTime();
    const status = calculateStatus(rs, owned, manageError, now);
    if (!statusUpToDate(rs, status)) await this.writeStatus(rs, status);
    if (manageError !== undefined) throw manageError;
    const next = nextAvailabilityCheckMs(rs, owned.filter(isPodReady), now);
    return next === undefined ? undefined : { requeueAfterMs: next };
  }

  /** Creates or deletes the difference between the owned active pods and spec.replicas (upstream manageReplicas). */
  private async manageReplicas(pods: readonly Readonly<Pod>[], rs: Readonly<ReplicaSet>, key: string): Promise<void> {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, this.burstReplicas);
      // Expect them all before the first request: a pod's ADDED event may beat the response.
      this.expectations.expectCreations(key, count);
      const template = rs.spec?.template ?? {};
      const owner = withTypeMeta(rs);
      const ref = controllerRef(rs, API_VERSION, KIND);
      const { successes, error } = await slowStartBatch(
        count,
        SLOW_START_INITIAL_BATCH_SIZE,
        async () => {
          try {
            await this.podControl.createPod(template, owner, ref);
          } catch (e) {
            // The namespace is going away: every create would fail, and that is no error.
            if (isNamespaceTerminating(e)) return;
            throw e;
          }
        },
        this.stopSignal,
      );
      // Creates never attempted (or refused) will never show up in the informer: stop waiting for them.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, this.burstReplicas);
      const victims = podsToDelete(pods, this.relatedPods(rs), count, this.context.now().getTime());
      // Tracked by pod key, so the update that sets deletionTimestamp and the final delete count once.
      this.expectations.expectDeletionsOf(key, victims.map(podKey));
      const owner = withTypeMeta(rs);
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await this.podControl.deletePod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', owner);
          } catch (error) {
            // The informer will not show this delete: stop waiting for it.
            this.expectations.deletionOf(key, podKey(pod));
            if (!isNotFound(error)) throw error;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw toError(failed.reason);
    }
  }

  /**
   * The pods of every ReplicaSet with the same controller (a Deployment's old and new sets),
   * matched by their selectors as upstream getIndirectlyRelatedPods, for ranking deletions by
   * how crowded their node is. A ReplicaSet without a controller has none.
   */
  private relatedPods(rs: Readonly<ReplicaSet>): Readonly<Pod>[] {
    const owner = controllerRefOf(rs);
    if (owner === undefined) return [];
    const namespace = rs.metadata?.namespace ?? '';
    const inNamespace = this.pods.informer.byIndex('namespace', namespace);
    const seen = new Set<string>();
    const related: Readonly<Pod>[] = [];
    for (const sibling of this.replicaSets.byIndex('namespace', namespace)) {
      if (controllerRefOf(sibling)?.uid !== owner.uid) continue;
      const selector = this.selectorOf(sibling);
      if (selector === undefined) continue;
      for (const pod of inNamespace) {
        const uid = pod.metadata?.uid ?? '';
        if (seen.has(uid) || !selector.matches(pod.metadata?.labels)) continue;
        seen.add(uid);
        related.push(pod);
      }
    }
    return related;
  }

  /** Upstream RecheckDeletionTimestamp: the API server's own copy must be this ReplicaSet and not being deleted. */
  private async recheckDeletion(rs: Readonly<ReplicaSet>): Promise<void> {
    const { name, namespace, uid } = rs.metadata ?? {};
    const fresh = await this.context.client.get<ReplicaSet>(ReplicaSets, name ?? '', namespace);
    if (fresh.metadata?.uid !== uid) {
      throw new Error(`original ReplicaSet ${namespace ?? ''}/${name ?? ''} is gone: got uid ${fresh.metadata?.uid ?? ''}, wanted ${uid ?? ''}`);
    }
    if (fresh.metadata?.deletionTimestamp != null) {
      throw new Error(`${namespace ?? ''}/${name ?? ''} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  }

  /** Writes the status subresource, with one retry on a fresh copy (upstream updateReplicaSetStatus). */
  private async writeStatus(rs: Readonly<ReplicaSet>, status: NonNullable<ReplicaSet['status']>): Promise<void> {
    // The generation the status was computed for, so a retry cannot claim a newer spec was seen.
    const newStatus = { ...status, observedGeneration: rs.metadata?.generation ?? 0 };
    let current: ReplicaSet = structuredClone(rs);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.context.client.update<ReplicaSet>(ReplicaSets, { ...withTypeMeta(current), status: newStatus }, { subresource: 'status' });
        return;
      } catch (error) {
        if (attempt >= STATUS_UPDATE_RETRIES) throw error;
        if (isNotFound(error)) return;
        if (!isConflict(error)) this.context.logger.debug('status update failed, retrying on a fresh copy', { replicaSet: keyOf(rs), error });
        const { name, namespace } = splitKey(keyOf(rs));
        current = await this.context.client.get<ReplicaSet>(ReplicaSets, name, namespace);
      }
    }
  }
}

/** The object with apiVersion and kind, which events' involvedObject and owner references need. */
function withTypeMeta(rs: Readonly<ReplicaSet>): ReplicaSet {
  return { ...rs, apiVersion: API_VERSION, kind: KIND };
}
