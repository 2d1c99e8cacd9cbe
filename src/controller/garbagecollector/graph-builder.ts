// Turns what the informers see into the dependency graph and into work (upstream's GraphBuilder):
// a new or changed object updates its node and its owners' dependents; a deleted object leaves the
// graph and sends its dependents to attemptToDelete; an object whose deletion starts with the
// foregroundDeletion or orphan finalizer goes to attemptToDelete or attemptToOrphan. Informer
// handlers run one at a time on the event loop, so the graph changes in the order events arrive.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import {
  alternateOwnerIdentity,
  FOREGROUND_FINALIZER,
  formatIdentity,
  Graph,
  GraphNode,
  ORPHAN_FINALIZER,
  ownerCoordinates,
  partitionDependents,
  ReferenceCache,
  referenceMatchesCoordinates,
  referencesDiffs,
  sameIdentity,
  type ObjectIdentity,
} from './graph.js';

export interface GraphBuilderOptions {
  readonly graph: Graph;
  readonly absentOwners: ReferenceCache;
  /** Queue a node (by uid) for attemptToDeleteItem. */
  readonly attemptToDelete: (uid: string) => void;
  /** Queue a node (by uid) for the orphan worker. */
  readonly attemptToOrphan: (uid: string) => void;
  /** Warn on the dependent that its reference to this owner uid points into another namespace. */
  readonly invalidNamespaceOwnerRef: (dependent: ObjectIdentity, ref: OwnerReference) => void;
  readonly logger: Logger;
}

export type GraphEventType = 'add' | 'update' | 'delete';

const beingDeleted = (obj: Readonly<KubeObject>): boolean => obj.metadata?.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null;
const hasFinalizer = (obj: Readonly<KubeObject>, finalizer: string): boolean => (obj.metadata?.finalizers ?? []).includes(finalizer);

/** The deletion of `obj` has just started with `finalizer` (it was not deleting with it before). */
function deletionStartsWith(old: Readonly<KubeObject> | undefined, obj: Readonly<KubeObject>, finalizer: string): boolean {
  if (!beingDeleted(obj) || !hasFinalizer(obj, finalizer)) return false;
  return old === undefined || !beingDeleted(old) || !hasFinalizer(old, finalizer);
}

export class GraphBuilder {
  constructor(private readonly options: GraphBuilderOptions) {}

  /** An informer event for an object whose apiVersion and kind are those of its informer. */
  observe(type: GraphEventType, identity: ObjectIdentity, obj: Readonly<KubeObject>, old?: Readonly<KubeObject>): void {
    const { graph } = this.options;
    let existing = graph.get(identity.uid);
    if (existing !== undefined && existing.virtual) {
      existing = this.replaceVirtual(existing, identity);
      existing.virtual = false;
    }
    const owners = obj.metadata?.ownerReferences ?? [];
    if (type === 'delete') {
      if (existing !== undefined) this.removeNode(existing, identity);
      return;
    }
    if (existing === undefined) {
      const deleting = beingDeleted(obj);
      const node = new GraphNode(identity, owners, false, deleting, deleting && hasFinalizer(obj, FOREGROUND_FINALIZER));
      graph.set(node);
      this.addDependentToOwners(node, owners);
      this.processTransitions(old, obj, node);
      return;
    }
    const { added, removed, changed } = referencesDiffs(existing.owners, owners);
    if (added.length > 0 || removed.length > 0 || changed.length > 0) {
      // An owner waiting for its blocking dependents may be free now.
      for (const ref of removed) if (ref.blockOwnerDeletion === true) this.enqueueIfKnown(ref.uid);
      for (const { oldRef, newRef } of changed) if (oldRef.blockOwnerDeletion === true && newRef.blockOwnerDeletion !== true) this.enqueueIfKnown(newRef.uid);
      existing.owners = owners;
      this.addDependentToOwners(existing, added);
      for (const ref of removed) graph.get(ref.uid)?.dependents.delete(existing);
    }
    if (beingDeleted(obj)) existing.beingDeleted = true;
    this.processTransitions(old, obj, existing);
  }

  /**
   * A live GET proved this identity absent (upstream's virtual delete event): the node leaves the
   * graph and its dependents are checked, unless dependents name the uid differently.
   */
  virtualDelete(deleted: ObjectIdentity): void {
    const { graph, absentOwners } = this.options;
    const existing = graph.get(deleted.uid);
    if (existing === undefined) return;
    if (existing.virtual) {
      const { matching, nonmatching } = partitionDependents(existing.dependents, deleted);
      if (nonmatching.length > 0) {
        // Some dependents disagree on the owner's coordinates: keep the node for them.
        if (matching.length > 0) {
          absentOwners.add(deleted);
          for (const dep of matching) this.options.attemptToDelete(dep.identity.uid);
        }
        if (sameIdentity(existing.identity, deleted)) {
          const replacement = alternateOwnerIdentity(nonmatching, deleted);
          if (replacement !== undefined) {
            const node = existing.clone();
            node.identity = replacement;
            graph.set(node);
            this.options.attemptToDelete(node.identity.uid);
          }
        }
        return;
      }
    } else if (!sameIdentity(existing.identity, deleted)) {
      // The observed object is real: only dependents naming the absent identity lose their owner.
      const { matching } = partitionDependents(existing.dependents, deleted);
      if (matching.length > 0) {
        absentOwners.add(deleted);
        for (const dep of matching) this.options.attemptToDelete(dep.identity.uid);
      }
      return;
    }
    this.removeNode(existing, deleted);
  }

