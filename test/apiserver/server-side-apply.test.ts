// Server-side apply against SuperAPIServer: the real kubectl (`apply --server-side`, scale,
// label, patch, get --show-managed-fields) and raw requests for the Status shapes. The field
// manager itself is unit-tested in src/apiserver/apply/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Kubectl } from '../support/kubectl.js';

let plane: TestControlPlane;
let kubectl: Kubectl;

interface Shape {
  readonly image?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly replicas?: number;
}

/** A ConfigMap and a Deployment, as a user keeps them in a file. */
function manifest(name: string, shape: Shape = {}): string {
  const env = Object.entries(shape.env ?? { MODE: 'fast', LEVEL: 'debug' })
    .map(([k, v]) => `        - {name: ${k}, value: "${v}"}\n`)
    .join('');
  return `apiVersion: v1
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
  replicas: ${shape.replicas ?? 2}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${shape.image ?? 'supernetes.local/busybox:1'}
        ports: [{containerPort: 8080}]
        env:
${env}`;
}

const ssa = (name: string, shape?: Shape, ...flags: string[]) =>
  kubectl.run(['apply', '--server-side', '--validate=false', ...flags, '-f', '-'], manifest(name, shape));

interface Entry {
  manager?: string;
  operation: string;
  apiVersion: string;
  subresource?: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}

interface Deployment {
  metadata: { resourceVersion: string; labels?: Record<string, string>; managedFields?: Entry[] };
  spec: { replicas: number; template: { spec: { containers: { image: string; env?: { name: string; value: string }[] }[] } } };
}

async function getJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await kubectl.ok(['get', ...args, '-o', 'json', '--show-managed-fields'])) as T;
}

const versions = async (name: string): Promise<string> =>
  kubectl.ok(['get', `cm/${name}-config`, `deploy/${name}`, '-o', 'jsonpath={.items[*].metadata.resourceVersion}']);

beforeAll(async () => {
  plane = await startTestControlPlane();
  kubectl = new Kubectl(plane.kubeconfigPath);
});

afterAll(async () => {
  await plane?.stop();
});

