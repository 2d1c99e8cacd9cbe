// The namespace controller (upstream's NamespaceController): a namespace with a deletionTimestamp is
// handed to the deleter a little after each change to it (so that writes racing the deletion land
// first), and looked at again when the deleter says content is still going away.
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { Informer } from '../../client/informer.js';
import { Namespaces } from '../../client/resource-types.js';
import type { ControllerContext, ReconcileResult } from '../controller.js';
import { QueueController } from '../queue-controller.js';
import { serverPreferredResources, type DiscoverFn } from '../../client/discovery.js';
import { NamespacedResourcesDeleter, ResourcesRemainingError } from './deleter.js';

export interface NamespaceControllerOptions {
  /**
   * How long after a change a terminating namespace is processed (upstream's 5 s, "to allow HA API
   * servers to observe namespace deletion, and HA etcd servers to observe last minute object
   * creations inside the namespace").
   */
  readonly deletionGracePeriodMs?: number;
  /** Upstream's --concurrent-namespace-syncs (default 10). */
  readonly workers?: number;
  /** Discovery, replaceable in tests. */
  readonly discover?: DiscoverFn;
}

export class NamespaceController extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly deleter: NamespacedResourcesDeleter;
  private readonly gracePeriodMs: number;

  constructor(context: ControllerContext, options: NamespaceControllerOptions = {}) {
    super('namespace-controller', context, { workers: options.workers ?? 10 });
    this.gracePeriodMs = options.deletionGracePeriodMs ?? 5_000;
    this.deleter = new NamespacedResourcesDeleter({
      client: context.client,
      discover: options.discover ?? (() => serverPreferredResources(context.client)),
      logger: context.logger,
      now: context.now,
    });
    this.namespaces = context.informers.for<Namespace>(Namespaces);
    this.namespaces.onAdd((ns) => this.enqueueNamespace(ns));
    this.namespaces.onUpdate((_, ns) => this.enqueueNamespace(ns));
  }

  private enqueueNamespace(ns: Readonly<Namespace>): void {
    if (ns.metadata?.deletionTimestamp === undefined) return;
    this.queue.addAfter(ns.metadata.name ?? '', this.gracePeriodMs);
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    // Gone from the cache: deleted already.
    if (this.namespaces.get(key) === undefined) return;
    try {
      await this.deleter.delete(key);
    } catch (error) {
      if (!(error instanceof ResourcesRemainingError)) throw error;
      // Half the estimate, then again: pods usually stop before their whole grace period.
      return { requeueAfterMs: (Math.floor(error.estimate / 2) + 1) * 1000 };
    }
  }
}
