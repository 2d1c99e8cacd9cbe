// Strategic merge patches as kubectl sends them, against built-in kinds.

import { describe, expect, it } from 'vitest';
import { cloneJson, type Json, type JsonObject } from './json-value.js';
import { patchSchemaForKind, type GroupKind } from './patch-strategies.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

const DEPLOYMENT: GroupKind = { group: 'apps', kind: 'Deployment' };

function smp(groupKind: GroupKind, original: JsonObject, patch: Json): JsonObject {
  const schema = patchSchemaForKind(groupKind);
  if (schema === undefined) throw new Error(`no schema for ${groupKind.kind}`);
  return applyStrategicMergePatch(original, patch, schema);
}

/** Reads a nested member, for assertions. */
function at(value: Json | undefined, ...path: (string | number)[]): Json | undefined {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[step as number] : current[step as string];
  }
  return current;
}

const web = (): JsonObject => ({
  name: 'web',
  image: 'nginx:1.24',
  ports: [
    { containerPort: 80, protocol: 'TCP' },
    { containerPort: 443, protocol: 'TCP' },
  ],
  env: [{ name: 'MODE', value: 'prod' }],
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  imagePullPolicy: 'IfNotPresent',
});

const liveDeployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'd1',
    generation: 2,
    labels: { app: 'web' },
    annotations: { 'deployment.kubernetes.io/revision': '1', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [web(), { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] }],
        volumes: [{ name: 'data', emptyDir: {} }],
        tolerations: [{ key: 'a', operator: 'Exists' }],
        restartPolicy: 'Always',
      },
    },
  },
  status: {
    replicas: 2,
    conditions: [
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'True' },
    ],
  },
});

const podSpec = (deployment: JsonObject): Json | undefined => at(deployment, 'spec', 'template', 'spec');

describe('applyStrategicMergePatch, kubectl apply of an updated Deployment', () => {
  // What kubectl apply computes (three-way) when the manifest changes the image, adds env LOG
  // after MODE, drops port 443 and bumps replicas.
  const applyPatch: JsonObject = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' } },
    spec: {
      replicas: 3,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LOG' }],
              '$setElementOrder/ports': [{ containerPort: 80 }],
              env: [{ name: 'LOG', value: 'debug' }],
              image: 'nginx:1.25',
              name: 'web',
              ports: [{ $patch: 'delete', containerPort: 443 }],
            },
          ],
        },
      },
    },
  };

  it('changes what the manifest changed and keeps what the server added', () => {
    const live = liveDeployment();
    const patched = smp(DEPLOYMENT, live, applyPatch);
    expect(at(podSpec(patched), 'containers')).toEqual([
      {
        ...web(),
        image: 'nginx:1.25',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'LOG', value: 'debug' },
        ],
      },
      { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
    ]);
    expect(at(patched, 'spec', 'replicas')).toBe(3);
    expect(at(patched, 'metadata', 'annotations')).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}',
    });
    expect(patched['status']).toEqual(live['status']);
    expect(JSON.stringify(patched)).not.toContain('$');
  });

  it('leaves the stored object and the patch untouched', () => {
    const live = liveDeployment();
    const [liveBefore, patchBefore] = [cloneJson(live), cloneJson(applyPatch)];
    smp(DEPLOYMENT, live, applyPatch);
    expect(live).toEqual(liveBefore);
    expect(applyPatch).toEqual(patchBefore);
  });

  it('orders a new container by $setElementOrder', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'metrics' }, { name: 'sidecar' }],
            containers: [{ name: 'metrics', image: 'exporter' }],
          },
        },
      },
    });
    expect((at(podSpec(patched), 'containers') as JsonObject[]).map((c) => c['name'])).toEqual(['web', 'metrics', 'sidecar']);
  });

  it('switches the rollout strategy to Recreate, $retainKeys clearing rollingUpdate', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } },
    });
    expect(at(patched, 'spec', 'strategy')).toEqual({ type: 'Recreate' });
  });

  it('switches a volume source, $retainKeys clearing the old one', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/volumes': [{ name: 'data' }],
            volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'settings' }, name: 'data' }],
          },
        },
      },
    });
    expect(at(podSpec(patched), 'volumes')).toEqual([{ name: 'data', configMap: { name: 'settings' } }]);
  });
});

