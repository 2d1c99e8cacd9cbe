// superctl apply against the real kubectl: the same manifests applied by each into its own
// namespace of one real API server must leave the same objects and print the same lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { comparable, lines, startWritingBench, type WritingBench } from './writing-verbs-support.js';

const DEPLOYMENT = (image: string, env: string, extraPort: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: main
        image: ${image}
        env:
${env}
        ports:
        - containerPort: 80
${extraPort}
      - name: sidecar
        image: supernetes.local/busybox:latest
`;

const CONFIGMAP = (data: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: web}
data:
${data}
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 8080
`;

let bench: WritingBench;

beforeAll(async () => {
  bench = await startWritingBench();
  for (const ns of ['k1', 's1', 'k2', 's2', 'k3', 's3', 's4', 'mixed', 'dry']) await bench.kubectl.ok(['create', 'namespace', ns]);
}, 60_000);

afterAll(async () => {
  await bench?.stop();
});

async function compareObjects(pairs: [string, string][], kubectlNs: string, superctlNs: string): Promise<void> {
  for (const [type, name] of pairs) {
    const byKubectl = comparable(await bench.object(type, name, kubectlNs));
    const bySuperctl = comparable(await bench.object(type, name, superctlNs));
    expect(bySuperctl, `${type}/${name}`).toEqual(byKubectl);
  }
}

const OBJECTS: [string, string][] = [
  ['deployment', 'web'],
  ['configmap', 'settings'],
  ['service', 'web'],
];

describe('client-side apply', () => {
  it('creates, says unchanged the second time, and configures changes exactly as kubectl', async () => {
    const envV1 = '        - {name: A, value: "1"}\n        - {name: B, value: "2"}\n        - {name: C, value: "3"}';
    await bench.write('app/deploy.yaml', DEPLOYMENT('supernetes.local/busybox:1', envV1, ''));
    await bench.write('app/more.yaml', `${CONFIGMAP('  a: "1"\n  b: "2"')}---\n${SERVICE}`);
    await bench.write('app/notes.txt', 'not a manifest, and not read from a directory');
    const dir = `${bench.dir}/app`;

    const k = await bench.kubectl.ok(['apply', '-f', dir, '-n', 'k1']);
    const s = await bench.superctl.ok(['apply', '-f', dir, '-n', 's1']);
    expect(lines(s)).toEqual(lines(k));
    expect(lines(s)).toEqual(['configmap/settings created', 'deployment.apps/web created', 'service/web created']);
    await compareObjects(OBJECTS, 'k1', 's1');

    // The same files again: nothing to do, and nothing written.
    const before = await bench.object('deployment', 'web', 's1');
    const again = await bench.superctl.ok(['apply', '-f', dir, '-n', 's1']);
    expect(lines(again)).toEqual(['configmap/settings unchanged', 'deployment.apps/web unchanged', 'service/web unchanged']);
    const after = await bench.object('deployment', 'web', 's1');
    expect((after['metadata'] as { resourceVersion: string }).resourceVersion).toBe((before['metadata'] as { resourceVersion: string }).resourceVersion);

    // Someone else changes the live objects: apply must keep what it does not own.
    for (const ns of ['k1', 's1']) {
      await bench.kubectl.ok(['label', 'deployment', 'web', 'owner=someone-else', '-n', ns]);
      await bench.kubectl.ok(['patch', 'configmap', 'settings', '-n', ns, '-p', '{"data":{"extra":"kept"}}']);
    }

    // Then the files change: an env var removed and one changed, a port added, a key dropped,
    // a label dropped, the image changed.
    const envV2 = '        - {name: A, value: "1"}\n        - {name: C, value: "three"}';
    await bench.write('app/deploy.yaml', DEPLOYMENT('supernetes.local/busybox:2', envV2, '        - containerPort: 9090').replace('tier: front', ''));
    await bench.write('app/more.yaml', `${CONFIGMAP('  a: "one"')}---\n${SERVICE}`);
    const k2 = await bench.kubectl.ok(['apply', '-f', dir, '-n', 'k1']);
    const s2 = await bench.superctl.ok(['apply', '-f', dir, '-n', 's1']);
    expect(lines(s2)).toEqual(lines(k2));
    expect(lines(s2)).toEqual(['configmap/settings configured', 'deployment.apps/web configured', 'service/web unchanged']);
    await compareObjects(OBJECTS, 'k1', 's1');
    const cm = await bench.object('configmap', 'settings', 's1');
    expect(cm['data']).toEqual({ a: 'one', extra: 'kept' });
  }, 240_000);

  it('reads -R directories, stdin and multi-document files, and says unchanged to what kubectl applied', async () => {
    await bench.write('tree/top.yaml', CONFIGMAP('  level: top').replace('settings', 'top'));
    await bench.write('tree/sub/deeper.yml', `---\n${CONFIGMAP('  level: sub').replace('settings', 'sub')}\n---\n`);
    const withoutR = await bench.superctl.ok(['apply', '-f', `${bench.dir}/tree`, '-n', 'k2']);
    expect(lines(withoutR)).toEqual(['configmap/top created']);
    const withR = await bench.superctl.ok(['apply', '-R', '-f', `${bench.dir}/tree`, '-n', 'k2']);
    expect(lines(withR)).toEqual(['configmap/sub created', 'configmap/top unchanged']);

    const fromStdin = await bench.superctl.ok(['apply', '-f', '-', '-n', 'k2'], SERVICE);
    expect(fromStdin).toBe('service/web created\n');

    // Applied by kubectl, then by superctl: the annotation is the same byte for byte.
    await bench.kubectl.ok(['apply', '-f', '-', '-n', 'mixed'], `${SERVICE}---\n${CONFIGMAP('  a: "<&>"')}`);
    const mixed = await bench.superctl.ok(['apply', '-f', '-', '-n', 'mixed'], `${SERVICE}---\n${CONFIGMAP('  a: "<&>"')}`);
    expect(lines(mixed)).toEqual(['configmap/settings unchanged', 'service/web unchanged']);

    // Made by create (no annotation): apply warns, then takes the object over.
    await bench.kubectl.ok(['create', 'configmap', 'imperative', '--from-literal=a=1', '-n', 'mixed']);
    const takeOver = await bench.superctl.run(['apply', '-f', '-', '-n', 'mixed'], CONFIGMAP('  a: "2"').replace('settings', 'imperative'));
    expect(takeOver).toMatchObject({ code: 0, stdout: 'configmap/imperative configured\n' });
    expect(takeOver.stderr).toMatch(/^Warning: resource configmaps\/imperative is missing the kubectl.kubernetes.io\/last-applied-configuration annotation/);
    expect((await bench.object('configmap', 'imperative', 'mixed'))['data']).toEqual({ a: '2' });
  });

  it('dry runs change nothing, and print what kubectl prints', async () => {
    const manifest = CONFIGMAP('  a: "1"');
    const k = await bench.kubectl.ok(['apply', '-f', '-', '-n', 'dry', '--dry-run=client'], manifest);
    const s = await bench.superctl.ok(['apply', '-f', '-', '-n', 'dry', '--dry-run=client'], manifest);
    expect(s).toBe(k);
    const ks = await bench.kubectl.ok(['apply', '-f', '-', '-n', 'dry', '--dry-run=server'], manifest);
    const ss = await bench.superctl.ok(['apply', '-f', '-', '-n', 'dry', '--dry-run=server'], manifest);
    expect(ss).toBe(ks);
    expect(ss).toBe('configmap/settings created (server dry run)\n');
    expect((await bench.kubectl.run(['get', 'configmap', 'settings', '-n', 'dry'])).code).not.toBe(0);
  });

  it('prunes with -l what an earlier apply made and the files no longer name', async () => {
    const both = `${CONFIGMAP('  a: "1"').replace('settings', 'keep')}---\n${CONFIGMAP('  a: "1"').replace('settings', 'gone')}`;
    const one = CONFIGMAP('  a: "1"').replace('settings', 'keep');
    for (const [tool, ns] of [
      ['kubectl', 'k3'],
      ['superctl', 's3'],
    ] as const) {
      const run = tool === 'kubectl' ? bench.kubectl : bench.superctl;
      await run.ok(['apply', '-f', '-', '-n', ns], both);
      // Not made by apply: never pruned.
      await bench.kubectl.ok(['create', 'configmap', 'manual', '-n', ns]);
      await bench.kubectl.ok(['label', 'configmap', 'manual', 'app=web', '-n', ns]);
    }
    // This server has no PersistentVolumeClaims, which kubectl's default allow-list names.
    const allow = '--prune-allowlist=core/v1/ConfigMap';
    const k = await bench.kubectl.ok(['apply', '-f', '-', '-n', 'k3', '--prune', '-l', 'app=web', allow], one);
    const s = await bench.superctl.ok(['apply', '-f', '-', '-n', 's3', '--prune', '-l', 'app=web', allow], one);
    expect(lines(s)).toEqual(lines(k));
    expect(lines(s)).toEqual(['configmap/gone pruned', 'configmap/keep unchanged']);
    const names = await bench.kubectl.ok(['get', 'configmaps', '-n', 's3', '-l', 'app=web', '-o', 'name']);
    expect(lines(names)).toEqual(['configmap/keep', 'configmap/manual']);

    const refused = await bench.superctl.run(['apply', '-f', '-', '-n', 's3', '--prune'], one);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--all');
  }, 120_000);

  it('with --wait, returns only once a pruned object held by a finalizer is gone', async () => {
    const held = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, labels: {app: held}, finalizers: [example.com/hold]}\n';
    const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, labels: {app: held}}\n';
    await bench.superctl.ok(['apply', '-f', '-', '-n', 's4'], `${held}---\n${other}`);
    const child = bench.superctl.spawn(['apply', '-f', '-', '-n', 's4', '--prune', '-l', 'app=held', '--prune-allowlist=core/v1/ConfigMap', '--wait', '--timeout=60s']);
    child.stdin.end(other);
    let exited = false;
    const done = new Promise<number>((resolve) =>
      child.once('exit', (code) => {
        exited = true;
        resolve(code ?? -1);
      }),
    );
    await waitFor(async () => (await bench.kubectl.run(['get', 'configmap', 'held', '-n', 's4', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).stdout !== '', {
      what: 'the pruned object to be marked for deletion',
      timeoutMs: 60_000,
    });
    expect(exited).toBe(false);
    await bench.kubectl.ok(['patch', 'configmap', 'held', '-n', 's4', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    expect(await done).toBe(0);
  }, 120_000);
});

describe('server-side apply', () => {
  it('leaves the same object as kubectl --server-side and says serverside-applied', async () => {
    const manifest = DEPLOYMENT('supernetes.local/busybox:1', '        - {name: A, value: "1"}', '');
    const k = await bench.kubectl.ok(['apply', '--server-side', '-f', '-', '-n', 'k2'], manifest);
    const s = await bench.superctl.ok(['apply', '--server-side', '-f', '-', '-n', 's2'], manifest);
    expect(s).toBe(k);
    expect(s).toBe('deployment.apps/web serverside-applied\n');
    await compareObjects([['deployment', 'web']], 'k2', 's2');
  });
});

describe('bad input', () => {
  it('names the file and the line of a YAML syntax error, exits 1 and creates nothing', async () => {
    const good = CONFIGMAP('  a: "1"').replace('settings', 'before-the-error');
    const path = await bench.write('bad/broken.yaml', `${good}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n  b: 3\n`);
    const result = await bench.superctl.run(['apply', '-f', path, '-n', 'dry']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const errorLines = result.stderr.trim().split('\n');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain(path);
    const line = Number(/line (\d+)/.exec(errorLines[0] ?? '')?.[1]);
    // The unclosed flow sequence opens on line 14 of the file (line 6 of its document); the
    // parser notices on the next line.
    expect(line).toBeGreaterThanOrEqual(14);
    expect(line).toBeLessThanOrEqual(15);
    expect((await bench.kubectl.run(['get', 'configmap', 'before-the-error', '-n', 'dry'])).code).not.toBe(0);
  });

  it('refuses a missing file, a missing kind and an unknown kind in one line each', async () => {
    const missing = await bench.superctl.run(['apply', '-f', '/nonexistent/x.yaml']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: the path "/nonexistent/x.yaml" does not exist\n' });
    const noKind = await bench.superctl.run(['apply', '-f', '-'], 'apiVersion: v1\nmetadata: {name: x}\n');
    expect(noKind.code).toBe(1);
    expect(noKind.stderr).toMatch(/^error: error validating "STDIN": .*kind not set.*\n$/);
    const unknown = await bench.superctl.run(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no matches for kind "Widget" in version "example.com/v1"');
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const otherNamespace = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: other}\n';
    const mismatch = await bench.superctl.run(['apply', '-f', '-', '-n', 'dry'], otherNamespace);
    const kubectlMismatch = await bench.kubectl.run(['apply', '-f', '-', '-n', 'dry'], otherNamespace);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toBe(kubectlMismatch.stderr);
  }, 120_000);

  it('prints the applied objects with -o name and -o yaml', async () => {
    const manifest = CONFIGMAP('  a: "1"').replace('settings', 'printed');
    expect(await bench.superctl.ok(['apply', '-f', '-', '-n', 'dry', '-o', 'name'], manifest)).toBe('configmap/printed\n');
    const yaml = await bench.superctl.ok(['apply', '-f', '-', '-n', 'dry', '-o', 'yaml'], manifest);
    expect(yaml).toMatch(/^apiVersion: v1\n/);
    expect(yaml).toContain('name: printed\n');
  });
});
