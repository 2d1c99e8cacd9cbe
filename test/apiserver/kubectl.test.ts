// The real kubectl against SuperAPIServer: discovery, every output format of get, create, label,
// annotate, patch of every type, scale, get -w, describe, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait.js';

let plane: TestControlPlane;
let kubectl: Kubectl;

const manifest = (name: string, replicas = 2): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  labels: {app: ${name}}
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: main
        image: supernetes.local/busybox:1
        ports: [{containerPort: 8080}]
`;

beforeAll(async () => {
  plane = await startTestControlPlane();
  kubectl = new Kubectl(plane.kubeconfigPath);
  await kubectl.ok(['version']);
});

afterAll(async () => {
  await plane?.stop();
});

describe('kubectl against SuperAPIServer', () => {
  it('reads discovery: version, api-resources with short names, get ns', async () => {
    expect(await kubectl.ok(['version', '-o', 'json'])).toContain('"gitVersion": "v1.33.0-supernetes"');
    const resources = await kubectl.ok(['api-resources']);
    expect(resources).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(resources).toMatch(/namespaces\s+ns\s+v1\s+false\s+Namespace/);
    const namespaces = await kubectl.ok(['get', 'ns', '-o', 'name']);
    expect(namespaces.split('\n').filter(Boolean).sort()).toEqual([
      'namespace/default',
      'namespace/kube-node-lease',
      'namespace/kube-public',
      'namespace/kube-system',
    ]);
  });

  it('creates a multi-document manifest and prints it in every output format', async () => {
    expect(await kubectl.ok(['create', '-f', '-', '--validate=false'], manifest('shop'))).toBe(
      'configmap/shop-config created\ndeployment.apps/shop created\n',
    );
    const table = await kubectl.ok(['get', 'deploy', 'shop']);
    expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nshop\s+0\/2\s+0\s+0\s+\d+s\n$/);
    expect(await kubectl.ok(['get', 'deploy', 'shop', '-o', 'wide'])).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR\n.*main\s+supernetes\.local\/busybox:1\s+app=shop/);
    const json = JSON.parse(await kubectl.ok(['get', 'deploy', 'shop', '-o', 'json'])) as { spec: { replicas: number; strategy: { type: string } } };
    expect(json.spec).toMatchObject({ replicas: 2, strategy: { type: 'RollingUpdate' } });
    expect(await kubectl.ok(['get', 'cm', 'shop-config', '-o', 'yaml'])).toMatch(/data:\n {2}greeting: hello\n/);
    expect(await kubectl.ok(['get', 'deploy', 'shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('supernetes.local/busybox:1');
    expect(await kubectl.ok(['get', 'cm', '-l', 'app=shop', '-o', 'custom-columns=NAME:.metadata.name,GREETING:.data.greeting'])).toBe(
      'NAME          GREETING\nshop-config   hello\n',
    );
    expect(await kubectl.ok(['get', 'deploy', '-A', '--show-labels'])).toMatch(/default\s+shop\s+0\/2.*app=shop/);
    expect(await kubectl.ok(['get', 'all'])).toContain('deployment.apps/shop');
  });

  it('labels, annotates, scales and patches with every patch type', async () => {
    await kubectl.ok(['create', '-f', '-', '--validate=false'], manifest('edit'));
    await kubectl.ok(['label', 'deploy', 'edit', 'tier=front']);
    await kubectl.ok(['annotate', 'deploy', 'edit', 'note=first']);
    await kubectl.ok(['scale', 'deploy', 'edit', '--replicas=4']);
    await kubectl.ok(['patch', 'deploy', 'edit', '--type=merge', '-p', '{"spec":{"minReadySeconds":5}}']);
    await kubectl.ok(['patch', 'deploy', 'edit', '--type=json', '-p', '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":3}]']);
    await kubectl.ok(['patch', 'deploy', 'edit', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"MODE","value":"fast"}]}]}}}}']);
    const deploy = JSON.parse(await kubectl.ok(['get', 'deploy', 'edit', '-o', 'json'])) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string>; generation: number };
      spec: { replicas: number; minReadySeconds: number; revisionHistoryLimit: number; template: { spec: { containers: { image: string; env: unknown[] }[] } } };
    };
    expect(deploy.metadata.labels).toEqual({ app: 'edit', tier: 'front' });
    expect(deploy.metadata.annotations).toEqual({ note: 'first' });
    expect(deploy.spec).toMatchObject({ replicas: 4, minReadySeconds: 5, revisionHistoryLimit: 3 });
    // The strategic merge kept the container's image and merged env in by the container's name.
    expect(deploy.spec.template.spec.containers).toHaveLength(1);
    expect(deploy.spec.template.spec.containers[0]).toMatchObject({ image: 'supernetes.local/busybox:1', env: [{ name: 'MODE', value: 'fast' }] });
    expect(deploy.metadata.generation).toBe(5);
    await kubectl.ok(['label', 'deploy', 'edit', 'tier-']);
    expect(await kubectl.ok(['get', 'deploy', 'edit', '-o', 'jsonpath={.metadata.labels}'])).toBe('{"app":"edit"}');
  });

  it('streams changes to get -w', async () => {
    await kubectl.ok(['create', 'namespace', 'watched', '--dry-run=client', '-o', 'yaml']).then((yaml) => kubectl.ok(['create', '-f', '-', '--validate=false'], yaml));
    const watcher = kubectl.spawn(['-n', 'watched', 'get', 'cm', '-w', '--output-watch-events']);
    let output = '';
    watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // kubectl lists, then watches from the list's resourceVersion: nothing created after is missed.
      await kubectl.ok(['-n', 'watched', 'create', '-f', '-', '--validate=false'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: live}\ndata: {a: "1"}\n');
      await waitFor(() => (/ADDED\s+live/.test(output) ? true : undefined), { what: 'the ADDED event', timeoutMs: 15_000 });
      await kubectl.ok(['-n', 'watched', 'label', 'cm', 'live', 'x=y']);
      await waitFor(() => (/MODIFIED\s+live/.test(output) ? true : undefined), { what: 'the MODIFIED event', timeoutMs: 15_000 });
      await kubectl.ok(['-n', 'watched', 'delete', 'cm', 'live']);
      await waitFor(() => (/DELETED\s+live/.test(output) ? true : undefined), { what: 'the DELETED event', timeoutMs: 15_000 });
    } finally {
      watcher.kill();
    }
  });

  it('describes a deployment and deletes by file and by label', async () => {
    await kubectl.ok(['create', '-f', '-', '--validate=false'], manifest('gone'));
    const described = await kubectl.ok(['describe', 'deploy', 'gone']);
    expect(described).toMatch(/Name:\s+gone/);
    expect(described).toMatch(/Replicas:\s+2 desired/);
    expect(await kubectl.ok(['delete', '-f', '-'], manifest('gone'))).toBe('configmap "gone-config" deleted\ndeployment.apps "gone" deleted\n');
    await kubectl.ok(['create', '-f', '-', '--validate=false'], manifest('bylabel'));
    await kubectl.ok(['delete', 'cm,deploy', '-l', 'app=bylabel']);
    const left = await kubectl.run(['get', 'deploy', 'bylabel']);
    expect(left.code).toBe(1);
    expect(left.stderr).toContain('deployments.apps "bylabel" not found');
  });

  it('reports server errors as kubectl users know them', async () => {
    const invalid = await kubectl.run(['create', 'configmap', 'x', '--dry-run=client', '-o', 'json']).then(async (r) =>
      kubectl.run(['create', '-f', '-', '--validate=false'], r.stdout.replace('"name": "x"', '"name": "Not_Valid"')),
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('The ConfigMap "Not_Valid" is invalid');
    const missing = await kubectl.run(['get', 'deploy', 'nope']);
    expect(missing.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
    const exists = await kubectl.run(['create', '-f', '-', '--validate=false'], manifest('shop'));
    expect(exists.stderr).toContain('Error from server (AlreadyExists)');
  });
});
