// superctl get beside the real kubectl on one API server: tables in every form, objects in every
// output format, and -w printing rows as the watch's Table events arrive.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { waitFor } from '../support/wait.js';
import { expectSameAsKubectl, normaliseAges, sideBySide, type SideBySide } from './side-by-side.js';

const OBJECTS = `
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: front}
  annotations: {ambiguous: "yes", number: "123", date: "2020-01-01", colon: ": x", empty: "", html: "<a&b>", multi: "one\\ntwo\\n", long: "a long value with spaces that goes on and on and on well beyond the eighty columns go-yaml folds at"}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "1000"], ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: other, labels: {app: api}}
spec:
  containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep, labels: {app: dep}}
spec:
  replicas: 2
  selector: {matchLabels: {app: dep}}
  template:
    metadata: {labels: {app: dep}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-a, labels: {kubernetes.io/hostname: node-a}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job1}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
`;

let plane: TestControlPlane;
let pair: SideBySide;

beforeAll(async () => {
  plane = await startTestControlPlane();
  pair = sideBySide(plane.kubeconfigPath);
  await pair.kubectl.ok(['apply', '-f', '-'], OBJECTS);
});

afterAll(async () => {
  await plane.stop();
});

describe('superctl get prints what kubectl prints', () => {
  it.each([
    [['get', 'pods']],
    [['get', 'pods', '-A']],
    [['get', 'pods', '-A', '--show-labels']],
    [['get', 'pods', '-o', 'wide']],
    [['get', 'pods', '-L', 'app,tier', '--no-headers']],
    [['get', 'pods', '-l', 'app=web']],
    [['get', 'pods', '--field-selector', 'metadata.name=web']],
    [['get', 'all']],
    [['get', 'all', '-A']],
    [['get', 'pods,svc,deploy']],
    [['get', 'pod/web', 'svc/svc']],
    [['get', 'nodes', '-o', 'wide']],
    [['get', 'ns']],
    [['get', 'jobs,cm']],
    [['get', 'deployment.apps', 'dep']],
  ])('table: %j', async (args) => {
    await expectSameAsKubectl(pair, args);
  });

  it.each([
    [['get', 'pod', 'web', '-o', 'json']],
    [['get', 'pod', 'web', '-o', 'yaml']],
    [['get', 'pods', '-A', '-o', 'json']],
    [['get', 'svc,deploy', '-o', 'yaml']],
    [['get', 'all', '-o', 'name']],
    [['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']],
    [['get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\t"}{.spec.containers[0].image}{"\\n"}{end}']],
    [['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[?(@.name=="c")].ports[0].containerPort} {.metadata.labels}']],
    [['get', 'pods', '-A', '-o', 'custom-columns=NAME:.metadata.name,NS:metadata.namespace,CPU:.spec.containers[*].resources.requests.cpu']],
  ])('objects: %j', async (args) => {
    await expectSameAsKubectl(pair, args);
  });

  it.each([
    [['get', 'pod', 'web', 'missing']],
    [['get', 'pods', '-n', 'empty']],
    [['get', 'leases', '-A']],
  ])('missing and empty: %j', async (args) => {
    const result = await expectSameAsKubectl(pair, args);
    expect(result.stderr).not.toBe('');
  });
});

describe('the other reading verbs print what kubectl prints', () => {
  it.each([[['api-resources']], [['api-resources', '-o', 'wide']], [['api-resources', '--namespaced=false', '-o', 'name']], [['cluster-info']], [['explain', 'pods']], [['explain', 'deployments.spec.template.spec.containers.resources']], [['explain', 'svc.spec.ports.targetPort']], [['explain', 'pods.spec.nope']]])('%j', async (args) => {
    await expectSameAsKubectl(pair, args);
  });
});

describe('superctl get -w', () => {
  it('prints the list, then one row per watch event under one header, as kubectl -w', async () => {
    const collect = (child: ChildProcessWithoutNullStreams): { text: () => string } => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      return { text: () => out };
    };
    const children = [pair.superctl.spawn(['get', 'pods', '-n', 'other', '-w']), pair.kubectl.spawn(['get', 'pods', '-n', 'other', '-w'])];
    const [ours, theirs] = children.map(collect) as [{ text: () => string }, { text: () => string }];
    try {
      await waitFor(() => ours.text().includes('api ') && theirs.text().includes('api '), { timeoutMs: 20_000, what: 'the first list' });
      await pair.kubectl.ok(['run', 'watched', '-n', 'other', '--image=busybox']);
      await pair.kubectl.ok(['label', 'pod', 'watched', '-n', 'other', 'changed=yes']);
      const rows = (text: string): number => text.split('\n').filter((l) => l.startsWith('watched ')).length;
      await waitFor(() => rows(ours.text()) >= 2 && rows(theirs.text()) >= 2, { timeoutMs: 20_000, what: 'rows for the new pod and its change' });
      expect(ours.text().split('\n').filter((l) => l.startsWith('NAME'))).toHaveLength(1);
      expect(normaliseAges(ours.text())).toBe(normaliseAges(theirs.text()));
    } finally {
      for (const child of children) child.kill();
    }
  });
});
