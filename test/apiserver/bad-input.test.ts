// Bad input over raw HTTPS (node:https with the admin client certificate): every malformed,
// oversized, mismatched or unauthenticated request gets a Kubernetes Status with upstream's code,
// every response has a Content-Type, and no bad request changes what is stored (the resourceVersion
// of every object of every resource is compared before and after). Where our server differs from
// upstream Kubernetes the test is `it.fails`, with the bug and where it lives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type RawRequest, type RawResponse, type TestControlPlane } from '../support/control-plane.js';

const NS = 'bad-input';
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;
const JSON_TYPE = { 'Content-Type': 'application/json' };

interface Status {
  kind?: string;
  apiVersion?: string;
  status?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; group?: string; causes?: { field?: string; reason?: string; message?: string }[] };
}

let cp: TestControlPlane;

/** Every request of this file goes through here: a response without a Content-Type fails the test. */
async function send(request: RawRequest): Promise<RawResponse> {
  const response = await cp.request(request);
  expect(response.headers['content-type'], `Content-Type of ${request.method ?? 'GET'} ${request.path} (${response.status})`).toBeTruthy();
  return response;
}

function json(method: string, path: string, body: unknown, headers: Record<string, string> = JSON_TYPE): RawRequest {
  return { method, path, body: typeof body === 'string' ? body : JSON.stringify(body), headers };
}

/** The response is a failure Status with this code (and reason, when given). */
function expectStatus(response: RawResponse, code: number, reason?: string): Status {
  expect(response.status, response.text.slice(0, 500)).toBe(code);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const status = response.json as Status;
  expect(status.kind).toBe('Status');
  expect(status.apiVersion).toBe('v1');
  expect(status.status).toBe('Failure');
  expect(status.code).toBe(code);
  expect(typeof status.message).toBe('string');
  if (reason !== undefined) expect(status.reason).toBe(reason);
  return status;
}

function listPaths(): string[] {
  return cp.current.registry.resources.map(({ descriptor: d }) =>
    d.group === '' ? `/api/${d.version}/${d.plural}` : `/apis/${d.group}/${d.version}/${d.plural}`,
  );
}

/** "resource/namespace/name" → resourceVersion for every object the API lists. */
async function storedState(): Promise<Record<string, string>> {
  const lists = await Promise.all(
    listPaths().map(async (path) => {
      const response = await send({ path });
      expect(response.status, `GET ${path}`).toBe(200);
      const list = response.json as { items: { metadata?: { namespace?: string; name?: string; resourceVersion?: string } }[] };
      return list.items.map((item) => [`${path}/${item.metadata?.namespace ?? ''}/${item.metadata?.name ?? ''}`, item.metadata?.resourceVersion ?? ''] as const);
    }),
  );
  return Object.fromEntries(lists.flat());
}

/** Runs a bad request and checks that nothing stored changed because of it. */
async function unchanged(request: RawRequest): Promise<RawResponse> {
  const before = await storedState();
  const response = await send(request);
  expect(await storedState(), `stored state after ${request.method ?? 'GET'} ${request.path}`).toEqual(before);
  return response;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'existing' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'existing' } },
    template: { metadata: { labels: { app: 'existing' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } },
  },
};

