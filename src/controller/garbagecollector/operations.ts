// What the garbage collector does to objects through the API server (upstream's operations.go and
// patch.go): live GETs, deletes with a uid precondition, removing ownerReferences and finalizers.
// Every write is guarded (uid or resourceVersion preconditions) so that an object replaced or
// changed since it was read is never acted on by mistake.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import type { KubeObject, RestClient } from '../../client/rest-client.js';
import type { ResourceType } from '../../client/resource-types.js';
import { parseGroupVersion } from '../../client/discovery.js';
import type { ObjectIdentity } from './graph.js';

/** The kind of a reference is not served (yet): retried with back-off, as upstream. */
export class RestMappingError extends Error {
  constructor(readonly kind: string, readonly apiVersion: string) {
    super(`unable to get REST mapping for ${kind}/${apiVersion}.`);
    this.name = 'RestMappingError';
  }
}

/** apiVersion + kind → the resource to call, from discovery (upstream's RESTMapper). */
export class RestMapper {
  private readonly byGroupKind = new Map<string, ResourceType[]>();

  constructor(types: readonly ResourceType[] = []) {
    this.add(types);
  }

  add(types: readonly ResourceType[]): void {
    for (const type of types) {
      const key = `${type.group}/${type.kind}`;
      const known = (this.byGroupKind.get(key) ?? []).filter((t) => t.version !== type.version);
      this.byGroupKind.set(key, [...known, { group: type.group, version: type.version, plural: type.plural, kind: type.kind, namespaced: type.namespaced }]);
    }
  }

  /**
   * The resource for a reference's apiVersion and kind. A reference written with another version of
   * a served group and kind maps to the served version (upstream would retry it forever).
   */
  mapping(apiVersion: string, kind: string): ResourceType {
    let gv: { group: string; version: string };
    try {
      gv = parseGroupVersion(apiVersion);
    } catch {
      throw new RestMappingError(kind, apiVersion);
    }
    const candidates = this.byGroupKind.get(`${gv.group}/${kind}`) ?? [];
    const found = candidates.find((t) => t.version === gv.version) ?? candidates[0];
    if (found === undefined) throw new RestMappingError(kind, apiVersion);
    return found;
  }
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

const namespaceFor = (type: ResourceType, identity: ObjectIdentity): string | undefined => (type.namespaced ? identity.namespace : undefined);

function sameOwners(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class GcOperations {
  constructor(
    private readonly client: RestClient,
    private readonly mapper: RestMapper,
  ) {}

  resourceOf(apiVersion: string, kind: string): ResourceType {
    return this.mapper.mapping(apiVersion, kind);
  }

  /** The live object (a consistent read from the store, not the informers' caches). */
  async get(identity: ObjectIdentity): Promise<KubeObject> {
    const type = this.resourceOf(identity.apiVersion, identity.kind);
    return this.client.get<KubeObject>(type, identity.name, namespaceFor(type, identity));
  }

  /** A live GET of an owner named by a reference, in the dependent's namespace when namespaced. */
  async getOwner(type: ResourceType, ref: OwnerReference, dependentNamespace: string): Promise<KubeObject> {
    return this.client.get<KubeObject>(type, ref.name, type.namespaced ? dependentNamespace : undefined);
  }

  /**
   * Deletes the object if it is still the one read at `resourceVersion`. If it changed meanwhile
   * but its ownerReferences did not (a status write), the delete is retried with the uid alone;
   * if it gained an owner (adopted), the conflict is returned so the caller looks again.
   */
  async delete(identity: ObjectIdentity, resourceVersion: string | undefined, owners: readonly OwnerReference[], policy: PropagationPolicy): Promise<void> {
    const type = this.resourceOf(identity.apiVersion, identity.kind);
    const namespace = namespaceFor(type, identity);
    const preconditions = { uid: identity.uid, ...(resourceVersion === undefined || resourceVersion === '' ? {} : { resourceVersion }) };
    try {
      await this.client.delete(type, identity.name, namespace, { propagationPolicy: policy, preconditions });
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      if (!isConflict(error) || preconditions.resourceVersion === undefined) throw error;
      let live: KubeObject;
      try {
        live = await this.client.get<KubeObject>(type, identity.name, namespace);
      } catch (getError) {
        if (isNotFound(getError)) return;
        throw error;
      }
      // Gone, or replaced by another object of the same name: nothing of ours to delete.
      if (live.metadata?.uid !== identity.uid) return;
      if (!sameOwners(live.metadata.ownerReferences ?? [], owners)) throw error;
    }
    try {
      await this.client.delete(type, identity.name, namespace, { propagationPolicy: policy, preconditions: { uid: identity.uid } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * Rewrites the object's ownerReferences with `change` (a JSON merge patch guarded by the
   * resourceVersion read, retried on conflict). Absent object or no change: nothing is written.
   */
  async patchOwnerReferences(identity: ObjectIdentity, change: (refs: readonly OwnerReference[]) => OwnerReference[] | undefined): Promise<void> {
    const type = this.resourceOf(identity.apiVersion, identity.kind);
    const namespace = namespaceFor(type, identity);
    for (let attempt = 0; ; attempt++) {
      let live: KubeObject;
      try {
        live = await this.client.get<KubeObject>(type, identity.name, namespace);
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      if (live.metadata?.uid !== identity.uid) return;
      const next = change(live.metadata.ownerReferences ?? []);
      if (next === undefined) return;
      const patch = { metadata: { uid: identity.uid, resourceVersion: live.metadata.resourceVersion, ownerReferences: next.length === 0 ? null : next } };
      try {
        await this.client.patch(type, identity.name, namespace, patch, 'merge');
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (!isConflict(error) || attempt >= 4) throw error;
      }
    }
  }

  /** Removes one finalizer from the object (retried on conflict, as upstream's RetryOnConflict). */
  async removeFinalizer(identity: ObjectIdentity, finalizer: string): Promise<void> {
    const type = this.resourceOf(identity.apiVersion, identity.kind);
    const namespace = namespaceFor(type, identity);
    for (let attempt = 0; ; attempt++) {
      let live: KubeObject;
      try {
        live = await this.client.get<KubeObject>(type, identity.name, namespace);
      } catch (error) {
        if (isNotFound(error)) return;
        throw new Error(`cannot finalize owner ${identity.kind} ${identity.name}, because cannot get it: ${(error as Error).message}. The garbage collector will retry later.`, { cause: error });
      }
      if (live.metadata?.uid !== identity.uid) return;
      const finalizers = live.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      const patch = { metadata: { uid: identity.uid, resourceVersion: live.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== finalizer) } };
      try {
        await this.client.patch(type, identity.name, namespace, patch, 'merge');
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (!isConflict(error)) throw error;
        if (attempt >= 4) throw new Error(`updateMaxRetries(5) has reached. The garbage collector will retry later for owner ${identity.kind} ${identity.name}.`, { cause: error });
      }
    }
  }
}