  /** A virtual node seen for real: dependents that named it wrongly are checked again. */
  private replaceVirtual(existing: GraphNode, observed: ObjectIdentity): GraphNode {
    if (sameIdentity(existing.identity, observed)) return existing;
    const { nonmatching } = partitionDependents(existing.dependents, observed);
    for (const dep of nonmatching) {
      if (observed.namespace !== '' && dep.identity.namespace !== observed.namespace) this.reportInvalidNamespace(dep, observed.uid);
      this.options.attemptToDelete(dep.identity.uid);
    }
    // A copy replaces the node, so work in flight on the old one keeps a consistent view.
    const node = existing.clone();
    node.identity = observed;
    this.options.graph.set(node);
    return node;
  }

  private removeNode(node: GraphNode, identity: ObjectIdentity): void {
    const { graph, absentOwners } = this.options;
    graph.delete(node.identity.uid);
    for (const ref of node.owners) graph.get(ref.uid)?.dependents.delete(node);
    if (node.dependents.size > 0) absentOwners.add(identity);
    for (const dep of node.dependents) this.options.attemptToDelete(dep.identity.uid);
    // An owner deleting its dependents in the foreground may now be free to go.
    for (const ref of node.owners) {
      const owner = graph.get(ref.uid);
      if (owner?.deletingDependents === true) this.options.attemptToDelete(owner.identity.uid);
    }
  }

  /**
   * Adds `node` to its owners' dependents; an owner not in the graph becomes a virtual node that
   * attemptToDelete verifies against the API server.
   */
  private addDependentToOwners(node: GraphNode, owners: readonly OwnerReference[]): void {
    const { graph } = this.options;
    let potentiallyInvalid = false;
    for (const ref of owners) {
      let owner = graph.get(ref.uid);
      if (owner === undefined) {
        owner = new GraphNode({ ...ownerCoordinates(ref), namespace: node.identity.namespace }, [], true);
        graph.set(owner);
        owner.dependents.add(node);
        this.options.attemptToDelete(owner.identity.uid);
        continue;
      }
      owner.dependents.add(node);
      if (potentiallyInvalid) continue;
      const ownerNamespaced = owner.identity.namespace !== '';
      if (ownerNamespaced && owner.identity.namespace !== node.identity.namespace) {
        // A namespaced owner in another namespace cannot be an owner: definitely wrong once observed.
        if (!owner.virtual) this.reportInvalidNamespace(node, ref.uid);
        potentiallyInvalid = true;
      } else if (!referenceMatchesCoordinates(ref, owner.identity)) {
        potentiallyInvalid = true;
      } else if (!ownerNamespaced && owner.identity.namespace !== node.identity.namespace && owner.virtual) {
        // A virtual cluster-scoped owner of another namespace's object: maybe a namespaced kind named wrongly.
        potentiallyInvalid = true;
      }
    }
    if (potentiallyInvalid) this.options.attemptToDelete(node.identity.uid);
  }

  private processTransitions(old: Readonly<KubeObject> | undefined, obj: Readonly<KubeObject>, node: GraphNode): void {
    if (deletionStartsWith(old, obj, ORPHAN_FINALIZER)) {
      this.options.logger.debug('owner deleted with the orphan finalizer', { item: formatIdentity(node.identity) });
      this.options.attemptToOrphan(node.identity.uid);
      return;
    }
    if (deletionStartsWith(old, obj, FOREGROUND_FINALIZER)) {
      this.options.logger.debug('owner waits for its dependents to be deleted', { item: formatIdentity(node.identity) });
      node.deletingDependents = true;
      for (const dep of node.dependents) this.options.attemptToDelete(dep.identity.uid);
      this.options.attemptToDelete(node.identity.uid);
    }
  }

  private enqueueIfKnown(uid: string): void {
    if (this.options.graph.get(uid) !== undefined) this.options.attemptToDelete(uid);
  }

  private reportInvalidNamespace(dependent: GraphNode, ownerUid: string): void {
    const ref = dependent.owners.find((r) => r.uid === ownerUid);
    if (ref !== undefined) this.options.invalidNamespaceOwnerRef(dependent.identity, ref);
  }
}
