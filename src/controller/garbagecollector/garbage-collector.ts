// The garbage collector (upstream's GarbageCollector): deletes objects whose owners are all gone,
// runs foreground deletion (dependents first, the owner's foregroundDeletion finalizer last) and
// orphaning (ownerReferences removed, then the orphan finalizer). The graph comes from informers;
// every decision to delete is checked against the API server first, because the informers lag:
// the object and its owners are read live, and the delete carries the object's uid.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import type { KubeObject } from '../../client/rest-client.js';
import {
  apiVersionOf,
  ConfigMaps,
  CronJobs,
  Deployments,
  Endpoints,
  EndpointSlices,
  Jobs,
  Leases,
  Namespaces,
  Nodes,
  Pods,
  ReplicaSets,
  Secrets,
  ServiceAccounts,
  Services,
  type ResourceType,
} from '../../client/resource-types.js';
import { WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../controller.js';
import { discoveredTypes, serverPreferredResources, type DiscoverFn } from '../../client/discovery.js';
import { FOREGROUND_FINALIZER, formatIdentity, Graph, GraphNode, ORPHAN_FINALIZER, ownerCoordinates, ReferenceCache, type ObjectIdentity } from './graph.js';
import { GraphBuilder } from './graph-builder.js';
import { DynamicMonitors, resourceKey } from './monitors.js';
import { GcOperations, RestMapper, RestMappingError, type PropagationPolicy } from './operations.js';

/**
 * The served resources whose objects carry (or are named by) ownerReferences here, watched through
 * the shared informers; anything else discovery finds is watched by DynamicMonitors.
 */
export const MONITORED_RESOURCES: readonly ResourceType[] = [
  Pods, ReplicaSets, Deployments, Jobs, CronJobs, Services, Endpoints, EndpointSlices,
  ConfigMaps, Secrets, ServiceAccounts, Leases, Nodes, Namespaces,
];

export interface GarbageCollectorOptions {
  /** attemptToDelete workers (upstream's --concurrent-gc-syncs, default 20). */
  readonly workers?: number;
  /** How often discovery is read again for new resources (upstream's 30 s). */
  readonly resyncPeriodMs?: number;
  /** Discovery, replaceable in tests. */
  readonly discover?: DiscoverFn;
}

/** A cluster-scoped object naming a namespaced owner: wrong for good, so it is not retried. */
class NamespacedOwnerOfClusterScopedObject extends Error {}

type Outcome = 'done' | 'forget';

interface Classified {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waiting: OwnerReference[];
}

const VIRTUAL_POLL_BASE_MS = 5;
const VIRTUAL_POLL_MAX_MS = 60_000;

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector-controller';
  private readonly graph = new Graph();
  private readonly absentOwners = new ReferenceCache(500);
  private readonly attemptToDelete: WorkQueue;
  private readonly attemptToOrphan: WorkQueue;
  private readonly builder: GraphBuilder;
  private readonly mapper = new RestMapper(MONITORED_RESOURCES);
  private readonly ops: GcOperations;
  private readonly monitors: DynamicMonitors;
  private readonly discover: DiscoverFn;
  private readonly virtualPolls = new Map<string, number>();
  private lastDiscovery = 0;
  private runSignal: AbortSignal | undefined;

  constructor(
    private readonly context: ControllerContext,
    private readonly options: GarbageCollectorOptions = {},
  ) {
    const logger = context.logger;
    this.attemptToDelete = new WorkQueue({ name: 'garbage_collector_attempt_to_delete', logger });
    this.attemptToOrphan = new WorkQueue({ name: 'garbage_collector_attempt_to_orphan', logger });
    this.ops = new GcOperations(context.client, this.mapper);
    this.discover = options.discover ?? (() => serverPreferredResources(context.client));
    this.builder = new GraphBuilder({
      graph: this.graph,
      absentOwners: this.absentOwners,
      attemptToDelete: (uid) => this.attemptToDelete.add(uid),
      attemptToOrphan: (uid) => this.attemptToOrphan.add(uid),
      invalidNamespaceOwnerRef: (dependent, ref) => this.reportInvalidNamespaceOwnerRef(dependent, ref),
      logger,
    });
    for (const type of MONITORED_RESOURCES) this.register(context.informers.for<KubeObject>(type), type);
    this.monitors = new DynamicMonitors({
      client: context.client,
      logger: logger.child('gc-monitors'),
      covered: new Set(MONITORED_RESOURCES.map(resourceKey)),
      register: (informer, type) => this.register(informer, type),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    this.runSignal = signal;
    // Resources beyond the built-in list join the graph before the first deletion is decided.
    await this.syncMonitors(signal);
    const period = this.options.resyncPeriodMs ?? 30_000;
    const timer = setInterval(() => void this.syncMonitors(signal), period);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    await Promise.all([
      this.attemptToDelete.run({ workers: this.options.workers ?? 20, signal, reconcile: (uid) => this.processAttemptToDelete(uid) }),
      this.attemptToOrphan.run({ workers: this.options.workers ?? 20, signal, reconcile: (uid) => this.attemptToOrphanWorker(uid) }),
    ]);
  }

  /** How many objects the graph holds (virtual nodes included): for tests. */
  graphSize(): number {
    return this.graph.size;
  }

  private register(informer: Informer<KubeObject>, type: ResourceType): void {
    const apiVersion = apiVersionOf(type);
    const identity = (obj: Readonly<KubeObject>): ObjectIdentity | undefined => {
      const uid = obj.metadata?.uid;
      if (uid === undefined || uid === '') return undefined;
      return { apiVersion, kind: type.kind, name: obj.metadata?.name ?? '', uid, namespace: obj.metadata?.namespace ?? '' };
    };
    informer.onAdd((obj) => {
      const id = identity(obj);
      if (id !== undefined) this.builder.observe('add', id, obj);
    });
    informer.onUpdate((old, obj) => {
      const id = identity(obj);
      if (id !== undefined) this.builder.observe('update', id, obj, old);
    });
    informer.onDelete((obj) => {
      const id = identity(obj);
      if (id !== undefined) this.builder.observe('delete', id, obj);
    });
  }

  private async syncMonitors(signal: AbortSignal): Promise<void> {
    this.lastDiscovery = Date.now();
    try {
      const result = await this.discover();
      if (result.error !== undefined) this.context.logger.info('failed to discover some groups', { error: result.error.message });
      const { types } = discoveredTypes(result.lists);
      this.mapper.add(types);
      await this.monitors.sync(types, signal, 30_000);
    } catch (error) {
      if (!signal.aborted) this.context.logger.warn('failed to discover preferred resources', { error });
    }
  }

  private async processAttemptToDelete(uid: string): Promise<ReconcileResult> {
    const node = this.graph.get(uid);
    if (node === undefined) {
      this.virtualPolls.delete(uid);
      return;
    }
    let outcome: Outcome;
    try {
      outcome = await this.attemptToDeleteItem(node);
    } catch (error) {
      if (error instanceof NamespacedOwnerOfClusterScopedObject) return;
      // An unknown kind may be a resource discovery has not shown yet: look again soon.
      const signal = this.runSignal;
      if (error instanceof RestMappingError && signal !== undefined && Date.now() - this.lastDiscovery > 5_000) void this.syncMonitors(signal);
      throw error;
    }
    // A virtual node whose object exists is polled until an informer shows it (issue 56121 upstream).
    if (outcome === 'done' && this.graph.get(uid)?.virtual === true) {
      const polls = this.virtualPolls.get(uid) ?? 0;
      this.virtualPolls.set(uid, polls + 1);
      return { requeueAfterMs: Math.min(VIRTUAL_POLL_MAX_MS, VIRTUAL_POLL_BASE_MS * 2 ** Math.min(polls, 20)) };
    }
    this.virtualPolls.delete(uid);
  }

  /**
   * Deletes the item if every owner is gone, after checking the item and its owners live; removes
   * dangling references when a real owner remains; runs the foreground deletion of an owner.
   */
  private async attemptToDeleteItem(item: GraphNode): Promise<Outcome> {
    // Being deleted is a one-way trip: wait for the delete event, which then checks the dependents.
    if (item.beingDeleted && !item.deletingDependents) return 'done';
    let latest: KubeObject;
    try {
      latest = await this.ops.get(item.identity);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.builder.virtualDelete(item.identity);
      return 'forget';
    }
    if (latest.metadata?.uid !== item.identity.uid) {
      // Same name, another object: ours is gone.
      this.builder.virtualDelete(item.identity);
      return 'forget';
    }
    if (item.deletingDependents) {
      await this.processDeletingDependentsItem(item);
      return 'done';
    }
    const references = latest.metadata.ownerReferences ?? [];
    if (references.length === 0) return 'done';
    const { solid, dangling, waiting } = await this.classifyReferences(item, references);
    const resourceVersion = latest.metadata.resourceVersion;
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return 'done';
      // References to owners waiting for their dependents go too, or those owners would wait forever.
      const remove = new Set([...dangling, ...waiting].map((ref) => ref.uid));
      this.context.logger.debug('removing dangling and waiting references', { item: formatIdentity(item.identity), uids: [...remove] });
      await this.ops.patchOwnerReferences(item.identity, (refs) => (refs.some((r) => remove.has(r.uid)) ? refs.filter((r) => !remove.has(r.uid)) : undefined));
      return 'done';
    }
    if (waiting.length > 0 && item.dependents.size > 0) {
      let unblocked = false;
      if ([...item.dependents].some((dep) => dep.deletingDependents)) {
        // A possible cycle (owner and dependent both waiting): stop blocking the owners first.
        await this.ops.patchOwnerReferences(item.identity, (refs) =>
          refs.some((r) => r.blockOwnerDeletion === true) ? refs.map((r) => (r.blockOwnerDeletion === true ? { ...r, blockOwnerDeletion: false } : r)) : undefined,
        );
        unblocked = true;
      }
      // The item has dependents of its own: delete it in the foreground too, so the owner waits for all.
      await this.deleteItem(item, unblocked ? undefined : resourceVersion, references, 'Foreground');
      return 'done';
    }
    // No owner left (or only owners waiting on an item without dependents): collect it, honouring
    // the propagation its own finalizers already ask for.
    const finalizers = latest.metadata.finalizers ?? [];
    const policy: PropagationPolicy = finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan' : finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
    await this.deleteItem(item, resourceVersion, references, policy);
    return 'done';
  }

  private async deleteItem(item: GraphNode, resourceVersion: string | undefined, owners: readonly OwnerReference[], policy: PropagationPolicy): Promise<void> {
    this.context.logger.info('deleting object', { item: formatIdentity(item.identity), propagationPolicy: policy });
    await this.ops.delete(item.identity, resourceVersion, owners, policy);
  }

  /** An owner deleting in the foreground: waits for its blocking dependents, then loses the finalizer. */
  private async processDeletingDependentsItem(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) {
      this.context.logger.debug('removing the foregroundDeletion finalizer', { item: formatIdentity(item.identity) });
      await this.ops.removeFinalizer(item.identity, FOREGROUND_FINALIZER);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep.identity.uid);
  }

  private async classifyReferences(item: GraphNode, references: readonly OwnerReference[]): Promise<Classified> {
    const result: Classified = { solid: [], dangling: [], waiting: [] };
    for (const ref of references) {
      const owner = await this.liveOwner(ref, item);
      if (owner === undefined) result.dangling.push(ref);
      else if (owner.metadata?.deletionTimestamp !== undefined && (owner.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) result.waiting.push(ref);
      else result.solid.push(ref);
    }
    return result;
  }

  /** The owner a reference names, read live; undefined when it is absent (or another object has its name). */
  private async liveOwner(ref: OwnerReference, item: GraphNode): Promise<KubeObject | undefined> {
    const coordinates = ownerCoordinates(ref);
    if (this.absentOwners.has({ ...coordinates, namespace: '' }) || this.absentOwners.has({ ...coordinates, namespace: item.identity.namespace })) {
      return undefined;
    }
    const type = this.ops.resourceOf(ref.apiVersion, ref.kind);
    const key: ObjectIdentity = { ...coordinates, namespace: type.namespaced ? item.identity.namespace : '' };
    if (item.identity.namespace === '' && type.namespaced) {
      this.context.logger.info('a cluster-scoped object refers to a namespaced owner', { item: formatIdentity(item.identity), owner: ref.uid });
      throw new NamespacedOwnerOfClusterScopedObject();
    }
    let owner: KubeObject;
    try {
      owner = await this.ops.getOwner(type, ref, item.identity.namespace);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.absentOwners.add(key);
      return undefined;
    }
    if (owner.metadata?.uid !== ref.uid) {
      this.absentOwners.add(key);
      return undefined;
    }
    return owner;
  }

  /** Removes the owner from its dependents' ownerReferences, then the owner's orphan finalizer. */
  private async attemptToOrphanWorker(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (owner === undefined) return;
    const failures: string[] = [];
    await Promise.all(
      [...owner.dependents].map(async (dep) => {
        try {
          await this.ops.patchOwnerReferences(dep.identity, (refs) => (refs.some((r) => r.uid === uid) ? refs.filter((r) => r.uid !== uid) : undefined));
        } catch (error) {
          failures.push(`orphaning ${formatIdentity(dep.identity)} failed, ${(error as Error).message}`);
        }
      }),
    );
    if (failures.length > 0) throw new Error(`failed to orphan dependents of owner ${formatIdentity(owner.identity)}, got errors: ${failures.join(', ')}`);
    await this.ops.removeFinalizer(owner.identity, ORPHAN_FINALIZER);
  }

  private reportInvalidNamespaceOwnerRef(dependent: ObjectIdentity, ref: OwnerReference): void {
    const invalid: ObjectIdentity = { ...ownerCoordinates(ref), namespace: dependent.namespace };
    this.context.recorder.event(
      { apiVersion: dependent.apiVersion, kind: dependent.kind, metadata: { name: dependent.name, namespace: dependent.namespace, uid: dependent.uid } },
      'Warning',
      'OwnerRefInvalidNamespace',
      `ownerRef ${formatIdentity(invalid)} does not exist in namespace "${dependent.namespace}"`,
    );
  }
}
