// Strategic-merge metadata of the core (v1) types and of ObjectMeta, after the patchStrategy /
// patchMergeKey tags in k8s.io/api/core/v1/types.go and k8s.io/apimachinery meta/v1/types.go.
// Only fields with a tag, or that lead to one, are listed. Lists listed nowhere are replaced whole;
// among them, on purpose, because upstream has no tag either: PodSpec.tolerations,
// PodSpec.readinessGates, Container.envFrom, Container.resizePolicy, NodeSpec.taints,
// Endpoints.subsets (and everything inside EndpointSubset), NamespaceSpec.finalizers,
// ServiceAccount.imagePullSecrets, PodStatus.containerStatuses.

import {
  MERGE_PRIMITIVES,
  mergeByKey,
  mergeByKeyRetainKeys,
  struct,
  topLevel,
  type PatchMetaTable,
} from './patch-meta.js';

export const CORE_PATCH_META: PatchMetaTable = {
  ObjectMeta: {
    ownerReferences: mergeByKey('uid'),
    finalizers: MERGE_PRIMITIVES,
  },
  /** Kinds whose only tagged fields are in their metadata (ConfigMap, Secret, Event, ...). */
  MetadataOnly: topLevel(),

  Pod: topLevel('PodSpec', 'PodStatus'),
  PodTemplate: { metadata: struct('ObjectMeta'), template: struct('PodTemplateSpec') },
  PodTemplateSpec: topLevel('PodSpec'),
  PodSpec: {
    volumes: mergeByKeyRetainKeys('name'),
    initContainers: mergeByKey('name', 'Container'),
    containers: mergeByKey('name', 'Container'),
    // EphemeralContainer inlines EphemeralContainerCommon, whose lists carry Container's tags.
    ephemeralContainers: mergeByKey('name', 'Container'),
    imagePullSecrets: mergeByKey('name'),
    hostAliases: mergeByKey('ip'),
    // The list map key is topologyKey + whenUnsatisfiable, but the patch merge key is topologyKey.
    topologySpreadConstraints: mergeByKey('topologyKey'),
    schedulingGates: mergeByKey('name'),
    resourceClaims: mergeByKeyRetainKeys('name'),
  },
  Container: {
    // Likewise keyed by containerPort alone, though containerPort + protocol identify a port.
    ports: mergeByKey('containerPort'),
    env: mergeByKey('name'),
    volumeMounts: mergeByKey('mountPath'),
    volumeDevices: mergeByKey('devicePath'),
  },
  PodStatus: {
    conditions: mergeByKey('type'),
    podIPs: mergeByKey('ip'),
    hostIPs: mergeByKey('ip'),
    resourceClaimStatuses: mergeByKeyRetainKeys('name'),
  },

  ReplicationController: topLevel('ReplicationControllerSpec', 'ReplicationControllerStatus'),
  ReplicationControllerSpec: { template: struct('PodTemplateSpec') },
  ReplicationControllerStatus: { conditions: mergeByKey('type') },

  Service: topLevel('ServiceSpec', 'ServiceStatus'),
  // Keyed by port alone: the same port over TCP and UDP collides, a known upstream limitation.
  ServiceSpec: { ports: mergeByKey('port') },
  ServiceStatus: { conditions: mergeByKey('type') },

  Node: topLevel('NodeSpec', 'NodeStatus'),
  NodeSpec: { podCIDRs: MERGE_PRIMITIVES },
  NodeStatus: {
    conditions: mergeByKey('type'),
    addresses: mergeByKey('type'),
  },

  Namespace: topLevel(undefined, 'NamespaceStatus'),
  NamespaceStatus: { conditions: mergeByKey('type') },

  ServiceAccount: { metadata: struct('ObjectMeta'), secrets: mergeByKey('name') },
};

/** Core kinds → root type. */
export const CORE_KINDS: Readonly<Record<string, string>> = {
  Pod: 'Pod',
  PodTemplate: 'PodTemplate',
  ReplicationController: 'ReplicationController',
  Service: 'Service',
  Endpoints: 'MetadataOnly',
  Node: 'Node',
  Namespace: 'Namespace',
  ConfigMap: 'MetadataOnly',
  Secret: 'MetadataOnly',
  ServiceAccount: 'ServiceAccount',
  Event: 'MetadataOnly',
  LimitRange: 'MetadataOnly',
  ResourceQuota: 'MetadataOnly',
};
