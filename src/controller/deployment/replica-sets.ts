// Pure helpers over a Deployment's ReplicaSets (upstream deploymentutil): which one is new, which
// are old, their counts, the orders upstream sorts them in, and template equality ignoring the
// pod-template-hash label.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { DESIRED_REPLICAS_ANNOTATION, REVISION_ANNOTATION } from './annotations.js';
import { desiredReplicas } from './fenceposts.js';
import { POD_TEMPLATE_HASH_LABEL } from './hash.js';

export type RS = Readonly<ReplicaSet>;

export const specReplicas = (rs: RS): number => rs.spec?.replicas ?? 0;

const sum = (rss: readonly (RS | undefined)[], f: (rs: RS) => number): number => rss.reduce((n, rs) => n + (rs === undefined ? 0 : f(rs)), 0);

/** Sum of spec.replicas (GetReplicaCountForReplicaSets). */
export const replicaCount = (rss: readonly (RS | undefined)[]): number => sum(rss, specReplicas);
/** Sum of status.replicas (GetActualReplicaCountForReplicaSets). */
export const actualReplicaCount = (rss: readonly (RS | undefined)[]): number => sum(rss, (rs) => rs.status?.replicas ?? 0);
export const readyReplicaCount = (rss: readonly (RS | undefined)[]): number => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicaCount = (rss: readonly (RS | undefined)[]): number => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** ReplicaSets that want pods (FilterActiveReplicaSets). */
export function filterActive(rss: readonly (RS | undefined)[]): RS[] {
  return rss.filter((rs): rs is RS => rs !== undefined && specReplicas(rs) > 0);
}

const created = (rs: RS): number => {
  const t = rs.metadata?.creationTimestamp;
  return t === undefined ? 0 : Date.parse(t);
};
const nameOf = (rs: RS): string => rs.metadata?.name ?? '';
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Oldest first, then by name (ReplicaSetsByCreationTimestamp). */
export function byCreationTimestamp(a: RS, b: RS): number {
  const d = created(a) - created(b);
  return d !== 0 ? d : compareStrings(nameOf(a), nameOf(b));
}

/** Largest first; of equal size the older first (ReplicaSetsBySizeOlder: scaling down). */
export function bySizeOlder(a: RS, b: RS): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

/** Largest first; of equal size the newer first (ReplicaSetsBySizeNewer: scaling up). */
export function bySizeNewer(a: RS, b: RS): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(b, a);
}

/** The revision annotation as a number: 0 when absent, undefined when not an integer. */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): number | undefined {
  const v = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/** Lowest revision first, then oldest (ReplicaSetsByRevision). */
export function byRevision(a: RS, b: RS): number {
  const d = (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

export function maxRevision(rss: readonly (RS | undefined)[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** The second highest revision: the one a rollback to "the last revision" returns to. */
export function lastRevision(rss: readonly (RS | undefined)[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/**
 * apimachinery's Semantic.DeepEqual on JSON: a missing field, null, "" and an empty list or map
 * are the same (Go decodes them all to the zero value).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => semanticEqual(v, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) if (!semanticEqual(ao[key], bo[key])) return false;
  return true;
}

function withoutHashLabel(template: Readonly<PodTemplateSpec> | undefined): PodTemplateSpec {
  const labels = { ...(template?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...template?.metadata, labels } };
}

/** Templates equal but for the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: Readonly<PodTemplateSpec> | undefined, b: Readonly<PodTemplateSpec> | undefined): boolean {
  return semanticEqual(withoutHashLabel(a), withoutHashLabel(b));
}

/**
 * The ReplicaSet running the deployment's template: of several (after an upgrade they can exist),
 * the oldest, deterministically (FindNewReplicaSet).
 */
export function findNewReplicaSet(d: Readonly<Deployment>, rsList: readonly RS[]): RS | undefined {
  return [...rsList].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** The other ReplicaSets: those with pods (required) and all of them (FindOldReplicaSets). */
export function findOldReplicaSets(d: Readonly<Deployment>, rsList: readonly RS[]): { withPods: RS[]; all: RS[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => newRS === undefined || rs.metadata?.uid !== newRS.metadata?.uid);
  return { withPods: all.filter((rs) => specReplicas(rs) !== 0), all };
}

/**
 * The only ReplicaSet with replicas, or, when none has any, the newest; undefined when several
 * have replicas (FindActiveOrLatest).
 */
export function findActiveOrLatest(newRS: RS | undefined, oldRSs: readonly RS[]): RS | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet has all the deployment's replicas, and they are available (IsSaturated). */
export function isSaturated(d: Readonly<Deployment>, rs: RS | undefined): boolean {
  if (rs === undefined) return false;
  const desired = rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (desired === undefined || !/^[+-]?\d+$/.test(desired)) return false;
  const replicas = desiredReplicas(d);
  return specReplicas(rs) === replicas && Number(desired) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

export function controllerRefOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } } | undefined): OwnerReference | undefined {
  return obj?.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}
