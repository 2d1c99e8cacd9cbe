// The Kubernetes protobuf wire schema, parsed once with protobufjs, and which message each
// apiVersion/kind decodes with. The schema is proto text (schema/*.ts) rather than a JSON
// descriptor so it reads line for line against upstream's generated.proto files; it lives in .ts
// modules so the build (tsc) ships it without copying asset files.
import protobuf from 'protobufjs';
import type { Root, Type } from 'protobufjs';
import { CORE_CONTAINER_PROTO } from './schema/core-container.js';
import { CORE_OBJECTS_PROTO } from './schema/core-objects.js';
import { CORE_POD_PROTO } from './schema/core-pod.js';
import { CORE_VOLUME_PROTO } from './schema/core-volume.js';
import {
  AUTHENTICATION_V1_PROTO,
  AUTOSCALING_V1_PROTO,
  COORDINATION_V1_PROTO,
  DISCOVERY_V1_PROTO,
  POLICY_V1_PROTO,
  RBAC_V1_PROTO,
} from './schema/groups.js';
import { INTSTR_PROTO, META_V1_PROTO, RESOURCE_PROTO, RUNTIME_PROTO } from './schema/meta.js';
import { APPS_V1_PROTO, BATCH_V1_PROTO } from './schema/workloads.js';

const SOURCES: readonly string[] = [
  META_V1_PROTO,
  RUNTIME_PROTO,
  INTSTR_PROTO,
  RESOURCE_PROTO,
  CORE_CONTAINER_PROTO,
  CORE_POD_PROTO,
  CORE_VOLUME_PROTO,
  CORE_OBJECTS_PROTO,
  APPS_V1_PROTO,
  BATCH_V1_PROTO,
  COORDINATION_V1_PROTO,
  DISCOVERY_V1_PROTO,
  AUTOSCALING_V1_PROTO,
  POLICY_V1_PROTO,
  RBAC_V1_PROTO,
  AUTHENTICATION_V1_PROTO,
];

/** Top-level kinds by apiVersion: the message (in the package of that group version) of each. */
const KINDS: Readonly<Record<string, { readonly pkg: string; readonly kinds: readonly string[] }>> = {
  v1: {
    pkg: 'k8s.io.api.core.v1',
    kinds: ['Binding', 'ConfigMap', 'Endpoints', 'Event', 'Namespace', 'Node', 'Pod', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount'],
  },
  'apps/v1': { pkg: 'k8s.io.api.apps.v1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet'] },
  'batch/v1': { pkg: 'k8s.io.api.batch.v1', kinds: ['CronJob', 'Job'] },
  'coordination.k8s.io/v1': { pkg: 'k8s.io.api.coordination.v1', kinds: ['Lease'] },
  'discovery.k8s.io/v1': { pkg: 'k8s.io.api.discovery.v1', kinds: ['EndpointSlice'] },
  'autoscaling/v1': { pkg: 'k8s.io.api.autoscaling.v1', kinds: ['Scale'] },
  'policy/v1': { pkg: 'k8s.io.api.policy.v1', kinds: ['Eviction', 'PodDisruptionBudget'] },
  'authentication.k8s.io/v1': { pkg: 'k8s.io.api.authentication.v1', kinds: ['TokenRequest'] },
  'rbac.authorization.k8s.io/v1': {
    pkg: 'k8s.io.api.rbac.v1',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  },
};

/** The meta/v1 option kinds are registered in every group version, as upstream does. */
const OPTION_KINDS: readonly string[] = ['CreateOptions', 'DeleteOptions', 'PatchOptions', 'UpdateOptions'];

export interface KubernetesProtobufSchema {
  readonly root: Root;
  /** runtime.Unknown, the envelope after the magic bytes. */
  readonly unknown: Type;
  /** The message of a top-level apiVersion/kind, or undefined when it has no schema here. */
  typeFor(apiVersion: string, kind: string): Type | undefined;
  /** Every apiVersion/kind pair with a schema, for error messages and tests. */
  readonly kinds: readonly string[];
}

export function buildKubernetesProtobufSchema(): KubernetesProtobufSchema {
  const root = new protobuf.Root();
  // keepCase: the field names are the JSON names already (apiVersion, not api_version).
  for (const source of SOURCES) protobuf.parse(source, root, { keepCase: true });
  root.resolveAll();
  const byKey = new Map<string, Type>();
  for (const [apiVersion, { pkg, kinds }] of Object.entries(KINDS)) {
    for (const kind of kinds) byKey.set(`${apiVersion}/${kind}`, root.lookupType(`${pkg}.${kind}`));
  }
  const options = new Map<string, Type>(
    OPTION_KINDS.map((kind) => [kind, root.lookupType(`k8s.io.apimachinery.pkg.apis.meta.v1.${kind}`)]),
  );
  return {
    root,
    unknown: root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown'),
    typeFor: (apiVersion, kind) => byKey.get(`${apiVersion}/${kind}`) ?? options.get(kind),
    kinds: [...byKey.keys()],
  };
}

// Parsed on first use and then shared: it is immutable and derived from constants only, like a
// compiled regular expression, so caching it here keeps no state between requests.
let shared: KubernetesProtobufSchema | undefined;

export function kubernetesProtobufSchema(): KubernetesProtobufSchema {
  shared ??= buildKubernetesProtobufSchema();
  return shared;
}
