// A resource is a descriptor: everything the generic handlers need to serve it. Handlers are
// written once; a new resource is a new descriptor (see registry/resources/).
import type { FieldCause } from '../../api/api-errors.js';
import type { NameValidator } from '../../api/validation/name-rules.js';
import type { Registry } from './registry.js';

/** Any Kubernetes object as it travels as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
  [field: string]: unknown;
}

export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** A column of the server-side Table (`kubectl get`), as upstream's TableColumnDefinition. */
export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format?: string;
  readonly description: string;
  /** 0: always shown; 1: only with -o wide. */
  readonly priority: 0 | 1;
}

/** What differs between resources in how an object is created, updated and checked. */
export interface ResourceStrategy {
  /** Fills in Kubernetes' defaults (restartPolicy, imagePullPolicy, ...), in place. */
  defaults?(object: KubeObject): void;
  /** Field problems of a new object (beyond the generic metadata checks). */
  validate?(object: KubeObject): FieldCause[];
  /** Field problems of an update, e.g. immutable fields that changed. */
  validateUpdate?(object: KubeObject, old: KubeObject): FieldCause[];
  /** Extra work on create, in place, after defaults (e.g. a Service's ClusterIP allocation). */
  prepareForCreate?(object: KubeObject, registry: Registry): void | Promise<void>;
  /**
   * Carries over what an update may leave out (e.g. an allocated clusterIP), in place, before
   * checks; with the registry, it may allocate what the update newly needs (a Service's nodePort).
   */
  prepareForUpdate?(object: KubeObject, old: KubeObject, registry?: Registry): void;
  /** The row cells of the Table for this object, one per entry of the descriptor's `columns`. */
  cells?(object: KubeObject): unknown[];
  /**
   * Seconds a deletion waits before the object is removed (pods on a node: the superlet must stop
   * them first). `requested` is DeleteOptions.gracePeriodSeconds. Absent or 0: removed at once.
   */
  gracePeriod?(object: KubeObject, requested: number | undefined): number;
  /** The object stays after DELETE (marked deleting) though metadata.finalizers is empty: a namespace with spec.finalizers. */
  holdsDeletion?(object: KubeObject): boolean;
  /** What changes, in place, when the deletion of an object starts (a namespace becomes Terminating). */
  onDeletionStarted?(object: KubeObject): void;
  /** Refuses the deletion of this object with an error (default, kube-system, kube-public may not be deleted). */
  checkDelete?(object: KubeObject): void;
  /** Field values for ?fieldSelector= beyond metadata.name and metadata.namespace. */
  fields?(object: KubeObject): Record<string, string>;
}

export interface ScaleSubresource {
  /** JSON paths of the scale's spec.replicas, status.replicas and the label selector, as in a CRD. */
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath: string;
}

export interface ResourceDescriptor {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly namespaced: boolean;
  /** The syntax of names (default: a DNS-1123 subdomain). */
  readonly nameValidator?: NameValidator;
  /** Has a status subresource: the main resource ignores status changes, /status only status. */
  readonly hasStatus: boolean;
  readonly scale?: ScaleSubresource;
  /** Further subresources served elsewhere (pods/log, pods/exec, pods/binding, ...). */
  readonly otherSubresources?: readonly string[];
  /** Verbs beyond the usual (e.g. events have no status). Default: all. */
  readonly verbs?: readonly string[];
  readonly columns: readonly TableColumn[];
  readonly strategy: ResourceStrategy;
}

export const apiVersionOf = (r: Pick<ResourceDescriptor, 'group' | 'version'>): string =>
  r.group === '' ? r.version : `${r.group}/${r.version}`;

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