beforeAll(async () => {
  cp = await startTestControlPlane();
  const setup = [
    json('POST', '/api/v1/namespaces', { metadata: { name: NS } }),
    json('POST', CM_PATH, { metadata: { name: 'existing' }, data: { x: '1' } }),
    json('POST', `/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'existing' }, stringData: { x: '1' } }),
    json('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment),
  ];
  for (const request of setup) expect((await send(request)).status, `setup ${request.path}`).toBe(201);
});

afterAll(async () => {
  await cp?.stop();
});

async function existing(): Promise<{ metadata: { resourceVersion: string } } & Record<string, unknown>> {
  const response = await send({ path: `${CM_PATH}/existing` });
  expect(response.status).toBe(200);
  return response.json as { metadata: { resourceVersion: string } } & Record<string, unknown>;
}

describe('malformed and mismatched bodies are 400 BadRequest', () => {
  const cases: [string, () => RawRequest | Promise<RawRequest>][] = [
    ['malformed JSON on create', () => json('POST', CM_PATH, '{"metadata": {"name": "x"')],
    ['malformed JSON on update', () => json('PUT', `${CM_PATH}/existing`, '{"metadata": ')],
    ['a JSON array as the object', () => json('POST', CM_PATH, '[]')],
    ['a JSON string as the object', () => json('POST', CM_PATH, '"configmap"')],
    ['a JSON number as the object', () => json('POST', CM_PATH, '42')],
    ['JSON null as the object', () => json('POST', CM_PATH, 'null')],
    ['an empty body', () => json('POST', CM_PATH, '')],
    ['malformed YAML', () => json('POST', CM_PATH, 'metadata: [name: x\n  data: }', { 'Content-Type': 'application/yaml' })],
    ['YAML that is a scalar', () => json('POST', CM_PATH, 'just a string', { 'Content-Type': 'application/yaml' })],
    ['a kind that is not the URL\'s', () => json('POST', CM_PATH, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kind' } })],
    ['an apiVersion that is not the URL\'s', () => json('POST', CM_PATH, { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'version' } })],
    ['a core apiVersion on an apps URL', () => json('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, { ...deployment, apiVersion: 'v1', metadata: { name: 'd2' } })],
    ['a kind mismatch on update', async () => json('PUT', `${CM_PATH}/existing`, { ...(await existing()), kind: 'Secret' })],
    ['a namespace in the body that is not the URL\'s', () => json('POST', CM_PATH, { metadata: { name: 'ns', namespace: 'default' } })],
    ['a namespace mismatch on update', async () => json('PUT', `${CM_PATH}/existing`, { ...(await existing()), metadata: { ...(await existing()).metadata, namespace: 'default' } })],
    ['a name in the body that is not the URL\'s on update', async () => json('PUT', `${CM_PATH}/existing`, { ...(await existing()), metadata: { ...(await existing()).metadata, name: 'other' } })],
    ['a resourceVersion on create', () => json('POST', CM_PATH, { metadata: { name: 'rv', resourceVersion: '5' } })],
    ['malformed DeleteOptions', () => json('DELETE', `${CM_PATH}/existing`, '{"propagationPolicy": ')],
  ];
  it.each(cases)('%s', async (_, build) => {
    expectStatus(await unchanged(await build()), 400, 'BadRequest');
  });

  // Upstream's decoder answers 400 ("json: cannot unmarshal number into Go struct field
  // ObjectMeta.metadata.name of type string") for a field of the wrong JSON type; nothing is stored.
  it.each([
    ['metadata.name a number', { metadata: { name: 42 } }],
    ['metadata.labels a string', { metadata: { name: 'labels-string', labels: 'x' } }],
    ['metadata.annotations a string', { metadata: { name: 'annotations-string', annotations: 'x' } }],
    ['data a string', { metadata: { name: 'data-string' }, data: 'not a map' }],
  ])('a field of the wrong JSON type is 400 and not stored: %s', async (_, body) => {
    expectStatus(await unchanged(json('POST', CM_PATH, body)), 400, 'BadRequest');
  });

  // Wrong types deep in a spec must not reach the defaulting code (which would crash on them: 500).
  it.each([
    ['a deployment template that is a number', `/apis/apps/v1/namespaces/${NS}/deployments`, { ...deployment, metadata: { name: 'typed-1' }, spec: { ...deployment.spec, template: 5 } }],
    ['a probe that is a string', `/apis/apps/v1/namespaces/${NS}/deployments`, {
      ...deployment,
      metadata: { name: 'typed-2' },
      spec: { ...deployment.spec, template: { ...deployment.spec.template, spec: { containers: [{ name: 'app', image: 'busybox', livenessProbe: 'x' }] } } },
    }],
    ['a cronjob jobTemplate that is a string', `/apis/batch/v1/namespaces/${NS}/cronjobs`, { metadata: { name: 'typed-3' }, spec: { schedule: '* * * * *', jobTemplate: 'x' } }],
    ['secret stringData with a number', `/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'typed-4' }, stringData: { a: 5 } }],
    ['a namespace spec that is a string', '/api/v1/namespaces', { metadata: { name: 'typed-5' }, spec: 'x' }],
  ])('a field of the wrong JSON type is 400, never 500: %s', async (_, path, body) => {
    expectStatus(await unchanged(json('POST', path, body)), 400, 'BadRequest');
  });
});