describe('applyStrategicMergePatch, other kubectl commands', () => {
  it('kubectl set image changes one container by name', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.26', name: 'web' }],
          },
        },
      },
    });
    expect(at(podSpec(patched), 'containers')).toEqual([
      { ...web(), image: 'nginx:1.26' },
      { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
    ]);
  });

  it('kubectl patch without $setElementOrder puts a new container first (upstream order rules)', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: { template: { spec: { containers: [{ name: 'debug', image: 'busybox' }] } } },
    });
    expect((at(podSpec(patched), 'containers') as JsonObject[]).map((c) => c['name'])).toEqual(['debug', 'web', 'sidecar']);
  });

  it('kubectl rollout restart adds a template annotation', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' } } } },
    });
    expect(at(patched, 'spec', 'template', 'metadata')).toEqual({
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' },
    });
  });

  it('removes a container with $patch: delete and replaces the list with $patch: replace', () => {
    const deleted = smp(DEPLOYMENT, liveDeployment(), {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    });
    expect((at(podSpec(deleted), 'containers') as JsonObject[]).map((c) => c['name'])).toEqual(['web']);
    const replaced = smp(DEPLOYMENT, liveDeployment(), {
      spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } } },
    });
    expect(at(podSpec(replaced), 'containers')).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('replaces lists upstream gives no merge key: tolerations, envFrom, args', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: {
        template: {
          spec: {
            tolerations: [{ key: 'b', operator: 'Exists' }],
            containers: [{ name: 'sidecar', args: ['sleep', '1'], envFrom: [{ configMapRef: { name: 'c' } }] }],
          },
        },
      },
    });
    expect(at(podSpec(patched), 'tolerations')).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(at(podSpec(patched), 'containers', 1)).toEqual({
      name: 'sidecar',
      image: 'busybox',
      args: ['sleep', '1'],
      envFrom: [{ configMapRef: { name: 'c' } }],
    });
  });

  it('deletes a field with null and stores no null or directive in added values', () => {
    const patched = smp(DEPLOYMENT, liveDeployment(), {
      spec: {
        template: {
          spec: {
            restartPolicy: null,
            initContainers: [{ name: 'init', image: 'busybox', command: null }, { name: 'gone', $patch: 'delete' }],
            securityContext: { runAsUser: 1000, fsGroup: null, '$setElementOrder/x': [] },
          },
        },
      },
    });
    const spec = podSpec(patched) as JsonObject;
    expect(spec).not.toHaveProperty('restartPolicy');
    expect(spec['initContainers']).toEqual([{ name: 'init', image: 'busybox' }]);
    expect(spec['securityContext']).toEqual({ runAsUser: 1000 });
  });

  it('walks CronJob → jobTemplate → pod template to the containers', () => {
    const cronJob: JsonObject = {
      kind: 'CronJob',
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'a', env: [{ name: 'X', value: '1' }] }] } } } } },
    };
    const patched = smp({ group: 'batch', kind: 'CronJob' }, cronJob, {
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', env: [{ name: 'Y', value: '2' }] }] } } } } },
    });
    expect(at(patched, 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'env')).toEqual([
      { name: 'Y', value: '2' },
      { name: 'X', value: '1' },
    ]);
  });
});

