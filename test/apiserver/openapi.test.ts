// The OpenAPI documents against the real kubectl: client-side apply with validation on (kubectl
// reads /openapi/v3 to learn that the server validates fields, and the schemas' patch metadata to
// compute strategic merge patches), explain, and strict validation of an unknown field. Also the
// documents' shape and caching contract, the v2 forms older kubectl reads, and that the committed
// schemas.json is what the generator makes of kubernetes-types today.
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubernetesTypesDir } from '../../src/apiserver/openapi/generator/generate.js';
import { buildSchemaFile, formatSchemaFile } from '../../src/apiserver/openapi/generator/schema-file.js';
import { builtInResources } from '../../src/apiserver/registry/resources/index.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(binary: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(binary, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

function findKubectl(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const candidate = join(dir, 'kubectl');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const KUBECTL = findKubectl();
/** kubectl 1.27 reads /openapi/v2 as protobuf before applying; the dispatcher keeps it beside kubectl. */
const KUBECTL_127 = KUBECTL === undefined ? undefined : [join(dirname(realpathSync(KUBECTL)), 'kubectl.1.27')].find((p) => existsSync(p));

const MANIFEST = (image: string, env: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
${env}`;

const UNKNOWN_FIELD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers:
      - name: web
        image: nginx:1
        imagePolicy: Always
`;

describe('OpenAPI documents with kubectl', () => {
  let cp: TestControlPlane;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const kubectl = (args: readonly string[], binary = KUBECTL): Promise<Run> => {
    if (binary === undefined) throw new Error('kubectl is not installed (not found on PATH): these tests drive the real kubectl');
    return run(binary, ['--kubeconfig', cp.kubeconfigPath, ...args], env);
  };
  const manifest = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const expectOk = (result: Run): string => {
    expect(result.stderr, `kubectl failed (exit ${result.code}): ${result.stderr}`).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    if (KUBECTL === undefined) throw new Error('kubectl is not installed (not found on PATH): these tests drive the real kubectl');
    cp = await startTestControlPlane();
    dir = await mkdtemp(join(tmpdir(), 'supernetes-openapi-'));
    // A HOME of its own: kubectl caches discovery and OpenAPI documents under ~/.kube/cache.
    env = { ...process.env, HOME: dir, KUBECONFIG: cp.kubeconfigPath };
  });

  afterAll(async () => {
    await cp?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('applies a ConfigMap and a Deployment with validation on, then finds them unchanged', async () => {
    const path = await manifest('app.yaml', MANIFEST('nginx:1.25', ''));
    const first = expectOk(await kubectl(['apply', '-f', path]));
    expect(first).toContain('configmap/settings created');
    expect(first).toContain('deployment.apps/web created');
    const second = expectOk(await kubectl(['apply', '-f', path]));
    expect(second).toContain('configmap/settings unchanged');
    expect(second).toContain('deployment.apps/web unchanged');
  });

  it('applies an edited manifest as an update: new image, one more env var', async () => {
    const path = await manifest('app-v2.yaml', MANIFEST('nginx:1.27', '        env:\n        - name: MODE\n          value: production\n'));
    const out = expectOk(await kubectl(['apply', '-f', path]));
    expect(out).toContain('configmap/settings unchanged');
    expect(out).toContain('deployment.apps/web configured');
    const deployment = JSON.parse(expectOk(await kubectl(['get', 'deployment', 'web', '-o', 'json']))) as {
      spec: { template: { spec: { containers: { name: string; image: string; env?: { name: string; value: string }[] }[] } } };
    };
    const containers = deployment.spec.template.spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]?.image).toBe('nginx:1.27');
    expect(containers[0]?.env).toEqual([{ name: 'MODE', value: 'production' }]);
    expect(expectOk(await kubectl(['apply', '-f', path]))).toContain('deployment.apps/web unchanged');
  });

  it('explains fields with their descriptions', async () => {
    const replicas = expectOk(await kubectl(['explain', 'deployment.spec.replicas']));
    expect(replicas).toMatch(/FIELD:\s+replicas <integer>/);
    expect(replicas).toContain('Number of desired pods');
    const containers = expectOk(await kubectl(['explain', 'pods.spec.containers']));
    expect(containers).toMatch(/FIELD:\s+containers <\[\]Container>/);
    expect(containers).toContain('List of containers belonging to the pod');
    expect(containers).toMatch(/^\s+image\s+<string>/m);
    expect(expectOk(await kubectl(['explain', 'deployment.spec.strategy.rollingUpdate.maxSurge']))).toContain('<IntOrString>');
  });

  it('fails a strict apply of an unknown field and names the field', async () => {
    const path = await manifest('typo.yaml', UNKNOWN_FIELD);
    const result = await kubectl(['apply', '--validate=strict', '-f', path]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown field "spec.template.spec.containers[0].imagePolicy"');
    expect((await kubectl(['get', 'deployment', 'typo'])).stderr).toContain('NotFound');
  });

  it('drops unknown fields with a warning by default, and fails a value of the wrong type', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const headers = { 'Content-Type': 'application/json' };
    const created = await cp.request({ method: 'POST', path, headers, body: JSON.stringify({ metadata: { name: 'warned' }, data: { a: 'b' }, bogus: 1 }) });
    expect(created.status).toBe(201);
    expect(created.headers.warning).toBe('299 - "unknown field \\"bogus\\""');
    expect(created.json).not.toHaveProperty('bogus');
    const wrong = await cp.request({ method: 'POST', path, headers, body: JSON.stringify({ metadata: { name: 'wrong' }, data: 'x' }) });
    expect(wrong.status).toBe(400);
    expect((wrong.json as { message: string }).message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string',
    );
  });

  // Version-specific: runs where a kubectl 1.27 exists beside kubectl (Google Cloud SDK ships one).
  it.skipIf(KUBECTL_127 === undefined)('serves kubectl 1.27, which reads the v2 document as protobuf', async () => {
    const path = await manifest('old.yaml', MANIFEST('nginx:1.25', '').replaceAll('settings', 'old-settings').replaceAll('web', 'old-web'));
    const out = expectOk(await kubectl(['apply', '-f', path], KUBECTL_127));
    expect(out).toContain('deployment.apps/old-web created');
    expect(expectOk(await kubectl(['apply', '-f', path], KUBECTL_127))).toContain('deployment.apps/old-web unchanged');
  });

  it('serves the v3 index and group-version documents with the patch operations kubectl looks for', async () => {
    const index = await cp.request({ path: '/openapi/v3' });
    expect(index.status).toBe(200);
    const paths = (index.json as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1']));
    const url = paths['apis/apps/v1']?.serverRelativeURL ?? '';
    const apps = await cp.request({ path: url });
    expect(apps.status).toBe(200);
    expect(apps.headers['cache-control']).toBe('public, immutable');
    const doc = apps.json as {
      paths: Record<string, { patch?: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': object } }>;
      components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: object[]; properties?: Record<string, Record<string, unknown>> }> };
    };
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch;
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(doc.components.schemas['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(doc.components.schemas['io.k8s.api.core.v1.PodSpec']?.properties?.['containers']).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });

    const stale = await cp.request({ path: '/openapi/v3/apis/apps/v1?hash=0123' });
    expect(stale.status).toBe(301);
    expect(stale.headers.location).toBe(url);
    const etag = apps.headers.etag ?? '';
    expect((await cp.request({ path: url, headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await cp.request({ path: '/openapi/v3/apis/nothing/v1' })).status).toBe(404);
    const protobufOnly = await cp.request({ path: url, headers: { Accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' } });
    expect(protobufOnly.status).toBe(406);
    expect((await cp.request({ path: '/openapi/v3', authenticate: false })).status).toBe(401);
  });

  it('serves /openapi/v2 as JSON and as protobuf', async () => {
    const json = await cp.request({ path: '/openapi/v2', headers: { Accept: 'application/json' } });
    expect(json.status).toBe(200);
    const swagger = json.json as { swagger: string; definitions: Record<string, { properties?: Record<string, { $ref?: string }> }> };
    expect(swagger.swagger).toBe('2.0');
    expect(swagger.definitions['io.k8s.api.core.v1.Pod']?.properties?.['spec']?.$ref).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
    const protobuf = await cp.request({ path: '/openapi/v2', headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect(protobuf.status).toBe(200);
    expect(protobuf.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  });

  it('keeps schemas.json in step with kubernetes-types and the patch tables', async () => {
    const require = createRequire(import.meta.url);
    const fresh = formatSchemaFile(buildSchemaFile(kubernetesTypesDir((s) => require.resolve(s)), builtInResources()));
    const committed = await readFile(fileURLToPath(new URL('../../src/apiserver/openapi/schemas.json', import.meta.url)), 'utf8');
    expect(committed === fresh, 'schemas.json is stale: run npx tsx src/apiserver/openapi/generator/main.ts').toBe(true);
  });
});