describe('kubectl apply --server-side', () => {
  it('creates, then leaves an unchanged object alone: no write, same resourceVersion', async () => {
    const first = await ssa('shop');
    expect(first.stdout).toBe('configmap/shop-config serverside-applied\ndeployment.apps/shop serverside-applied\n');
    const before = await versions('shop');
    expect((await ssa('shop')).code).toBe(0);
    expect((await ssa('shop')).code).toBe(0);
    expect(await versions('shop')).toBe(before);
  });

  it('records what the applier set in upstream FieldsV1 form', async () => {
    await ssa('fields');
    const cm = await getJson<{ metadata: { managedFields: Entry[] } }>('cm', 'fields-config');
    expect(cm.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:greeting': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
      },
    ]);
    const deploy = await getJson<Deployment>('deploy', 'fields');
    const [entry] = deploy.metadata.managedFields ?? [];
    expect(entry?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:env': {
                  'k:{"name":"LEVEL"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                  'k:{"name":"MODE"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                },
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('updates a changed image and removes an env var dropped from the manifest', async () => {
    await ssa('roll');
    const before = await getJson<Deployment>('deploy', 'roll');
    expect((await ssa('roll', { image: 'supernetes.local/busybox:2' })).code).toBe(0);
    const updated = await getJson<Deployment>('deploy', 'roll');
    expect(updated.spec.template.spec.containers[0]?.image).toBe('supernetes.local/busybox:2');
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect((await ssa('roll', { image: 'supernetes.local/busybox:2', env: { MODE: 'fast' } })).code).toBe(0);
    const pruned = await getJson<Deployment>('deploy', 'roll');
    expect(pruned.spec.template.spec.containers[0]?.env).toEqual([{ name: 'MODE', value: 'fast' }]);
    // The defaults nobody applied stay.
    expect(pruned.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080, protocol: 'TCP' }] });
  });

  it('refuses to change a field another manager set (kubectl patch), until --force-conflicts', async () => {
    await ssa('owned');
    await kubectl.ok(['patch', 'deploy', 'owned', '--type=merge', '-p', '{"spec":{"replicas":4}}']);
    await kubectl.ok(['label', 'deploy', 'owned', 'tier=front']);
    const shown = await kubectl.ok(['get', 'deploy', 'owned', '-o', 'yaml', '--show-managed-fields']);
    expect(shown).toMatch(/manager: kubectl\n\s+operation: Apply/);
    expect(shown).toMatch(/manager: kubectl-patch\n\s+operation: Update/);
    expect(shown).toMatch(/manager: kubectl-label\n\s+operation: Update/);
    // The same value is no conflict: the applier co-owns it.
    expect((await ssa('owned', { replicas: 4 })).code).toBe(0);
    await kubectl.ok(['patch', 'deploy', 'owned', '--type=merge', '-p', '{"spec":{"replicas":5}}']);
    const refused = await ssa('owned', { replicas: 2 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas');
    expect(refused.stderr).toContain('--force-conflicts');
    expect((await getJson<Deployment>('deploy', 'owned')).spec.replicas).toBe(5);
    expect((await ssa('owned', { replicas: 2 }, '--force-conflicts')).code).toBe(0);
    const forced = await getJson<Deployment>('deploy', 'owned');
    expect(forced.spec.replicas).toBe(2);
    // kubectl-patch lost its only field; kubectl-label keeps its label, which the applier never set.
    expect(forced.metadata.managedFields?.map((e) => e.manager)).toEqual(['kubectl', 'kubectl-label']);
    expect(forced.metadata.labels).toEqual({ app: 'owned', tier: 'front' });
  });

  // Needs the scale subresource to record its writes (handlers/scale.ts: recordUpdate with
  // subresource "scale", see the server-side apply report); without it nobody but the applier
  // owns spec.replicas and the apply wins without a conflict.
  it('conflicts with kubectl scale on .spec.replicas; --force-conflicts wins', async () => {
    await ssa('scaled');
    await kubectl.ok(['scale', 'deploy', 'scaled', '--replicas=5']);
    const shown = await getJson<Deployment>('deploy', 'scaled');
    expect(shown.metadata.managedFields?.map((e) => [e.manager, e.operation, e.subresource])).toEqual([
      ['kubectl', 'Apply', undefined],
      ['kubectl', 'Update', 'scale'],
    ]);
    expect(shown.metadata.managedFields?.[1]?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const refused = await ssa('scaled', { replicas: 3 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    expect((await ssa('scaled', { replicas: 3 }, '--force-conflicts')).code).toBe(0);
    const forced = await getJson<Deployment>('deploy', 'scaled');
    expect(forced.spec.replicas).toBe(3);
    expect(forced.metadata.managedFields?.map((e) => e.manager)).toEqual(['kubectl']);
  });

  it('keeps a field another applier still applies when one applier drops it', async () => {
    const cm = (labels: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  labels: {${labels}}\n`;
    await kubectl.ok(['apply', '--server-side', '--validate=false', '--field-manager=alice', '-f', '-'], cm('team: a, shared: "yes"'));
    await kubectl.ok(['apply', '--server-side', '--validate=false', '--field-manager=bob', '-f', '-'], cm('shared: "yes"'));
    await kubectl.ok(['apply', '--server-side', '--validate=false', '--field-manager=alice', '-f', '-'], cm(''));
    expect(await kubectl.ok(['get', 'cm', 'shared', '-o', 'jsonpath={.metadata.labels}'])).toBe('{"shared":"yes"}');
  });
});

describe('apply patches over the API', () => {
  const path = '/api/v1/namespaces/default/configmaps/raw';
  const apply = (body: string, query = 'fieldManager=tester') =>
    plane.request({ method: 'PATCH', path: `${path}?${query}`, headers: { 'Content-Type': 'application/apply-patch+yaml' }, body });
  const config = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: raw}\ndata: {${data}}\n`;

  it('answers 201 for a create, 200 after, and a 409 Status with one cause per conflicting field', async () => {
    expect((await apply(config('a: "1", b: "2"'))).status).toBe(201);
    expect((await apply(config('a: "1", b: "2"'))).status).toBe(200);
    const merge = await plane.request({
      method: 'PATCH',
      path: `${path}?fieldManager=editor`,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"data":{"a":"x","b":"y"}}',
    });
    expect(merge.status).toBe(200);
    const refused = await apply(config('a: "1", b: "2"'));
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Apply failed with 2 conflicts: conflicts with "editor" using v1:\n- .data.a\n- .data.b',
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "editor" using v1', field: '.data.a' },
          { reason: 'FieldManagerConflict', message: 'conflict with "editor" using v1', field: '.data.b' },
        ],
      },
    });
    expect((await apply(config('a: "1", b: "2"'), 'fieldManager=tester&force=true')).status).toBe(200);
  });

  it.each([
    ['no fieldManager', config('a: "1"'), '', 422, 'fieldManager: Required value: is required for apply patch'],
    ['managedFields in the configuration', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: raw, managedFields: [{manager: x}]}\n', 'fieldManager=t', 400, 'metadata.managedFields must be nil'],
    ['another kind', 'apiVersion: v1\nkind: Secret\nmetadata: {name: raw}\n', 'fieldManager=t', 400, 'invalid object type: /v1, Kind=Secret'],
    ['a fieldManager of 200 bytes', config('a: "1"'), `fieldManager=${'x'.repeat(200)}`, 422, 'Too long: may not be more than 128 bytes'],
  ])('refuses %s', async (_, body, query, code, message) => {
    const response = await apply(body, query);
    expect(response.status).toBe(code);
    expect((response.json as { message: string }).message).toContain(message);
  });

  it('refuses force on a patch that is not an apply (422), and a list item without its key (400)', async () => {
    const forced = await plane.request({
      method: 'PATCH',
      path: `${path}?force=true`,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"data":{"a":"1"}}',
    });
    expect(forced.status).toBe(422);
    expect((forced.json as { message: string }).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    const keyless = await plane.request({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/default/deployments/keyless?fieldManager=t',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: keyless}\nspec:\n  template:\n    spec:\n      containers: [{image: x}]\n',
    });
    expect(keyless.status).toBe(400);
    expect((keyless.json as { message: string }).message).toBe(
      'failed to create typed patch object (/keyless; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });
});