describe('applyStrategicMergePatch, metadata of any kind', () => {
  const configMap = (): JsonObject => ({
    kind: 'ConfigMap',
    metadata: { name: 'c', finalizers: ['a.example.com/x'], ownerReferences: [{ uid: 'u1', kind: 'Deployment', name: 'web' }] },
    data: { a: '1', b: '2' },
  });
  const CONFIG_MAP: GroupKind = { group: '', kind: 'ConfigMap' };

  it('adds finalizers as a set and removes them with $deleteFromPrimitiveList', () => {
    const added = smp(CONFIG_MAP, configMap(), { metadata: { finalizers: ['a.example.com/x', 'b.example.com/y'] } });
    expect(at(added, 'metadata', 'finalizers')).toEqual(['a.example.com/x', 'b.example.com/y']);
    const removed = smp(CONFIG_MAP, added, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'] },
    });
    expect(at(removed, 'metadata', 'finalizers')).toEqual(['b.example.com/y']);
    const cleared = smp(CONFIG_MAP, added, { metadata: { finalizers: null } });
    expect(at(cleared, 'metadata')).not.toHaveProperty('finalizers');
  });

  it('drops a finalizer the manifest no longer lists, keeping one a controller added', () => {
    const live = configMap();
    (live['metadata'] as JsonObject)['finalizers'] = ['a', 'b', 'controller.example.com/c'];
    const patched = smp(CONFIG_MAP, live, {
      metadata: { '$setElementOrder/finalizers': ['a'], '$deleteFromPrimitiveList/finalizers': ['b'] },
    });
    expect(at(patched, 'metadata', 'finalizers')).toEqual(['a', 'controller.example.com/c']);
  });

  it('adds a list the live object does not have yet, ordered by $setElementOrder', () => {
    const patched = smp(CONFIG_MAP, { kind: 'ConfigMap', metadata: { name: 'c' } }, {
      metadata: {
        '$setElementOrder/ownerReferences': [{ uid: 'u2' }, { uid: 'u1' }],
        ownerReferences: [{ uid: 'u2', name: 'b' }, { uid: 'u1', name: 'a', blockOwnerDeletion: null }],
      },
    });
    expect(at(patched, 'metadata', 'ownerReferences')).toEqual([
      { uid: 'u2', name: 'b' },
      { uid: 'u1', name: 'a' },
    ]);
  });

  it('merges ownerReferences by uid', () => {
    const patched = smp(CONFIG_MAP, configMap(), {
      metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', kind: 'Job', name: 'j' }] },
    });
    expect(at(patched, 'metadata', 'ownerReferences')).toEqual([
      { uid: 'u1', kind: 'Deployment', name: 'web', controller: true },
      { uid: 'u2', kind: 'Job', name: 'j' },
    ]);
  });

  it('merges and deletes data keys like a merge patch', () => {
    expect(smp(CONFIG_MAP, configMap(), { data: { b: null, c: '3' } })['data']).toEqual({ a: '1', c: '3' });
  });

  it('treats a null body as no change and refuses a body that is not an object', () => {
    expect(smp(CONFIG_MAP, configMap(), null)).toEqual(configMap());
    expect(() => smp(CONFIG_MAP, configMap(), [])).toThrow(
      expect.objectContaining({
        code: 400,
        message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
      }),
    );
  });
});

describe('applyStrategicMergePatch, status and service lists', () => {
  it('merges node conditions and addresses by type', () => {
    const node: JsonObject = {
      kind: 'Node',
      status: {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
          { type: 'MemoryPressure', status: 'False' },
        ],
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      },
    };
    const patched = smp({ group: '', kind: 'Node' }, node, {
      status: {
        '$setElementOrder/conditions': [{ type: 'Ready' }, { type: 'MemoryPressure' }],
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
        addresses: [{ type: 'Hostname', address: 'node-1' }],
      },
    });
    expect(at(patched, 'status', 'conditions')).toEqual([
      { type: 'Ready', status: 'True', reason: 'KubeletReady' },
      { type: 'MemoryPressure', status: 'False' },
    ]);
    expect(at(patched, 'status', 'addresses')).toEqual([
      { type: 'Hostname', address: 'node-1' },
      { type: 'InternalIP', address: '10.0.0.1' },
    ]);
  });

  it('merges pod status conditions by type and podIPs by ip', () => {
    const pod: JsonObject = { kind: 'Pod', status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    const patched = smp({ group: '', kind: 'Pod' }, pod, {
      status: { phase: 'Running', podIPs: [{ ip: '10.1.0.5' }], conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(patched['status']).toEqual({
      phase: 'Running',
      podIPs: [{ ip: '10.1.0.5' }],
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
    });
  });

  it('adds and deletes service ports by port', () => {
    const service: JsonObject = {
      kind: 'Service',
      spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] },
    };
    const patched = smp({ group: '', kind: 'Service' }, service, {
      spec: { ports: [{ port: 443, $patch: 'delete' }, { port: 80, targetPort: 9090 }, { port: 8443, name: 'alt' }] },
    });
    expect(at(patched, 'spec', 'ports')).toEqual([
      { port: 80, targetPort: 9090, protocol: 'TCP' },
      { port: 8443, name: 'alt' },
    ]);
  });
});
