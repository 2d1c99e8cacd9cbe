// superctl describe beside the real kubectl on one API server, for each kind with a describer:
// pods (with events), deployments and the ReplicaSets they own, replica sets, nodes (with a
// lease, capacity and a bound pod's requests), services, namespaces, jobs; ages normalised.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { expectSameAsKubectl, sideBySide, type SideBySide } from './side-by-side.js';

const OBJECTS = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: front}
  annotations: {note: "short", multi: "first\\nsecond"}
spec:
  nodeName: node-a
  containers:
  - name: c
    image: busybox
    command: [sleep, "1000"]
    args: ["--verbose"]
    ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]
    env: [{name: MODE, value: fast}, {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
    resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {cpu: 500m, memory: 128Mi}}
    volumeMounts: [{name: scratch, mountPath: /scratch}, {name: conf, mountPath: /etc/conf, readOnly: true}]
  volumes: [{name: scratch, emptyDir: {}}, {name: conf, configMap: {name: settings}}]
  nodeSelector: {disk: ssd}
  tolerations: [{key: dedicated, operator: Equal, value: web, effect: NoSchedule}, {operator: Exists, effect: NoExecute, tolerationSeconds: 300}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep, labels: {app: dep}}
spec:
  replicas: 2
  selector: {matchLabels: {app: dep}}
  template:
    metadata: {labels: {app: dep}}
    spec: {containers: [{name: c, image: busybox, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs, labels: {app: rs}}
spec:
  replicas: 1
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc, labels: {app: web}}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}, {name: dns, port: 53, protocol: UDP}]}
---
apiVersion: v1
kind: Service
metadata: {name: nodeport}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-a, labels: {kubernetes.io/hostname: node-a, node-role.kubernetes.io/worker: ""}}
spec:
  taints: [{key: dedicated, value: web, effect: NoSchedule}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: job1}
spec:
  parallelism: 2
  completions: 4
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: described, labels: {team: a}, annotations: {owner: me}}
`;

let plane: TestControlPlane;
let pair: SideBySide;
let eventCount = 0;

async function eventFor(kind: string, name: string, namespace: string | undefined, apiVersion: string, extra: Record<string, unknown>): Promise<void> {
  const path = kind === 'Node' ? `nodes/${name}` : `namespaces/${namespace ?? ''}/${kind.toLowerCase()}s/${name}`;
  const group = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
  const object = (await plane.request({ path: `${group}/${path}` })).json as { metadata: { uid: string } };
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${++eventCount}`, namespace: namespace ?? 'default' },
    involvedObject: { kind, name, apiVersion, uid: object.metadata.uid, ...(namespace !== undefined ? { namespace } : {}) },
    type: 'Normal',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    source: { component: 'test-controller' },
    ...extra,
  };
  const response = await plane.request({ method: 'POST', path: `/api/v1/namespaces/${namespace ?? 'default'}/events`, body: JSON.stringify(event), headers: { 'Content-Type': 'application/json' } });
  if (response.status !== 201) throw new Error(`event: ${response.status} ${response.text}`);
}

beforeAll(async () => {
  plane = await startTestControlPlane();
  pair = sideBySide(plane.kubeconfigPath);
  await pair.kubectl.ok(['apply', '-f', '-'], OBJECTS);
  // A ReplicaSet the Deployment owns, as its controller would make it.
  const dep = (await plane.request({ path: '/apis/apps/v1/namespaces/default/deployments/dep' })).json as { metadata: { uid: string } };
  const owned = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'dep-5d4f8', labels: { app: 'dep', 'pod-template-hash': '5d4f8' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'dep', uid: dep.metadata.uid, controller: true }] },
    spec: { replicas: 2, selector: { matchLabels: { app: 'dep', 'pod-template-hash': '5d4f8' } }, template: { metadata: { labels: { app: 'dep', 'pod-template-hash': '5d4f8' } }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080 }] }] } } },
  };
  await pair.kubectl.ok(['create', '-f', '-'], JSON.stringify(owned));
  // The node's status and lease, as a superlet would report them.
  await pair.kubectl.ok(['patch', 'node', 'node-a', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'node-a' }] } })]);
  await eventFor('Pod', 'web', 'default', 'v1', { reason: 'Scheduled', message: 'Successfully assigned default/web to node-a' });
  await eventFor('Pod', 'web', 'default', 'v1', { type: 'Warning', reason: 'BackOff', message: 'Back-off pulling image', count: 3 });
  await eventFor('Deployment', 'dep', 'default', 'apps/v1', { reason: 'ScalingReplicaSet', message: 'Scaled up replica set dep-5d4f8 to 2' });
  await eventFor('Node', 'node-a', undefined, 'v1', { reason: 'Starting', message: 'Starting superlet.' });
});

afterAll(async () => {
  await plane.stop();
});

describe('superctl describe prints what kubectl prints', () => {
  it.each([
    [['describe', 'pod', 'web']],
    [['describe', 'deployment', 'dep']],
    [['describe', 'replicaset', 'rs', 'dep-5d4f8']],
    [['describe', 'node', 'node-a']],
    [['describe', 'service', 'svc']],
    [['describe', 'svc/nodeport']],
    [['describe', 'namespace', 'described']],
    [['describe', 'job', 'job1']],
    [['describe', 'ns', 'kube']],
    [['describe', 'pods', 'missing']],
  ])('%j', async (args) => {
    await expectSameAsKubectl(pair, args, { normalise: true });
  });
});
