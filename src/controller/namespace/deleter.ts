// Empties a namespace being deleted, then releases it (upstream's namespacedResourcesDeleter): every
// namespaced resource discovery lists is deleted (deletecollection where served, else one by one),
// with Background propagation so the garbage collector adds no orphan finalizer; what is left is
// counted into the namespace's conditions; once nothing is left the "kubernetes" finalizer leaves
// spec.finalizers through namespaces/finalize, and the API server removes the namespace.
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import type { KubeObject, RestClient } from '../../client/rest-client.js';
import { Namespaces, Pods, resourcePath } from '../../client/resource-types.js';
import type { Logger } from '../../util/log.js';
import { discoveredTypes, withVerbs, type DiscoveredType, type DiscoverFn } from '../../client/discovery.js';
import { NamespaceConditionUpdater } from './conditions.js';

/** Content is still going away (graceful pods, finalizers): look again in about `estimate` seconds. */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
    this.name = 'ResourcesRemainingError';
  }
}

/** Several failures of one pass, worded as apimachinery's aggregate error. */
export class AggregateDeletionError extends Error {
  constructor(readonly errors: readonly Error[]) {
    super(errors.length === 1 ? (errors[0]?.message ?? '') : `[${errors.map((e) => e.message).join(', ')}]`);
    this.name = 'AggregateDeletionError';
  }
}

/** Upstream's assumption for how long other finalizers take once found on remaining items. */
const FINALIZER_ESTIMATE_SECONDS = 15;

export interface NamespacedResourcesDeleterOptions {
  readonly client: RestClient;
  readonly discover: DiscoverFn;
  readonly logger: Logger;
  readonly now: () => Date;
  /** The spec.finalizers token this controller owns (default "kubernetes"). */
  readonly finalizerToken?: string;
}

interface ResourceDeletion {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
  error?: Error;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** apimachinery's GroupVersionResource.String(). */
const gvrString = (type: DiscoveredType): string => `${type.group}/${type.version}, Resource=${type.plural}`;

export class NamespacedResourcesDeleter {
  private readonly token: string;

  constructor(private readonly options: NamespacedResourcesDeleterOptions) {
    this.token = options.finalizerToken ?? 'kubernetes';
  }

