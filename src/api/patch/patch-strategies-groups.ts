// Strategic-merge metadata of the built-in types outside the core group (apps, batch, and the
// groups whose types have no tagged list at all), after the patchStrategy / patchMergeKey tags in
// k8s.io/api. The pod template inside each workload reuses the core PodTemplateSpec. Untagged on
// purpose: DaemonSetSpec.updateStrategy, StatefulSetSpec.updateStrategy and volumeClaimTemplates,
// CronJobStatus.active, JobSpec.podFailurePolicy, EndpointSlice endpoints and ports, RBAC rules and
// subjects, Lease.

import { mergeByKey, struct, topLevel, type PatchMetaTable } from './patch-meta.js';

export const GROUP_PATCH_META: PatchMetaTable = {
  Deployment: topLevel('DeploymentSpec', 'DeploymentStatus'),
  DeploymentSpec: {
    template: struct('PodTemplateSpec'),
    // patchStrategy:"retainKeys": kubectl apply sends $retainKeys so that switching the type to
    // Recreate also clears rollingUpdate.
    strategy: { retainKeys: true },
  },
  DeploymentStatus: { conditions: mergeByKey('type') },

  ReplicaSet: topLevel('ReplicaSetSpec', 'ReplicaSetStatus'),
  ReplicaSetSpec: { template: struct('PodTemplateSpec') },
  ReplicaSetStatus: { conditions: mergeByKey('type') },

  DaemonSet: topLevel('DaemonSetSpec', 'DaemonSetStatus'),
  DaemonSetSpec: { template: struct('PodTemplateSpec') },
  DaemonSetStatus: { conditions: mergeByKey('type') },

  StatefulSet: topLevel('StatefulSetSpec', 'StatefulSetStatus'),
  StatefulSetSpec: { template: struct('PodTemplateSpec') },
  StatefulSetStatus: { conditions: mergeByKey('type') },

  Job: topLevel('JobSpec', 'JobStatus'),
  JobSpec: { template: struct('PodTemplateSpec') },
  JobStatus: { conditions: mergeByKey('type') },

  CronJob: topLevel('CronJobSpec'),
  CronJobSpec: { jobTemplate: struct('JobTemplateSpec') },
  JobTemplateSpec: topLevel('JobSpec'),
};

/** Kinds outside the core group → root type (in this table or, for MetadataOnly, the core one). */
export const GROUP_KINDS: Readonly<Record<string, string>> = {
  'Deployment.apps': 'Deployment',
  'ReplicaSet.apps': 'ReplicaSet',
  'DaemonSet.apps': 'DaemonSet',
  'StatefulSet.apps': 'StatefulSet',
  'ControllerRevision.apps': 'MetadataOnly',
  'Job.batch': 'Job',
  'CronJob.batch': 'CronJob',
  // The scale subresource (kubectl scale) speaks autoscaling/v1 Scale.
  'Scale.autoscaling': 'MetadataOnly',
  'Lease.coordination.k8s.io': 'MetadataOnly',
  'EndpointSlice.discovery.k8s.io': 'MetadataOnly',
  'Event.events.k8s.io': 'MetadataOnly',
  'Role.rbac.authorization.k8s.io': 'MetadataOnly',
  'ClusterRole.rbac.authorization.k8s.io': 'MetadataOnly',
  'RoleBinding.rbac.authorization.k8s.io': 'MetadataOnly',
  'ClusterRoleBinding.rbac.authorization.k8s.io': 'MetadataOnly',
  // The definitions themselves are built-in objects; the custom resources they define are not.
  'CustomResourceDefinition.apiextensions.k8s.io': 'MetadataOnly',
};
