// superctl patch, label and annotate against the real kubectl: the same commands in two
// namespaces of one real API server print the same lines and leave the same objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, lines, startWritingBench, type WritingBench } from './writing-verbs-support.js';

let bench: WritingBench;

const OBJECTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: main, image: busybox, env: [{name: A, value: "1"}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: one, labels: {group: g}}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two, labels: {group: g}, annotations: {note: old}}
data: {a: "2"}
`;

beforeAll(async () => {
  bench = await startWritingBench();
  for (const ns of ['k', 's']) {
    await bench.kubectl.ok(['create', 'namespace', ns]);
    await bench.kubectl.ok(['create', '-n', ns, '-f', '-'], OBJECTS);
  }
}, 120_000);

afterAll(async () => {
  await bench?.stop();
});

type Result = { code: number; stdout: string; stderr: string };

/** Runs the same command with each tool in its namespace; the results must be the same. */
async function same(args: string[]): Promise<Result> {
  const k = await bench.kubectl.run([...args, '-n', 'k']);
  const s = await bench.superctl.run([...args, '-n', 's']);
  expect({ code: s.code, stdout: lines(s.stdout), stderr: s.stderr }, args.join(' ')).toEqual({ code: k.code, stdout: lines(k.stdout), stderr: k.stderr });
  return s;
}

async function sameObjects(): Promise<void> {
  const byK = await bench.objects('deployments,configmaps', 'k');
  const byS = await bench.objects('deployments,configmaps', 's');
  expect([...byS.keys()].sort()).toEqual([...byK.keys()].sort());
  for (const [key, object] of byS) expect(comparable(object), key).toEqual(comparable(byK.get(key) ?? {}));
}

describe('patch', () => {
  it('strategic, merge and json patches leave the objects kubectl leaves, and no-ops say so', async () => {
    const strategic = await same(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}}}']);
    expect(strategic.stdout).toBe('deployment.apps/web patched\n');
    const again = await same(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}}}']);
    expect(again.stdout).toBe('deployment.apps/web patched (no change)\n');
    await same(['patch', 'configmap/one', '--type', 'merge', '-p', 'data: {b: "2", a: null}']);
    await same(['patch', 'configmap', 'two', '--type=json', '-p', '[{"op":"replace","path":"/data/a","value":"22"}]']);
    await sameObjects();
    const env = (await bench.object('deployment', 'web', 's'))['spec'] as { template: { spec: { containers: { env: unknown }[] } } };
    expect(env.template.spec.containers[0]?.env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
  }, 240_000);

  it('refuses a bad patch in one line and changes nothing', async () => {
    const before = await bench.object('configmap', 'one', 's');
    const bad = await bench.superctl.run(['patch', 'configmap', 'one', '-n', 's', '--type=json', '-p', '[{"op":"replace","path":"/data/nothere/x","value":"1"}]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const unparsable = await bench.superctl.run(['patch', 'configmap', 'one', '-n', 's', '-p', '{"data": [']);
    expect(unparsable.code).toBe(1);
    expect(unparsable.stderr).toMatch(/^error: unable to parse/);
    expect(await bench.object('configmap', 'one', 's')).toEqual(before);
  }, 120_000);
});

describe('label and annotate', () => {
  it('set, refuse without --overwrite, overwrite and remove as kubectl does', async () => {
    expect((await same(['label', 'configmap', 'one', 'tier=front', 'env=dev'])).stdout).toBe('configmap/one labeled\n');
    const conflict = await same(['label', 'configmap', 'one', 'tier=back']);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toBe("error: 'tier' already has a value (front), and --overwrite is false\n");
    await same(['label', 'configmap', 'one', 'tier=back', '--overwrite']);
    expect((await same(['label', 'configmap', 'one', 'env-'])).stdout).toBe('configmap/one unlabeled\n');
    await same(['label', 'configmap', 'one', 'tier=back']);
    await same(['label', 'configmap', 'one', 'app.kubernetes.io/part-of=shop']);
    expect((await same(['label', 'configmap', 'one', 'app.kubernetes.io/part-of-'])).stdout).toBe('configmap/one unlabeled\n');
    await same(['label', 'configmaps', '-l', 'group=g', 'batch=yes']);
    await same(['label', 'configmaps', '--all', 'everywhere=1']);

    expect((await same(['annotate', 'configmap', 'one', 'note=new'])).stdout).toBe('configmap/one annotated\n');
    const annotationConflict = await same(['annotate', 'configmap', 'two', 'note=newer']);
    expect(annotationConflict.code).toBe(1);
    await same(['annotate', 'configmap', 'two', 'note=newer', '--overwrite']);
    await same(['annotate', 'configmaps', '-l', 'group=g', 'team=core', 'note-', '--overwrite']);
    await same(['annotate', 'deployment/web', 'description=the web tier']);
    await sameObjects();
    const two = (await bench.object('configmap', 'two', 's'))['metadata'] as { annotations: Record<string, string>; labels: Record<string, string> };
    expect(two.annotations).toEqual({ team: 'core' });
    expect(two.labels).toEqual({ group: 'g', batch: 'yes', everywhere: '1' });
  }, 240_000);
});
