// Which pods a controller owns (upstream PodControllerRefManager.ClaimPods): its own pods that
// still match the selector; orphans that match are adopted, its own pods that no longer match
// are released. Both are strategic merge patches of metadata.ownerReferences that carry the pod's
// uid, so a pod deleted and recreated under the same name is never touched (uid is immutable: the
// patch is refused). An adoption can only succeed on a pod that is still an orphan, because the
// API server refuses a second ownerReference with controller: true.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { LabelMatcher } from '../../api/label-selector.js';
import { isInvalid, isNotFound } from '../../client/client-errors.js';
import { Pods } from '../../client/resource-types.js';
import type { KubeObject, RestClient } from '../../client/rest-client.js';
import { controllerRefOf } from './pod-state.js';

export interface ClaimOptions {
  readonly client: RestClient;
  /** The controller, as cached. */
  readonly controller: Readonly<KubeObject>;
  /** The owner reference to add on adoption. */
  readonly ref: OwnerReference;
  readonly selector: LabelMatcher;
  /**
   * Checked once, before the first adoption: throws if the controller is gone or being deleted
   * according to the API server itself, not the cache (upstream RecheckDeletionTimestamp). A
   * controller deleted a moment ago must not adopt pods the garbage collector is about to orphan.
   */
  readonly canAdopt: () => Promise<void>;
}

/** The patch adding the controller reference (upstream ownerRefControllerPatch). */
export function adoptPatch(ref: OwnerReference, podUid: string): unknown {
  return { metadata: { ownerReferences: [ref], uid: podUid } };
}

/** The patch removing the reference to ownerUid (upstream GenerateDeleteOwnerRefStrategicMergeBytes). */
export function releasePatch(ownerUid: string, podUid: string): unknown {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: podUid } };
}

/**
 * The pods the controller owns after adopting and releasing. Pods that could not be adopted or
 * released are left out and the errors thrown together at the end (AggregateError), so the
 * caller retries the sync; the pods it could claim are not held back by one failure meanwhile.
 */
export async function claimPods(options: ClaimOptions, pods: readonly Readonly<Pod>[]): Promise<Readonly<Pod>[]> {
  const { client, controller, ref, selector } = options;
  const uid = controller.metadata?.uid ?? '';
  const ownerDeleting = controller.metadata?.deletionTimestamp != null;
  let adoptable: Promise<void> | undefined;
  const claimed: Readonly<Pod>[] = [];
  const errors: unknown[] = [];

  for (const pod of pods) {
    const podUid = pod.metadata?.uid ?? '';
    const owner = controllerRefOf(pod);
    const matches = selector.matches(pod.metadata?.labels);
    try {
      if (owner !== undefined) {
        // Owned by someone else: not ours to touch.
        if (owner.uid !== uid) continue;
        // Ours and matching: claimed, even while we are being deleted (no action needed).
        if (matches) {
          claimed.push(pod);
          continue;
        }
        if (ownerDeleting) continue;
        await release(client, pod, uid, podUid);
        continue;
      }
      // An orphan: adopt only if it matches, neither side is being deleted, and it is in our namespace.
      if (ownerDeleting || !matches || pod.metadata?.deletionTimestamp != null) continue;
      if ((controller.metadata?.namespace ?? '') !== (pod.metadata?.namespace ?? '')) continue;
      adoptable ??= options.canAdopt();
      try {
        await adoptable;
      } catch (error) {
        throw new Error(`can't adopt Pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} (${podUid}): ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      try {
        const adopted = await client.patch<Pod>(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace, adoptPatch(ref, podUid), 'strategic');
        claimed.push(adopted);
      } catch (error) {
        // Gone meanwhile: nothing to adopt. Anything else (another controller was faster, a
        // transient failure) retries the sync, which finds the pod as it is then.
        if (!isNotFound(error)) throw error;
      }
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; '));
  return claimed;
}

async function release(client: RestClient, pod: Readonly<Pod>, ownerUid: string, podUid: string): Promise<void> {
  try {
    await client.patch<Pod>(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace, releasePatch(ownerUid, podUid), 'strategic');
  } catch (error) {
    // Gone, or recreated with another uid (Invalid): either way it is not ours any more.
    if (isNotFound(error) || isInvalid(error)) return;
    throw error;
  }
}
