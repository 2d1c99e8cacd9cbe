// Which ReplicaSets a deployment owns (upstream's ReplicaSetControllerRefManager.ClaimReplicaSets):
// those with its controller reference whose labels still match its selector. An orphan that
// matches is adopted; one it owns that no longer matches is released. Adoption first re-reads the
// deployment from the API server, so a deployment deleted meanwhile adopts nothing.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { labelSelectorFromObject, type LabelMatcher } from '../../api/label-selector.js';
import { isNotFound } from '../../client/client-errors.js';
import { Deployments, ReplicaSets } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import { controllerRefOf, type RS } from './replica-sets.js';

export type ClaimDecision = 'own' | 'adopt' | 'release' | 'ignore';

/** What ClaimObject does with one ReplicaSet (pure). */
export function claimDecision(d: Readonly<Deployment>, selector: LabelMatcher, rs: RS): ClaimDecision {
  const ref = controllerRefOf(rs);
  const matches = selector.matches(rs.metadata?.labels);
  if (ref !== undefined) {
    if (ref.uid !== d.metadata?.uid) return 'ignore';
    if (matches) return 'own';
    // Owned but no longer selected: released, unless the owner is going away anyway.
    return d.metadata?.deletionTimestamp !== undefined ? 'ignore' : 'release';
  }
  if (d.metadata?.deletionTimestamp !== undefined || !matches) return 'ignore';
  if (rs.metadata?.deletionTimestamp !== undefined) return 'ignore';
  if ((d.metadata?.namespace ?? '') !== '' && d.metadata?.namespace !== rs.metadata?.namespace) return 'ignore';
  return 'adopt';
}

export function controllerRef(d: Readonly<Deployment>): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata?.name ?? '', uid: d.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions {
  readonly client: RestClient;
  readonly deployment: Readonly<Deployment>;
  /** Every ReplicaSet in the deployment's namespace, so that owned ones that no longer match are found. */
  readonly replicaSets: readonly RS[];
}

/** The ReplicaSets the deployment owns after adopting and releasing; throws after trying them all if any write failed. */
export async function claimReplicaSets(options: ClaimOptions): Promise<RS[]> {
  const { client, deployment: d } = options;
  const id = `${d.metadata?.namespace ?? ''}/${d.metadata?.name ?? ''}`;
  let selector: LabelMatcher;
  try {
    selector = labelSelectorFromObject(d.spec?.selector);
  } catch (error) {
    throw new Error(`deployment ${id} has invalid label selector: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let adoptable: Promise<void> | undefined;
  // RecheckDeletionTimestamp: a quorum read once, before the first adoption.
  const canAdopt = (): Promise<void> =>
    (adoptable ??= client.get<Deployment>(Deployments, d.metadata?.name ?? '', d.metadata?.namespace).then((fresh) => {
      if (fresh.metadata?.uid !== d.metadata?.uid) throw new Error(`original Deployment ${id} is gone: got uid ${fresh.metadata?.uid ?? ''}, wanted ${d.metadata?.uid ?? ''}`);
      if (fresh.metadata?.deletionTimestamp !== undefined) throw new Error(`${id} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }));

  const claimed: RS[] = [];
  const errors: unknown[] = [];
  for (const rs of options.replicaSets) {
    const decision = claimDecision(d, selector, rs);
    try {
      if (decision === 'own') {
        claimed.push(rs);
      } else if (decision === 'adopt') {
        await canAdopt();
        const copy = structuredClone(rs) as ReplicaSet;
        copy.metadata = { ...copy.metadata, ownerReferences: [...(copy.metadata?.ownerReferences ?? []), controllerRef(d)] };
        // Our resourceVersion: if the ReplicaSet changed (or was replaced) since we read it, this conflicts.
        claimed.push(await client.update<ReplicaSet>(ReplicaSets, copy));
      } else if (decision === 'release') {
        const copy = structuredClone(rs) as ReplicaSet;
        copy.metadata = { ...copy.metadata, ownerReferences: (copy.metadata?.ownerReferences ?? []).filter((r) => r.uid !== d.metadata?.uid) };
        await client.update<ReplicaSet>(ReplicaSets, copy);
      }
    } catch (error) {
      if (!isNotFound(error)) errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `deployment ${id}: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
  return claimed;
}
