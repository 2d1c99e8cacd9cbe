import { describe, expect, it } from 'vitest';
import {
  BUILTIN_KINDS,
  BUILTIN_PATCH_META,
  groupKindKey,
  isStrategicMergePatchSupported,
  patchSchemaForKind,
  type PatchSchema,
} from './patch-strategies.js';

/** Follows `path` (field names) from a kind's root type. */
function walk(group: string, kind: string, ...path: string[]): ReturnType<PatchSchema['field']> {
  let schema = patchSchemaForKind({ group, kind });
  if (schema === undefined) throw new Error(`${kind} unknown`);
  let field = schema.field(path[0] ?? '');
  for (const step of path.slice(1)) {
    schema = field.schema;
    field = schema.field(step);
  }
  return field;
}

describe('patch strategies', () => {
  it('names kinds the way Kubernetes prints a GroupKind', () => {
    expect(groupKindKey({ group: '', kind: 'Pod' })).toBe('Pod');
    expect(groupKindKey({ group: 'apps', kind: 'Deployment' })).toBe('Deployment.apps');
  });

  it('supports strategic merge patch for the built-in kinds and only those', () => {
    const builtIn: [string, string][] = [
      ['', 'Pod'],
      ['', 'Service'],
      ['', 'ConfigMap'],
      ['', 'Node'],
      ['', 'Namespace'],
      ['', 'Secret'],
      ['', 'ServiceAccount'],
      ['', 'Endpoints'],
      ['', 'Event'],
      ['apps', 'Deployment'],
      ['apps', 'ReplicaSet'],
      ['apps', 'DaemonSet'],
      ['apps', 'StatefulSet'],
      ['batch', 'Job'],
      ['batch', 'CronJob'],
      ['coordination.k8s.io', 'Lease'],
      ['discovery.k8s.io', 'EndpointSlice'],
      ['autoscaling', 'Scale'],
      ['rbac.authorization.k8s.io', 'ClusterRole'],
    ];
    for (const [group, kind] of builtIn) expect(isStrategicMergePatchSupported({ group, kind }), kind).toBe(true);
    expect(isStrategicMergePatchSupported({ group: 'example.com', kind: 'Widget' })).toBe(false);
    // A custom resource named like a built-in kind is still a custom resource.
    expect(isStrategicMergePatchSupported({ group: 'example.com', kind: 'Deployment' })).toBe(false);
    expect(isStrategicMergePatchSupported({ group: '', kind: 'toString' })).toBe(false);
    expect(patchSchemaForKind({ group: 'example.com', kind: 'Widget' })).toBeUndefined();
  });

  it('walks from a kind into the pod template, as upstream tags say', () => {
    expect(walk('apps', 'Deployment', 'spec', 'template', 'spec', 'containers')).toMatchObject({
      strategy: 'merge',
      mergeKey: 'name',
    });
    expect(walk('apps', 'Deployment', 'spec', 'template', 'spec', 'containers', 'ports')).toMatchObject({
      strategy: 'merge',
      mergeKey: 'containerPort',
    });
    expect(walk('', 'Pod', 'spec', 'initContainers', 'volumeMounts').mergeKey).toBe('mountPath');
    expect(walk('', 'Pod', 'spec', 'ephemeralContainers', 'env').mergeKey).toBe('name');
    expect(walk('', 'Pod', 'spec', 'volumes')).toMatchObject({ strategy: 'merge', mergeKey: 'name', retainKeys: true });
    expect(walk('', 'Pod', 'spec', 'topologySpreadConstraints').mergeKey).toBe('topologyKey');
    expect(walk('batch', 'CronJob', 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'hostAliases').mergeKey).toBe('ip');
    expect(walk('apps', 'Deployment', 'spec', 'strategy')).toMatchObject({ strategy: undefined, retainKeys: true });
    expect(walk('', 'ConfigMap', 'metadata', 'finalizers')).toMatchObject({ strategy: 'merge', mergeKey: undefined });
    expect(walk('', 'Node', 'status', 'addresses').mergeKey).toBe('type');
    expect(walk('', 'Service', 'spec', 'ports').mergeKey).toBe('port');
  });

  it('leaves untagged lists to be replaced', () => {
    for (const path of [
      ['spec', 'tolerations'],
      ['spec', 'readinessGates'],
      ['spec', 'containers', 'envFrom'],
      ['spec', 'containers', 'args'],
      ['status', 'containerStatuses'],
    ]) {
      expect(walk('', 'Pod', ...path).strategy, path.join('.')).toBeUndefined();
    }
    expect(walk('', 'Node', 'spec', 'taints').strategy).toBeUndefined();
    expect(walk('', 'Endpoints', 'subsets').strategy).toBeUndefined();
    expect(walk('', 'Pod', 'spec', 'nope', 'deeper').strategy).toBeUndefined();
  });

  it('refers only to types the table defines', () => {
    for (const [kind, type] of Object.entries(BUILTIN_KINDS)) expect(BUILTIN_PATCH_META, kind).toHaveProperty([type]);
    for (const [typeName, fields] of Object.entries(BUILTIN_PATCH_META)) {
      for (const [field, meta] of Object.entries(fields)) {
        if (meta.type !== undefined) expect(BUILTIN_PATCH_META, `${typeName}.${field}`).toHaveProperty([meta.type]);
        if (meta.mergeKey !== undefined) expect(meta.strategy, `${typeName}.${field}`).toBe('merge');
      }
    }
  });
});
