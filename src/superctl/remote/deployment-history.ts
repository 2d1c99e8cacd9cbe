// A Deployment's history is its ReplicaSets: each carries the revision of the template it runs
// (deployment.kubernetes.io/revision) and the change-cause it was made with. rollout history lists
// them; rollout undo copies one's template back into the Deployment, as kubectl has done since the
// server-side rollback went away.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { ReplicaSets } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import { selectorString } from './pod-picker.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Annotations that belong to a ReplicaSet, not to the template it was made from (kubectl's skip list). */
const NOT_COPIED_ON_UNDO = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export interface Revision {
  readonly revision: number;
  readonly replicaSet: ReplicaSet;
}

/** The Deployment's ReplicaSets (those it owns) by revision, oldest first. */
export async function revisionsOf(client: RestClient, d: Deployment): Promise<Revision[]> {
  const namespace = d.metadata?.namespace ?? 'default';
  const list = await client.list<ReplicaSet>(ReplicaSets, { namespace, labelSelector: selectorString(d.spec?.selector) });
  const uid = d.metadata?.uid;
  return list.items
    .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o) => o.controller === true && o.uid === uid))
    .map((rs) => ({ revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? '0'), replicaSet: rs }))
    .filter((r) => Number.isFinite(r.revision))
    .sort((a, b) => a.revision - b.revision);
}

export function changeCauseOf(rs: ReplicaSet): string {
  return rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '<none>';
}

/** The template without the pod-template-hash label the controller added to the ReplicaSet's copy. */
export function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels !== undefined) {
    const labels = { ...t.metadata.labels };
    delete labels[POD_TEMPLATE_HASH];
    t.metadata = { ...t.metadata, labels };
  }
  return t;
}

/** Deep equality of plain JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, sortKeys(v)]));
}

/**
 * The JSON patch that rolls the Deployment back to the ReplicaSet: its template, and the
 * Deployment's annotations with the ReplicaSet's own (its change-cause) laid over them.
 */
export function undoPatch(d: Deployment, rs: ReplicaSet): unknown[] {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (NOT_COPIED_ON_UNDO.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!NOT_COPIED_ON_UNDO.has(k)) annotations[k] = v;
  return [
    { op: 'replace', path: '/spec/template', value: withoutHash(rs.spec?.template) },
    { op: 'add', path: '/metadata/annotations', value: annotations },
  ];
}
