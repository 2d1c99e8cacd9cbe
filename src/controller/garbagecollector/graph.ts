// The garbage collector's dependency graph (upstream's graph.go): one node per object uid, holding
// the object's identity, its ownerReferences, and the nodes that name it as an owner. An owner named
// by a dependent before any informer showed it is a "virtual" node until it is observed or proven
// absent by a live GET. Pure data: no I/O, so it is tested on its own.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';

/** Who an object is: its ownerReference coordinates plus its namespace ('' when cluster-scoped). */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly namespace: string;
}

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export class GraphNode {
  /** Nodes whose ownerReferences name this node's uid. */
  readonly dependents = new Set<GraphNode>();

  constructor(
    public identity: ObjectIdentity,
    public owners: readonly OwnerReference[] = [],
    /** Known only from a dependent's reference, not yet seen through an informer. */
    public virtual = false,
    public beingDeleted = false,
    /** Being deleted with the foregroundDeletion finalizer: waits for its blocking dependents. */
    public deletingDependents = false,
  ) {}

  /** A copy that can replace this node in the graph (same dependents), e.g. with a corrected identity. */
  clone(): GraphNode {
    const copy = new GraphNode(this.identity, [...this.owners], this.virtual, this.beingDeleted, this.deletingDependents);
    for (const dep of this.dependents) copy.dependents.add(dep);
    return copy;
  }

  /** Dependents whose reference to this node has blockOwnerDeletion: the foreground deletion waits for them. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((ref) => ref.uid === this.identity.uid && ref.blockOwnerDeletion === true));
  }
}

/** The nodes by uid (upstream's uidToNode). */
export class Graph {
  private readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  set(node: GraphNode): void {
    this.nodes.set(node.identity.uid, node);
  }

  delete(uid: string): void {
    this.nodes.delete(uid);
  }

  get size(): number {
    return this.nodes.size;
  }
}

/** The coordinates of a reference: what identifies the owner, flags left out. */
export function ownerCoordinates(ref: OwnerReference): Pick<ObjectIdentity, 'apiVersion' | 'kind' | 'name' | 'uid'> {
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
}

export function referenceMatchesCoordinates(ref: OwnerReference, identity: Pick<ObjectIdentity, 'apiVersion' | 'kind' | 'name' | 'uid'>): boolean {
  return ref.uid === identity.uid && ref.name === identity.name && ref.kind === identity.kind && ref.apiVersion === identity.apiVersion;
}

export function sameIdentity(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion && a.namespace === b.namespace;
}

/** Upstream's objectReference.String(), used in events and logs. */
export function formatIdentity(identity: ObjectIdentity): string {
  return `[${identity.apiVersion}/${identity.kind}, namespace: ${identity.namespace}, name: ${identity.name}, uid: ${identity.uid}]`;
}

/** A key for the absent-owner cache. */
export function identityKey(identity: ObjectIdentity): string {
  return [identity.apiVersion, identity.kind, identity.namespace, identity.name, identity.uid].join('\u0000');
}

const sameReference = (a: OwnerReference, b: OwnerReference): boolean =>
  referenceMatchesCoordinates(a, b) && (a.controller === true) === (b.controller === true) && (a.blockOwnerDeletion === true) === (b.blockOwnerDeletion === true);

/** Which references were added, removed or changed (by uid), as upstream's referencesDiffs. */
export function referencesDiffs(
  oldRefs: readonly OwnerReference[],
  newRefs: readonly OwnerReference[],
): { added: OwnerReference[]; removed: OwnerReference[]; changed: { oldRef: OwnerReference; newRef: OwnerReference }[] } {
  const old = new Map(oldRefs.map((ref) => [ref.uid, ref]));
  const added: OwnerReference[] = [];
  const changed: { oldRef: OwnerReference; newRef: OwnerReference }[] = [];
  for (const ref of newRefs) {
    const before = old.get(ref.uid);
    if (before === undefined) added.push(ref);
    else {
      if (!sameReference(before, ref)) changed.push({ oldRef: before, newRef: ref });
      old.delete(ref.uid);
    }
  }
  return { added, removed: [...old.values()], changed };
}

/**
 * Dependents whose reference to `owner.uid` matches the owner's identity, and those whose reference
 * (or namespace) does not. A dependent with two references to the uid may be in both.
 */
export function partitionDependents(dependents: Iterable<GraphNode>, owner: ObjectIdentity): { matching: GraphNode[]; nonmatching: GraphNode[] } {
  const matching: GraphNode[] = [];
  const nonmatching: GraphNode[] = [];
  const ownerNamespaced = owner.namespace !== '';
  for (const dep of dependents) {
    let match = false;
    let mismatch = false;
    if (ownerNamespaced && dep.identity.namespace !== owner.namespace) mismatch = true;
    else {
      for (const ref of dep.owners) {
        if (ref.uid !== owner.uid) continue;
        if (referenceMatchesCoordinates(ref, owner)) match = true;
        else mismatch = true;
      }
    }
    if (match) matching.push(dep);
    if (mismatch) nonmatching.push(dep);
  }
  return { matching, nonmatching };
}

function identityLess(a: ObjectIdentity, b: ObjectIdentity): boolean {
  for (const key of ['kind', 'apiVersion', 'namespace', 'name', 'uid'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key];
  }
  return false;
}

/**
 * Another identity the dependents give the absent owner's uid (other kind, name or namespace): the
 * first that sorts after the absent one, else the first (upstream's getAlternateOwnerIdentity).
 */
export function alternateOwnerIdentity(dependents: Iterable<GraphNode>, absent: ObjectIdentity): ObjectIdentity | undefined {
  const clusterScoped = absent.namespace === '';
  const seen = new Set([identityKey(absent)]);
  let first: ObjectIdentity | undefined;
  let firstFollowing: ObjectIdentity | undefined;
  for (const dep of dependents) {
    for (const ref of dep.owners) {
      if (ref.uid !== absent.uid) continue;
      if (referenceMatchesCoordinates(ref, absent) && (clusterScoped || absent.namespace === dep.identity.namespace)) continue;
      let candidate: ObjectIdentity = { ...ownerCoordinates(ref), namespace: dep.identity.namespace };
      // That apiVersion/kind is known to be cluster-scoped: no namespace in the alternative either.
      if (clusterScoped && candidate.apiVersion === absent.apiVersion && candidate.kind === absent.kind) candidate = { ...candidate, namespace: '' };
      const key = identityKey(candidate);
      if (seen.has(key)) continue;
      seen.add(key);
      if (first === undefined || identityLess(candidate, first)) first = candidate;
      if (identityLess(absent, candidate) && (firstFollowing === undefined || identityLess(candidate, firstFollowing))) firstFollowing = candidate;
    }
  }
  return firstFollowing ?? first;
}

/** A small LRU of identities known to be absent (upstream's ReferenceCache, 500 entries). */
export class ReferenceCache {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 500) {}

  add(identity: ObjectIdentity): void {
    const key = identityKey(identity);
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next();
      if (oldest.done !== true) this.keys.delete(oldest.value);
    }
  }

  has(identity: ObjectIdentity): boolean {
    const key = identityKey(identity);
    if (!this.keys.has(key)) return false;
    this.keys.delete(key);
    this.keys.add(key);
    return true;
  }
}