describe('JSON null is "not set", as Go\'s decoder reads it', () => {
  // BUG: null reaches defaulting and validation as is. A secret with "stringData": null is a 500
  // (secrets' defaults call Object.entries(null)); a label {"a": null} is stored as null, which
  // typed clients cannot read. Upstream decodes null to the zero value: no stringData at all, the
  // label "a" with value "". Fix: the schema walk (src/apiserver/openapi/schema-walk.ts) that
  // checks JSON types before defaulting should also replace each null by the zero value of its
  // schema type (delete the field for objects, arrays and pointers; "" / 0 / false inside maps).
  it('a secret with stringData null is created without stringData', async () => {
    const response = await send(json('POST', `/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'null-string-data' }, stringData: null }));
    expect(response.status, response.text).toBe(201);
    expect((response.json as { stringData?: unknown }).stringData).toBeUndefined();
  });

  it('a label whose value is null is stored as an empty string', async () => {
    const response = await send(json('POST', CM_PATH, { metadata: { name: 'null-label', labels: { a: null } } }));
    expect(response.status, response.text).toBe(201);
    expect((response.json as { metadata?: { labels?: unknown } }).metadata?.labels).toEqual({ a: '' });
  });
});

describe('invalid objects are 422 Invalid with causes', () => {
  it.each([
    ['upper case', 'Upper'],
    ['too long (254)', 'a'.repeat(254)],
    ['an underscore', 'under_score'],
    ['a leading dash', '-lead'],
    ['a trailing dash', 'trail-'],
    ['dot-dot', '..'],
  ])('a configmap name with %s', async (_, name) => {
    const status = expectStatus(await unchanged(json('POST', CM_PATH, { metadata: { name } })), 422, 'Invalid');
    expect(status.details?.kind).toBe('ConfigMap');
    expect(status.details?.name).toBe(name);
    expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
    expect(status.message).toContain(`ConfigMap "${name}" is invalid`);
  });

  it('a missing name is 422 Required', async () => {
    const status = expectStatus(await unchanged(json('POST', CM_PATH, { metadata: { labels: { a: 'b' } } })), 422, 'Invalid');
    expect(status.details?.causes).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueRequired' })]));
  });

  it.each([
    ['a dot', 'a.b'],
    ['64 characters', 'n'.repeat(64)],
  ])('a namespace name with %s (namespaces are DNS labels)', async (_, name) => {
    const status = expectStatus(await unchanged(json('POST', '/api/v1/namespaces', { metadata: { name } })), 422, 'Invalid');
    expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
  });

  it('a service name that starts with a digit (services are DNS-1035 labels)', async () => {
    const status = expectStatus(
      await unchanged(json('POST', `/api/v1/namespaces/${NS}/services`, { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } })),
      422,
      'Invalid',
    );
    expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
  });

  it('an invalid label key', async () => {
    const status = expectStatus(await unchanged(json('POST', CM_PATH, { metadata: { name: 'label', labels: { 'bad key!': 'v' } } })), 422, 'Invalid');
    expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.labels');
  });

  // BUG: configmap keys are not validated. Upstream (ValidateConfigMap): each key of data and
  // binaryData must be a valid config key ('-', '_', '.' and alphanumerics), and the total size
  // at most 1 MiB: `data[bad/key]: Invalid value: "bad/key": a valid config key must consist of
  // alphanumeric characters, '-', '_' or '.'`. Fix: a validate() in the configmaps strategy
  // (registry/resources/core.ts).
  it('a configmap key with a slash', async () => {
    const status = expectStatus(await unchanged(json('POST', CM_PATH, { metadata: { name: 'key' }, data: { 'bad/key': 'v' } })), 422, 'Invalid');
    expect(status.details?.causes?.map((c) => c.field)).toContain('data[bad/key]');
  });

  // BUG: a configmap over 1 MiB is accepted up to the store's 1.5 MiB limit, and beyond it the
  // store's "etcdserver: request is too large" comes back as 500 InternalError. Upstream:
  // 422 `Too long: must have at most 1048576 bytes` from ValidateConfigMap. (For objects without
  // such a check upstream maps etcd's request-too-large to 413; ResourceStore.create/update should
  // too, in storage/resource-store.ts.)
  it('a configmap with 2 MiB of data', async () => {
    const status = expectStatus(await unchanged(json('POST', CM_PATH, { metadata: { name: 'huge' }, data: { a: 'x'.repeat(2 * 1024 * 1024) } })), 422, 'Invalid');
    expect(status.message).toContain('must have at most 1048576 bytes');
  });
});

describe('size limits', () => {
  const oversized = (): string => JSON.stringify({ metadata: { name: 'oversized' }, data: { a: 'x'.repeat(3 * 1024 * 1024) } });

  it('a body over 3 MiB with a Content-Length is 413', async () => {
    expectStatus(await unchanged(json('POST', CM_PATH, oversized())), 413, 'RequestEntityTooLarge');
  });

  it('a chunked body over 3 MiB is 413', async () => {
    expectStatus(await unchanged({ ...json('POST', CM_PATH, oversized()), chunked: true }), 413, 'RequestEntityTooLarge');
  });

  it('an oversized patch is 413', async () => {
    const patch = JSON.stringify({ data: { a: 'x'.repeat(3 * 1024 * 1024) } });
    expectStatus(await unchanged(json('PATCH', `${CM_PATH}/existing`, patch, { 'Content-Type': 'application/merge-patch+json' })), 413, 'RequestEntityTooLarge');
  });
});

describe('broken patches', () => {
  const patch = (type: string, body: string): RawRequest => json('PATCH', `${CM_PATH}/existing`, body, { 'Content-Type': type });
  const JSON_PATCH = 'application/json-patch+json';
  const MERGE = 'application/merge-patch+json';
  const SMP = 'application/strategic-merge-patch+json';

  it.each([
    ['an unknown JSON patch op', 422, JSON_PATCH, '[{"op": "frobnicate", "path": "/data/x", "value": "1"}]'],
    ['a JSON patch test that fails', 422, JSON_PATCH, '[{"op": "test", "path": "/data/x", "value": "not-1"}, {"op": "replace", "path": "/data/x", "value": "2"}]'],
    ['a JSON patch removing a missing path', 422, JSON_PATCH, '[{"op": "remove", "path": "/data/nope"}]'],
    ['a JSON patch that is not an array', 400, JSON_PATCH, '{"op": "add", "path": "/data/y", "value": "1"}'],
    ['malformed JSON in a JSON patch', 400, JSON_PATCH, '[{"op": "add",'],
    ['malformed JSON in a merge patch', 400, MERGE, '{"data": '],
    ['a merge patch that is a string', 400, MERGE, '"data"'],
    ['a merge patch that is null', 400, MERGE, 'null'],
    ['malformed JSON in a strategic merge patch', 400, SMP, '{"data": '],
    ['a strategic merge patch that is an array', 400, SMP, '[1, 2]'],
  ])('%s is %i', async (_, code, type, body) => {
    expectStatus(await unchanged(patch(type, body)), code);
  });

  it('a merge patch that is an array is 400 or 422 (upstream: 422 from decoding the result)', async () => {
    const response = await unchanged(patch(MERGE, '[{"data": {"x": "2"}}]'));
    expect([400, 422]).toContain(response.status);
    expectStatus(response, response.status);
  });

  it.each([
    ['an unknown patch type', 'application/x-unknown-patch+json'],
    ['text/plain', 'text/plain'],
    ['application/json (not a patch type)', 'application/json'],
    ['a strategic merge patch in XML', 'application/strategic-merge-patch+xml'],
  ])('%s is 415 UnsupportedMediaType', async (_, type) => {
    expectStatus(await unchanged(patch(type, '{"data": {"x": "2"}}')), 415, 'UnsupportedMediaType');
  });

  it('a patch of a missing object is 404', async () => {
    expectStatus(await unchanged(json('PATCH', `${CM_PATH}/missing`, '{"data": {}}', { 'Content-Type': MERGE })), 404, 'NotFound');
  });

  // Upstream: ValidatePatchOptions → NewInvalid(PatchOptions.meta.k8s.io), a 422.
  it('an apply patch without fieldManager is 422', async () => {
    const status = expectStatus(await unchanged(patch('application/apply-patch+yaml', 'data:\n  x: "2"\n')), 422, 'Invalid');
    expect(status.message).toContain('fieldManager: Required value');
  });

  // Upstream decodes the patched document into the resource's own type: what is stored and
  // served is always a ConfigMap (the patch is refused, or its kind ignored).
  it('a merge patch cannot turn a configmap into another kind', async () => {
    const response = await send(patch(MERGE, '{"kind": "Secret", "apiVersion": "apps/v1"}'));
    expect(response.status).toBeLessThan(500);
    const after = await existing();
    expect(after.kind).toBe('ConfigMap');
    expect(after['apiVersion']).toBe('v1');
  });
});

describe('410 Gone for history the server no longer has', () => {
  it('a watch from a resourceVersion older than the watch cache window is 410 (ERROR event or HTTP 410)', async () => {
    // The watch cache's window starts where it last listed the store; after a restart that is the
    // store's revision at restart, so resourceVersion 1 is too old for it.
    await send(json('POST', CM_PATH, { metadata: { name: 'before-restart' } }));
    await cp.restart();
    const response = await send({ path: `${CM_PATH}?watch=true&resourceVersion=1&timeoutSeconds=5` });
    let status: Status;
    if (response.status === 200) {
      const events = response.text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { type: string; object: Status });
      expect(events.map((e) => e.type)).toEqual(['ERROR']);
      status = events[0]?.object ?? {};
    } else {
      expect(response.status).toBe(410);
      status = response.json as Status;
    }
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', code: 410, reason: 'Expired' });
    expect(status.message).toContain('too old resource version');
  });

  it('a paginated list at a compacted resourceVersion, and a continue token whose snapshot was compacted, are 410 Expired', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await send(json('POST', CM_PATH, { metadata: { name } }));
    const first = await send({ path: `${CM_PATH}?limit=1` });
    expect(first.status).toBe(200);
    const page = first.json as { metadata: { resourceVersion: string; continue?: string } };
    expect(page.metadata.continue).toBeTruthy();
    await send(json('POST', CM_PATH, { metadata: { name: 'page-d' } }));
    const head = (await cp.current.backend.status()).revision;
    await cp.current.backend.compact(head);

    const old = await unchanged({ path: `${CM_PATH}?limit=1&resourceVersion=${page.metadata.resourceVersion}` });
    expectStatus(old, 410, 'Expired');
    const continued = await unchanged({ path: `${CM_PATH}?limit=1&continue=${encodeURIComponent(page.metadata.continue ?? '')}` });
    expectStatus(continued, 410, 'Expired');
  });
});

describe('authentication', () => {
  it.each(['/api', '/apis', '/api/v1', '/api/v1/namespaces', CM_PATH, `/apis/apps/v1/namespaces/${NS}/deployments`, '/metrics', '/openapi/v2', '/nonexistent'])(
    'GET %s without credentials is 401',
    async (path) => {
      expectStatus(await unchanged({ path, authenticate: false }), 401, 'Unauthorized');
    },
  );

  it('a create without credentials is 401 and creates nothing', async () => {
    expectStatus(await unchanged({ ...json('POST', CM_PATH, { metadata: { name: 'anonymous' } }), authenticate: false }), 401, 'Unauthorized');
  });

  it('an unknown bearer token is 401, even on public paths', async () => {
    for (const path of [CM_PATH, '/healthz']) {
      expectStatus(await unchanged({ path, authenticate: false, headers: { Authorization: 'Bearer not-a-token' } }), 401, 'Unauthorized');
    }
  });

  it.each(['/healthz', '/livez', '/readyz', '/version'])('GET %s without credentials is 200', async (path) => {
    const response = await send({ path, authenticate: false });
    expect(response.status).toBe(200);
    if (path === '/version') {
      const version = response.json as { major?: unknown; minor?: unknown; gitVersion?: unknown };
      expect([typeof version.major, typeof version.minor, typeof version.gitVersion]).toEqual(['string', 'string', 'string']);
    } else {
      expect(response.text).toBe('ok');
    }
  });
});

describe('unknown paths and methods', () => {
  it.each([
    '/api/v1/foos',
    `/api/v1/namespaces/${NS}/foos`,
    `/api/v1/namespaces/${NS}/foos/x`,
    '/api/v2/namespaces',
    '/apis/apps/v2/deployments',
    '/apis/example.com/v1/things',
    '/apis/example.com',
    `/api/v1/namespaces/${NS}/configmaps/existing/status`,
    `/api/v1/namespaces/${NS}/configmaps/existing/bogus`,
    `/apis/apps/v1/namespaces/${NS}/deployments/existing/bogus`,
    `/api/v1/namespaces/${NS}/configmaps/missing`,
    '/nonsense',
  ])('GET %s is 404 with a Status', async (path) => {
    expectStatus(await unchanged({ path }), 404, 'NotFound');
  });

  it('a write to an unknown resource is 404 and writes nothing', async () => {
    expectStatus(await unchanged(json('POST', `/api/v1/namespaces/${NS}/foos`, { metadata: { name: 'x' } })), 404, 'NotFound');
  });

  it.each([
    ['OPTIONS on a collection', { method: 'OPTIONS', path: CM_PATH }],
    ['POST to /api', json('POST', '/api', {})],
  ])('%s is 405 MethodNotAllowed', async (_, request) => {
    expectStatus(await unchanged(request), 405, 'MethodNotAllowed');
  });

  // BUG: PUT and PATCH on a collection reach the update and patch handlers with no name: PUT
  // answers 400 "the name of the object (x) does not match the name on the URL ()", PATCH 404
  // configmaps "". Upstream has no PUT or PATCH route on a collection: 405. Fix: routeResource
  // (handlers/router.ts): update and patch without info.name → methodNotAllowed().
  it.each([
    ['PUT', json('PUT', CM_PATH, { metadata: { name: 'x' } })],
    ['PATCH', json('PATCH', CM_PATH, '{}', { 'Content-Type': 'application/merge-patch+json' })],
  ])('%s on a collection is 405 MethodNotAllowed', async (_, request) => {
    expectStatus(await unchanged(request), 405, 'MethodNotAllowed');
  });

  // BUG: /version answers every method (api-server.ts serves it before the method check);
  // upstream's /version is GET only: POST is 405.
  it('POST to /version is 405 MethodNotAllowed', async () => {
    expectStatus(await unchanged(json('POST', '/version', {})), 405, 'MethodNotAllowed');
  });

  // BUG: POST to an object's URL creates an object named by the body (the name in the URL is
  // ignored). Upstream serves POST only on collections: 405 MethodNotAllowed. Fix: routeResource
  // (handlers/router.ts) must answer 405 for create when info.name is set (except subresources
  // that are created, like pods/binding and pods/eviction).
  it('POST to an object URL is 405 and creates nothing', async () => {
    expectStatus(await unchanged(json('POST', `${CM_PATH}/named-in-url`, { metadata: { name: 'named-in-body' } })), 405, 'MethodNotAllowed');
  });

  // BUG: path segments are not percent-decoded: GET .../configmaps/my%2Dcm looks for an object
  // literally named "my%2Dcm" (and /namespaces/def%61ult/... for a namespace "def%61ult"). Upstream
  // (Go's URL.Path) decodes them: it is the same request as .../configmaps/my-cm. Fix: decode each
  // segment in parseRequestInfo (http/request-info.ts) after splitting the raw path on "/" (a
  // malformed escape is a 400), so "%2F" inside a name can never become a separator.
  it('percent-encoded path segments are decoded', async () => {
    await send(json('POST', CM_PATH, { metadata: { name: 'encoded-name' } }));
    for (const path of [`${CM_PATH}/encoded%2Dname`, `/api/v1/namespaces/bad%2Dinput/configmaps/encoded-name`]) {
      const response = await send({ path });
      expect(response.status, path).toBe(200);
      expect((response.json as { metadata?: { name?: string } }).metadata?.name).toBe('encoded-name');
    }
  });

  // BUG: the path is parsed with WHATWG URL, which resolves "%2e%2e" (and ".", "%2e") as dot
  // segments: DELETE .../configmaps/%2e%2e deletes the NAMESPACE, and GET .../configmaps/. lists.
  // Upstream never resolves dot segments in an API path: the name "." or ".." is refused
  // (path segment names may not be "." or ".."), and nothing else is addressed. Fix: in
  // ApiServer.handle (http/api-server.ts) split the raw request.url (before URL normalisation)
  // and refuse "."/".." segments (raw or percent-encoded) with 400 (or 404).
  it('"." and ".." names (even percent-encoded) never address another object', async () => {
    await send(json('POST', '/api/v1/namespaces', { metadata: { name: 'dot-victim' } }));
    for (const name of ['%2e%2e', '%2E%2E', '.', '%2e']) {
      const get = await send({ path: `/api/v1/namespaces/dot-victim/configmaps/${name}` });
      expect([400, 404], `GET configmaps/${name}`).toContain(get.status);
    }
    const deleted = await send({ method: 'DELETE', path: '/api/v1/namespaces/dot-victim/configmaps/%2e%2e' });
    expect([400, 404]).toContain(deleted.status);
    expect((await send({ path: '/api/v1/namespaces/dot-victim' })).status).toBe(200);
  });
});

describe('bad query parameters', () => {
  it.each([
    ['limit=-1', `${CM_PATH}?limit=-1`],
    ['limit=abc', `${CM_PATH}?limit=abc`],
    ['a garbage continue token', `${CM_PATH}?limit=1&continue=garbage`],
    ['a continue token of another format', `${CM_PATH}?limit=1&continue=${Buffer.from('{"v":"x"}').toString('base64')}`],
    ['an unparsable labelSelector', `${CM_PATH}?labelSelector=${encodeURIComponent('a in (b')}`],
    ['a labelSelector with a bad key', `${CM_PATH}?labelSelector=${encodeURIComponent('bad key!=x')}`],
    ['an unparsable fieldSelector', `${CM_PATH}?fieldSelector=metadata.name`],
    ['an unsupported fieldSelector field', `${CM_PATH}?fieldSelector=data.x%3D1`],
    ['watch with timeoutSeconds=abc', `${CM_PATH}?watch=true&timeoutSeconds=abc`],
    ['watch with resourceVersion=abc', `${CM_PATH}?watch=true&resourceVersion=abc`],
    ['propagationPolicy=Bogus on a collection delete', `${CM_PATH}?propagationPolicy=Bogus`],
  ])('%s is 400', async (what, path) => {
    const method = what.includes('delete') ? 'DELETE' : 'GET';
    const response = await unchanged({ method, path });
    // Upstream reports invalid DeleteOptions as 422 Invalid; either refuses the request.
    if (what.includes('delete')) expect([400, 422]).toContain(response.status);
    else expectStatus(response, 400, 'BadRequest');
  });

  // BUG: limit=99999999999999999999 passes parseLimit (handlers/read.ts: Number.isInteger(1e20)
  // is true) and reaches SQLite as a float: 500 "datatype mismatch". Upstream parses limit as an
  // int64: 400. Fix: `!Number.isSafeInteger(limit)` → 400 in parseLimit (or clamp it).
  it('an absurd limit is served or refused, never 500', async () => {
    const response = await unchanged({ path: `${CM_PATH}?limit=99999999999999999999` });
    expect([200, 400]).toContain(response.status);
  });

  // BUG: a list with ?resourceVersion=abc (no limit) never answers: ResourceStore.list calls
  // catchUp(Number('abc')) and WatchCache.waitFor(NaN) waits forever; the request holds an
  // in-flight slot for good. With a limit it answers 200 (Number('abc') is NaN, read as "now").
  // Upstream: 400 BadRequest (resourceVersion: Invalid value: "abc"). Fix: parse resourceVersion
  // once in listHandler (handlers/read.ts) like parseStart in watch.ts: a non-negative integer or 400.
  it('a list with resourceVersion=abc is 400 (at once)', async () => {
    expectStatus(await unchanged({ path: `${CM_PATH}?resourceVersion=abc`, timeoutMs: 5000 }), 400, 'BadRequest');
    expectStatus(await unchanged({ path: `${CM_PATH}?resourceVersion=abc&limit=2`, timeoutMs: 5000 }), 400, 'BadRequest');
  });

  // BUG: a list at a resourceVersion from the future never answers without a limit (waitFor an
  // unreachable revision), and with a limit (or a continue token naming a future revision) is
  // 500 "etcdserver: mvcc: required revision is a future revision". Upstream waits up to 3 s for
  // the cache, then 504 Timeout "Too large resource version" (cause ResourceVersionTooLarge,
  // retryAfterSeconds 1). Fix: bound catchUp() in ResourceStore.list (storage/resource-store.ts)
  // with a 3 s deadline that throws that 504, and map the store's future-revision error to it.
  it('a list at a resourceVersion from the future is 504 Timeout "Too large resource version"', async () => {
    for (const path of [`${CM_PATH}?resourceVersion=999999`, `${CM_PATH}?resourceVersion=999999&limit=2`]) {
      const status = expectStatus(await unchanged({ path, timeoutMs: 8000 }), 504, 'Timeout');
      expect(status.message).toContain('Too large resource version');
    }
  });

  // BUG: an unrecognised dryRun value is ignored and the object is created for real. Upstream
  // refuses the request (422 Invalid: CreateOptions.meta.k8s.io "" is invalid: dryRun:
  // Unsupported value: "Bogus": supported values: "All") and processes nothing. Fix: isDryRun
  // (handlers/context.ts) should validate every dryRun value and throw that 422.
  it('dryRun=Bogus is refused and creates nothing', async () => {
    const status = expectStatus(await unchanged(json('POST', `${CM_PATH}?dryRun=Bogus`, { metadata: { name: 'dry-bogus' } })), 422, 'Invalid');
    expect(status.message).toContain('dryRun');
  });
});

describe('namespace lifecycle guards (a control plane of their own: our server breaks them)', () => {
  let own: TestControlPlane;
  beforeAll(async () => {
    own = await startTestControlPlane();
  });
  afterAll(async () => {
    await own?.stop();
  });

  // BUG: default, kube-system and kube-public can be deleted (and with them the namespace every
  // client defaults to). Upstream's NamespaceLifecycle admission refuses: 403 Forbidden
  // `namespaces "default" is forbidden: this namespace may not be deleted`. Fix: a check in
  // deleteHandler (handlers/delete.ts) or a namespaces strategy hook before delete.
  it.each(['default', 'kube-system', 'kube-public'])('DELETE namespace %s is 403 Forbidden', async (name) => {
    const response = await own.request({ method: 'DELETE', path: `/api/v1/namespaces/${name}` });
    expect(response.status).toBe(403);
    expect((await own.request({ path: `/api/v1/namespaces/${name}` })).status).toBe(200);
  });

  // BUG: DELETE /api/v1/namespaces deletes every namespace. Upstream's namespace storage has no
  // DeleteCollection: 405 MethodNotAllowed. Fix: a `verbs` list on the namespaces descriptor
  // without deletecollection (registry/resources/core.ts), enforced in routeResource.
  it('DELETE on the namespaces collection is 405', async () => {
    const response = await own.request({ method: 'DELETE', path: '/api/v1/namespaces' });
    expect(response.status).toBe(405);
    const left = (await own.request({ path: '/api/v1/namespaces' })).json as { items: unknown[] };
    expect(left.items.length).toBeGreaterThanOrEqual(4);
  });
});