  /**
   * One pass over the namespace. Resolves when there is nothing (more) to do; throws
   * ResourcesRemainingError when content is still going, and any other error to be retried.
   */
  async delete(name: string): Promise<void> {
    // Other controllers edit a namespace while it terminates: start from its latest state.
    let namespace: Namespace;
    try {
      namespace = await this.options.client.get<Namespace>(Namespaces, name);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    if (namespace.metadata?.deletionTimestamp === undefined) return;
    try {
      namespace = await this.retryOnConflict(namespace, (ns) => this.markTerminating(ns));
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    if (namespace.metadata?.deletionTimestamp === undefined) return;
    if ((namespace.spec?.finalizers ?? []).length === 0) return;
    const estimate = await this.deleteAllContent(namespace);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    try {
      await this.retryOnConflict(namespace, (ns) => this.finalize(ns));
    } catch (error) {
      // Another controller sharing the token finished the job.
      if (!isNotFound(error)) throw error;
    }
  }

  private async retryOnConflict(namespace: Namespace, update: (ns: Namespace) => Promise<Namespace>): Promise<Namespace> {
    let latest = namespace;
    for (;;) {
      try {
        return await update(latest);
      } catch (error) {
        if (!isConflict(error)) throw error;
        const previousUid = latest.metadata?.uid;
        latest = await this.options.client.get<Namespace>(Namespaces, latest.metadata?.name ?? '');
        if (latest.metadata?.uid !== previousUid) throw new Error('namespace uid has changed across retries', { cause: error });
      }
    }
  }

  private async markTerminating(namespace: Namespace): Promise<Namespace> {
    if (namespace.metadata?.deletionTimestamp === undefined || namespace.status?.phase === 'Terminating') return namespace;
    const next = structuredClone(namespace);
    next.status = { ...next.status, phase: 'Terminating' };
    return this.options.client.update<Namespace>(Namespaces, next, { subresource: 'status' });
  }

  private async finalize(namespace: Namespace): Promise<Namespace> {
    const finalizers = [...new Set((namespace.spec?.finalizers ?? []).filter((f) => f !== this.token))].sort();
    const next: Namespace = { ...structuredClone(namespace), spec: { ...namespace.spec, finalizers } };
    return this.options.client.update<Namespace>(Namespaces, next, { subresource: 'finalize' });
  }

  /** Deletes everything it can; returns the estimate of seconds until the rest is gone. */
  private async deleteAllContent(namespace: Namespace): Promise<number> {
    const name = namespace.metadata?.name ?? '';
    const deletedAt = new Date(namespace.metadata?.deletionTimestamp ?? 0);
    const errors: Error[] = [];
    const conditions = new NamespaceConditionUpdater(this.options.now);
    let lists: Awaited<ReturnType<DiscoverFn>>['lists'] = [];
    try {
      const result = await this.options.discover();
      lists = result.lists;
      if (result.error !== undefined) {
        // Not fatal: the groups that were read are still emptied.
        errors.push(result.error);
        conditions.discoveryFailed(result.error);
      }
    } catch (error) {
      errors.push(asError(error));
      conditions.discoveryFailed(asError(error));
    }
    const namespaced = lists.map((list) => ({ ...list, resources: list.resources.filter((r) => r.namespaced) }));
    const { types, error: parseError } = discoveredTypes(withVerbs(namespaced, ['delete']));
    if (parseError !== undefined) {
      errors.push(parseError);
      conditions.groupVersionParsingFailed(parseError);
    }
    let estimate = 0;
    const remainingByResource = new Map<string, number>();
    const remainingByFinalizer = new Map<string, number>();
    for (const type of types) {
      const result = await this.deleteAllOf(type, name, deletedAt);
      if (result.error !== undefined) {
        errors.push(result.error);
        conditions.deleteContentFailed(result.error);
      }
      estimate = Math.max(estimate, result.estimate);
      if (result.remaining > 0) {
        remainingByResource.set(`${type.plural}.${type.group}`, result.remaining);
        for (const [finalizer, n] of result.finalizers) remainingByFinalizer.set(finalizer, (remainingByFinalizer.get(finalizer) ?? 0) + n);
      }
    }
    conditions.contentTotals({ remainingByResource, remainingByFinalizer });
    // Always written: a condition that was failing must say when it stops failing.
    const status = structuredClone(namespace.status ?? {});
    if (conditions.update(status)) {
      try {
        await this.options.client.update<Namespace>(Namespaces, { ...namespace, status }, { subresource: 'status' });
      } catch (error) {
        this.options.logger.warn(`couldn't update status condition for namespace "${name}"`, { error });
      }
    }
    if (errors.length > 0) throw new AggregateDeletionError(errors);
    this.options.logger.debug('namespace content pass', { namespace: name, estimate });
    return estimate;
  }

  /** Deletes every object of one resource in the namespace and says what is left. */
  private async deleteAllOf(type: DiscoveredType, namespace: string, deletedAt: Date): Promise<ResourceDeletion> {
    let estimate: number;
    try {
      estimate = await this.estimateGracefulTermination(type, namespace, deletedAt);
    } catch (error) {
      return { estimate: 0, remaining: 0, finalizers: new Map(), error: asError(error) };
    }
    let items: KubeObject[] | undefined;
    try {
      if (!(await this.deleteCollection(type, namespace))) await this.deleteEachItem(type, namespace);
      items = await this.listCollection(type, namespace);
    } catch (error) {
      return { estimate, remaining: 0, finalizers: new Map(), error: asError(error) };
    }
    if (items === undefined || items.length === 0) return { estimate: items === undefined ? estimate : 0, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const item of items) for (const f of item.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    // Still terminating gracefully: not a failure.
    if (estimate !== 0) return { estimate, remaining: items.length, finalizers };
    // Held by finalizers: normal, give them time.
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: items.length, finalizers };
    return {
      estimate,
      remaining: items.length,
      finalizers,
      error: new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(type)}`),
    };
  }

  /** Pods stop gracefully: the longest grace period of a live pod, less the time since the namespace's deletion. */
  private async estimateGracefulTermination(type: DiscoveredType, namespace: string, deletedAt: Date): Promise<number> {
    if (type.group !== '' || type.plural !== 'pods') return 0;
    let estimate = 0;
    const pods = await this.options.client.list<Pod>(Pods, { namespace });
    for (const pod of pods.items) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
    }
    const elapsedMs = this.options.now().getTime() - deletedAt.getTime();
    return elapsedMs >= estimate * 1000 ? 0 : estimate;
  }

  /** DELETE on the collection; false when the resource does not serve it. */
  private async deleteCollection(type: DiscoveredType, namespace: string): Promise<boolean> {
    if (!type.verbs.includes('deletecollection')) return false;
    const path = resourcePath(type, namespace);
    const response = await this.options.client.request('DELETE', path, {
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
    });
    if (response.status >= 200 && response.status < 300) return true;
    // Some resources answer 404 rather than 405 for a verb they lack (upstream issue 22413).
    if (response.status === 404 || response.status === 405) return false;
    throw new Error(`DELETE ${path}: HTTP ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
  }

  /** The objects of the resource in the namespace; undefined when it cannot be listed. */
  private async listCollection(type: DiscoveredType, namespace: string): Promise<KubeObject[] | undefined> {
    if (!type.verbs.includes('list')) return undefined;
    try {
      return (await this.options.client.list<KubeObject>(type, { namespace })).items;
    } catch (error) {
      if (isNotFound(error) || (error as { status?: number }).status === 405) return undefined;
      throw error;
    }
  }

  private async deleteEachItem(type: DiscoveredType, namespace: string): Promise<void> {
    const items = await this.listCollection(type, namespace);
    for (const item of items ?? []) {
      try {
        await this.options.client.delete(type, item.metadata?.name ?? '', namespace, { propagationPolicy: 'Background' });
      } catch (error) {
        if (!isNotFound(error) && (error as { status?: number }).status !== 405) throw error;
      }
    }
  }
}
