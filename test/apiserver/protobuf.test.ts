// Kubernetes protobuf request bodies (what client-go's typed clients, and so kubectl create, send)
// decode to exactly the JSON form of the same object.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf, ProtobufDecodeError } from '../../src/apiserver/protobuf/decode.js';
import { kubernetesProtobufSchema } from '../../src/apiserver/protobuf/schema.js';
import { goDuration } from '../../src/apiserver/protobuf/to-json.js';

const schema = kubernetesProtobufSchema();
const MAGIC = Buffer.from('k8s\0', 'latin1');

/** Encodes `object` (protobufjs's object form of the message) as a body the way client-go does. */
function body(apiVersion: string, kind: string, object: Record<string, unknown>, envelope: Record<string, unknown> = {}): Buffer {
  const type = schema.typeFor(apiVersion, kind);
  if (type === undefined) throw new Error(`no type for ${apiVersion}/${kind}`);
  const raw = type.encode(type.fromObject(object)).finish();
  const unknown = schema.unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '', ...envelope });
  return Buffer.concat([MAGIC, schema.unknown.encode(unknown).finish()]);
}

function decodeError(input: Buffer): ProtobufDecodeError {
  try {
    decodeKubernetesProtobuf(input);
  } catch (error) {
    if (error instanceof ProtobufDecodeError) return error;
    throw error;
  }
  throw new Error('expected a ProtobufDecodeError');
}

// gogo writes every non-pointer field, set or not: the metadata of a fresh object looks like this.
const emptyMeta = (name: string): Record<string, unknown> => ({
  name,
  generateName: '',
  namespace: '',
  selfLink: '',
  uid: '',
  resourceVersion: '',
  generation: 0,
  creationTimestamp: {},
});

describe('schema', () => {
  it('resolves every type, and every (inline) field is a message', () => {
    expect(schema.kinds.length).toBeGreaterThan(20);
    for (const type of allTypes(schema.root)) {
      for (const field of type.fieldsArray) {
        if (field.options?.['(inline)'] === true) expect(field.resolvedType).toBeInstanceOf(protobuf.Type);
      }
    }
  });

  it('maps the option kinds in any group version to meta/v1', () => {
    expect(schema.typeFor('policy/v1', 'DeleteOptions')?.fullName).toBe('.k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    expect(schema.typeFor('v1', 'Frobnicator')).toBeUndefined();
  });
});

describe('decodeKubernetesProtobuf', () => {
  it('decodes a ConfigMap: zero scalars dropped, pointers kept, bytes as base64, zero time as null', () => {
    const decoded = decodeKubernetesProtobuf(
      body('v1', 'ConfigMap', {
        metadata: { ...emptyMeta('c1'), namespace: 'ns', labels: { app: 'x' } },
        immutable: false,
        data: { a: 'b', empty: '' },
        binaryData: { bin: Buffer.from([0, 1, 2, 255]) },
      }),
    );
    expect(decoded).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c1', namespace: 'ns', creationTimestamp: null, labels: { app: 'x' } },
      immutable: false,
      data: { a: 'b', empty: '' },
      binaryData: { bin: 'AAEC/w==' },
    });
  });

  it('decodes Secret data to base64 strings', () => {
    const decoded = decodeKubernetesProtobuf(
      body('v1', 'Secret', { metadata: emptyMeta('s'), data: { k: Buffer.from('v') }, type: 'Opaque' }),
    );
    expect(decoded).toEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      data: { k: 'dg==' },
      type: 'Opaque',
    });
  });

  it('decodes a Deployment: replicas 0 kept, IntOrString as number or string, empty structs as {}', () => {
    const decoded = decodeKubernetesProtobuf(
      body('apps/v1', 'Deployment', {
        metadata: { ...emptyMeta('d'), generation: 2 ** 40 },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'd' } },
          template: {
            metadata: { ...emptyMeta(''), labels: { app: 'd' } },
            spec: { containers: [{ name: 'c', image: 'x', resources: {} }], restartPolicy: '', hostNetwork: false },
          },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 0, intVal: 0, strVal: '' }, maxSurge: { type: 1, intVal: 0, strVal: '25%' } } },
          minReadySeconds: 0,
          paused: false,
        },
        status: {},
      }),
    );
    expect(decoded).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd', generation: 2 ** 40, creationTimestamp: null },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'd' } },
          spec: { containers: [{ name: 'c', image: 'x', resources: {} }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      },
      status: {},
    });
  });

  it('decodes a Pod: inline structs merge, quantities are strings, times are RFC 3339', () => {
    const decoded = decodeKubernetesProtobuf(
      body('v1', 'Pod', {
        metadata: { ...emptyMeta('p'), creationTimestamp: { seconds: 1704067200, nanos: 0 } },
        spec: {
          volumes: [{ name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'c1' }, defaultMode: 420 } } }],
          containers: [
            {
              name: 'c',
              image: 'x',
              env: [{ name: 'TOKEN', value: '', valueFrom: { secretKeyRef: { localObjectReference: { name: 's' }, key: 'k' } } }],
              resources: { limits: { cpu: { string: '500m' }, memory: { string: '64Mi' } } },
              livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' } } }, periodSeconds: 5 },
              securityContext: { runAsUser: 0 },
            },
          ],
          terminationGracePeriodSeconds: 0,
          hostNetwork: false,
        },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastProbeTime: {}, lastTransitionTime: { seconds: 1704067230, nanos: 5 } }],
          containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', started: false }],
        },
      }),
    );
    expect(decoded).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: {
        volumes: [{ name: 'cfg', configMap: { name: 'c1', defaultMode: 420 } }],
        containers: [
          {
            name: 'c',
            image: 'x',
            env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
            resources: { limits: { cpu: '500m', memory: '64Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            securityContext: { runAsUser: 0 },
          },
        ],
        terminationGracePeriodSeconds: 0,
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:30Z' }],
        containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', started: false }],
      },
    });
  });

  it('prints MicroTime with microseconds and a zero MicroTime as null', () => {
    const lease = decodeKubernetesProtobuf(
      body('coordination.k8s.io/v1', 'Lease', {
        metadata: emptyMeta('node-1'),
        spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: { seconds: 1704067200, nanos: 123456789 } },
      }),
    );
    expect(lease).toMatchObject({ spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:00.123456Z' } });
    const event = decodeKubernetesProtobuf(
      body('v1', 'Event', { metadata: emptyMeta('e'), involvedObject: { kind: 'Pod', name: 'p' }, eventTime: {}, reportingComponent: '', reportingInstance: '' }),
    );
    expect(event).toEqual({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'e', creationTimestamp: null },
      involvedObject: { kind: 'Pod', name: 'p' },
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    });
  });

  it('decodes an Eviction with its DeleteOptions, keeping a zero grace period', () => {
    const decoded = decodeKubernetesProtobuf(
      body('policy/v1', 'Eviction', { metadata: { ...emptyMeta('p'), namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0, dryRun: [] } }),
    );
    expect(decoded).toEqual({
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'p', namespace: 'default', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0 },
    });
  });

  it('decodes managedFields, whose fieldsV1 holds JSON', () => {
    const fields = { 'f:data': { 'f:a': {} } };
    const decoded = decodeKubernetesProtobuf(
      body('v1', 'ConfigMap', {
        metadata: { ...emptyMeta('c'), managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: { seconds: 0 }, fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from(JSON.stringify(fields)) } }] },
      }),
    );
    expect(decoded).toMatchObject({
      metadata: { managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '1970-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: fields }] },
    });
  });

  it('rejects what is not a Kubernetes protobuf body, with a stable code', () => {
    expect(decodeError(Buffer.from('{"kind":"ConfigMap"}')).code).toBe('Malformed');
    expect(decodeError(Buffer.from('k8s')).code).toBe('Malformed');
    const good = body('v1', 'ConfigMap', { metadata: emptyMeta('c1'), data: { a: 'b' } });
    expect(decodeError(good.subarray(0, good.length - 3)).code).toBe('Malformed');
    expect(decodeError(body('v1', 'ConfigMap', { metadata: emptyMeta('c') }, { typeMeta: { apiVersion: 'v1', kind: '' } })).message).toMatch(/no kind/);
    const unknownKind = decodeError(body('v1', 'ConfigMap', {}, { typeMeta: { apiVersion: 'example.com/v1', kind: 'Widget' } }));
    expect(unknownKind.code).toBe('UnknownKind');
    expect(unknownKind.message).toContain('Widget');
    expect(decodeError(body('v1', 'ConfigMap', {}, { contentEncoding: 'gzip' })).code).toBe('UnsupportedEncoding');
    expect(decodeError(body('apps/v1', 'Deployment', { spec: { strategy: { rollingUpdate: { maxSurge: { type: 7 } } } } })).code).toBe('Malformed');
  });
});

describe('goDuration', () => {
  it('prints like Go time.Duration.String()', () => {
    expect(goDuration(0n)).toBe('0s');
    expect(goDuration(1500n)).toBe('1.5µs');
    expect(goDuration(300_000_000n)).toBe('300ms');
    expect(goDuration(3_600_000_000_000n)).toBe('1h0m0s');
    expect(goDuration(3_723_500_000_000n)).toBe('1h2m3.5s');
    expect(goDuration(-90_000_000_000n)).toBe('-1m30s');
  });
});

// The real wire format: what kubectl 1.33 sends, decoded, equals kubectl's own JSON rendering of
// the same object (--dry-run=client -o json prints it with Go's encoding/json).
// Only kubectl 1.33+ sends protobuf bodies, so this needs that version (Google Cloud SDK's
// kubectl.1.33, or a kubectl on the PATH); with none at all it fails rather than skipping.
const KUBECTL = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.33', '/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((path) => existsSync(path));

describe('bodies sent by kubectl', () => {
  it('has a kubectl to run', () => {
    expect(KUBECTL, 'kubectl is missing: run scripts/install-test-deps.sh').toBeDefined();
  });

  const captured: { contentType: string; body: Buffer }[] = [];
  let server: Server;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'protobuf-test-'));
    server = createServer((request, response) => void capture(request, response, captured));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    writeFileSync(
      join(dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]`,
        'users: [{name: u, user: {token: test-token}}]',
        'contexts: [{name: t, context: {cluster: c, user: u, namespace: default}}]',
        'current-context: t',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', HOME: dir };
      for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[name];
      execFile(KUBECTL ?? 'kubectl', ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`kubectl ${args.join(' ')}: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });

  const commands: readonly (readonly string[])[] = [
    ['create', 'configmap', 'c1', '--from-literal=a=b', '--from-literal=empty='],
    ['create', 'secret', 'generic', 's', '--from-literal=k=v'],
    ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p'],
    ['create', 'deployment', 'd', '--image=x', '--replicas=2', '--port=8080'],
    ['create', 'job', 'j', '--image=x', '--', 'echo', 'hi'],
    ['create', 'cronjob', 'cj', '--image=x', '--schedule=*/1 * * * *'],
    ['create', 'service', 'nodeport', 'svc', '--tcp=80:8080'],
    ['create', 'service', 'clusterip', 'headless', '--clusterip=None'],
    ['create', 'namespace', 'n1'],
    ['create', 'serviceaccount', 'sa'],
    ['create', 'quota', 'q', '--hard=pods=2,cpu=1,memory=1Gi'],
    ['create', 'poddisruptionbudget', 'pdb', '--selector=app=x', '--min-available=50%'],
    ['create', 'role', 'r', '--verb=get,list', '--resource=pods'],
    ['create', 'rolebinding', 'rb', '--role=r', '--user=alice', '--serviceaccount=default:sa'],
    ['create', 'clusterrole', 'cr', '--verb=get', '--resource=pods', '--non-resource-url=/healthz'],
    ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=devs'],
  ];

  it.each(commands.map((args) => [args.join(' '), args] as const))('kubectl %s', async (_name, args) => {
    // Flags go before a "--" that starts the container command.
    const end = args.includes('--') ? args.indexOf('--') : args.length;
    const dryRun = [...args.slice(0, end), '--dry-run=client', '-o', 'json', ...args.slice(end)];
    const expected = JSON.parse(await kubectl(dryRun)) as unknown;
    captured.length = 0;
    await kubectl(args);
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request?.contentType).toBe('application/vnd.kubernetes.protobuf');
    expect(decodeKubernetesProtobuf(request?.body ?? Buffer.alloc(0))).toEqual(expected);
  });

  it('kubectl create token sends a TokenRequest', async () => {
    captured.length = 0;
    expect(await kubectl(['create', 'token', 'sa', '--audience=api', '--duration=10m'])).toContain('issued-token');
    expect(captured).toHaveLength(1);
    expect(decodeKubernetesProtobuf(captured[0]?.body ?? Buffer.alloc(0))).toEqual({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: ['api'], expirationSeconds: 600 },
      status: { token: '', expirationTimestamp: null },
    });
  });

  // kubectl debug --copy-to reads a Pod as JSON and creates its copy through the typed client, so
  // every PodSpec field the fixture sets goes through Go's own protobuf encoder.
  it('kubectl debug --copy-to sends a Pod whose spec round-trips exactly', async () => {
    captured.length = 0;
    const flags = ['--keep-annotations', '--keep-labels', '--keep-liveness', '--keep-readiness', '--keep-startup', '--same-node'];
    await kubectl(['debug', 'p', '--copy-to=p2', '--set-image=c=y', '--share-processes=false', '--profile=general', ...flags]);
    expect(captured.map((request) => request.contentType)).toEqual(['application/vnd.kubernetes.protobuf']);
    const [container, ...others] = RICH_POD.spec.containers;
    expect(decodeKubernetesProtobuf(captured[0]?.body ?? Buffer.alloc(0))).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p2', namespace: 'default', creationTimestamp: null, labels: RICH_POD.metadata.labels, annotations: RICH_POD.metadata.annotations },
      spec: { ...RICH_POD.spec, containers: [{ ...container, image: 'y' }, ...others], shareProcessNamespace: false },
      status: {},
    });
  });

  it('kubectl run sends JSON, not protobuf (it goes through the unstructured client)', async () => {
    captured.length = 0;
    await kubectl(['run', 'p', '--image=x']);
    expect(captured.map((request) => request.contentType)).toEqual(['application/json']);
  });
});

/** A stand-in API server: minimal discovery, and every POST recorded and echoed back decoded. */
async function capture(request: IncomingMessage, response: ServerResponse, captured: { contentType: string; body: Buffer }[]): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const send = (code: number, value: unknown): void => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'POST') {
    const contentType = request.headers['content-type'] ?? '';
    captured.push({ contentType, body });
    const object = contentType.includes('protobuf') ? decodeKubernetesProtobuf(body) : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    if (object.kind === 'TokenRequest') object.status = { token: 'issued-token', expirationTimestamp: '2030-01-01T00:00:00Z' };
    send(201, object);
    return;
  }
  const resources = (groupVersion: string, list: readonly (readonly [string, string, boolean])[]): unknown => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: list.map(([name, kind, namespaced]) => ({ name, singularName: '', namespaced, kind, verbs: ['create', 'get', 'list'] })),
  });
  const groups = ['apps', 'batch', 'policy', 'rbac.authorization.k8s.io'];
  const discovery: Record<string, unknown> = {
    '/version': { major: '1', minor: '33', gitVersion: 'v1.33.1' },
    '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
    '/apis': {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((name) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' } })),
    },
    '/api/v1/namespaces/default/pods/p': RICH_POD,
    '/api/v1': resources('v1', [['pods', 'Pod', true], ['configmaps', 'ConfigMap', true], ['secrets', 'Secret', true], ['services', 'Service', true], ['serviceaccounts', 'ServiceAccount', true]]),
    '/apis/apps/v1': resources('apps/v1', [['deployments', 'Deployment', true]]),
    '/apis/batch/v1': resources('batch/v1', [['jobs', 'Job', true], ['cronjobs', 'CronJob', true]]),
    '/apis/policy/v1': resources('policy/v1', [['poddisruptionbudgets', 'PodDisruptionBudget', true]]),
    '/apis/rbac.authorization.k8s.io/v1': resources('rbac.authorization.k8s.io/v1', [
      ['roles', 'Role', true],
      ['rolebindings', 'RoleBinding', true],
      ['clusterroles', 'ClusterRole', false],
      ['clusterrolebindings', 'ClusterRoleBinding', false],
    ]),
  };
  const found = path === undefined ? undefined : discovery[path];
  if (found === undefined) send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  else send(200, found);
}

// A Pod in the JSON form Go prints (no zero omitempty fields), setting nearly every PodSpec field
// that kubectl 1.33 knows, one of each volume source, probe handler and projection.
const RICH_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '7',
    creationTimestamp: '2024-01-01T00:00:00Z',
    labels: { app: 'p' },
    annotations: { a: 'b' },
  },
  spec: {
    volumes: [
      { name: 'hp', hostPath: { path: '/data', type: 'DirectoryOrCreate' } },
      { name: 'ed', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'gce', gcePersistentDisk: { pdName: 'pd', fsType: 'ext4', partition: 1, readOnly: true } },
      { name: 'aws', awsElasticBlockStore: { volumeID: 'vol', fsType: 'ext4', partition: 2, readOnly: true } },
      { name: 'git', gitRepo: { repository: 'https://r.example/x.git', revision: 'abc', directory: '.' } },
      { name: 'sec', secret: { secretName: 's', items: [{ key: 'k', path: 'p', mode: 256 }], defaultMode: 420, optional: false } },
      { name: 'nfs', nfs: { server: 'nfs.example', path: '/exports', readOnly: true } },
      {
        name: 'iscsi',
        iscsi: {
          targetPortal: '10.0.0.1:3260',
          iqn: 'iqn.2001-04.com.example:storage',
          lun: 0,
          iscsiInterface: 'default',
          fsType: 'ext4',
          readOnly: true,
          portals: ['10.0.0.2:3260'],
          chapAuthDiscovery: true,
          chapAuthSession: true,
          secretRef: { name: 'chap' },
          initiatorName: 'iqn.init',
        },
      },
      { name: 'gl', glusterfs: { endpoints: 'ep', path: 'vol', readOnly: true } },
      { name: 'pvc', persistentVolumeClaim: { claimName: 'claim', readOnly: true } },
      {
        name: 'rbd',
        rbd: { monitors: ['m1'], image: 'img', fsType: 'ext4', pool: 'rbd', user: 'admin', keyring: '/k', secretRef: { name: 's' }, readOnly: true },
      },
      { name: 'flex', flexVolume: { driver: 'd', fsType: 'ext4', secretRef: { name: 's' }, readOnly: true, options: { o: 'v' } } },
      { name: 'cinder', cinder: { volumeID: 'v', fsType: 'ext4', readOnly: true, secretRef: { name: 's' } } },
      { name: 'ceph', cephfs: { monitors: ['m'], path: '/', user: 'u', secretFile: '/f', secretRef: { name: 's' }, readOnly: true } },
      { name: 'flocker', flocker: { datasetName: 'ds', datasetUUID: 'uuid' } },
      {
        name: 'dapi',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, mode: 292 },
            { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
          ],
          defaultMode: 420,
        },
      },
      { name: 'fc', fc: { targetWWNs: ['w'], lun: 0, fsType: 'ext4', readOnly: true, wwids: ['id'] } },
      { name: 'azf', azureFile: { secretName: 's', shareName: 'sh', readOnly: true } },
      { name: 'cm', configMap: { name: 'c1', items: [{ key: 'a', path: 'a.txt' }], defaultMode: 0, optional: true } },
      { name: 'vs', vsphereVolume: { volumePath: '[ds] v.vmdk', fsType: 'ext4', storagePolicyName: 'pol', storagePolicyID: 'pid' } },
      { name: 'qb', quobyte: { registry: 'r:7861', volume: 'v', readOnly: true, user: 'u', group: 'g', tenant: 't' } },
      { name: 'azd', azureDisk: { diskName: 'd', diskURI: 'uri', cachingMode: 'ReadWrite', fsType: 'ext4', readOnly: false, kind: 'Managed' } },
      { name: 'ph', photonPersistentDisk: { pdID: 'id', fsType: 'ext4' } },
      {
        name: 'proj',
        projected: {
          sources: [
            { secret: { name: 's', items: [{ key: 'k', path: 'k' }], optional: true } },
            { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } },
            { configMap: { name: 'c1', optional: false } },
            { serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } },
            { clusterTrustBundle: { signerName: 'example.com/s', labelSelector: { matchLabels: { a: 'b' } }, optional: true, path: 'ca.pem' } },
          ],
          defaultMode: 420,
        },
      },
      { name: 'px', portworxVolume: { volumeID: 'v', fsType: 'ext4', readOnly: true } },
      {
        name: 'sio',
        scaleIO: {
          gateway: 'g',
          system: 's',
          secretRef: { name: 's' },
          sslEnabled: true,
          protectionDomain: 'pd',
          storagePool: 'sp',
          storageMode: 'ThinProvisioned',
          volumeName: 'v',
          fsType: 'xfs',
          readOnly: true,
        },
      },
      { name: 'sos', storageos: { volumeName: 'v', volumeNamespace: 'ns', fsType: 'ext4', readOnly: true, secretRef: { name: 's' } } },
      { name: 'csi', csi: { driver: 'csi.example', readOnly: false, fsType: 'ext4', volumeAttributes: { k: 'v' }, nodePublishSecretRef: { name: 's' } } },
      {
        name: 'eph',
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { creationTimestamp: null, labels: { t: 'x' } },
            spec: {
              accessModes: ['ReadWriteOnce'],
              selector: { matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] },
              resources: { limits: { storage: '2Gi' }, requests: { storage: '1Gi' } },
              volumeName: 'pv',
              storageClassName: '',
              volumeMode: 'Filesystem',
              dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' },
              dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap', namespace: 'other' },
              volumeAttributesClassName: 'gold',
            },
          },
        },
      },
      { name: 'img', image: { reference: 'registry.example/data:1', pullPolicy: 'IfNotPresent' } },
    ],
    initContainers: [
      {
        name: 'sidecar',
        image: 'x',
        restartPolicy: 'Always',
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    containers: [
      {
        name: 'c',
        image: 'x',
        command: ['/bin/app'],
        args: ['--flag', ''],
        workingDir: '/w',
        ports: [{ name: 'http', hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '127.0.0.1' }, { containerPort: 0, protocol: 'UDP' }],
        envFrom: [{ prefix: 'P_', configMapRef: { name: 'c1', optional: true } }, { secretRef: { name: 's' } }],
        env: [
          { name: 'PLAIN', value: 'v' },
          { name: 'EMPTY' },
          { name: 'FIELD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          { name: 'RES', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
          { name: 'CMK', valueFrom: { configMapKeyRef: { name: 'c1', key: 'a', optional: false } } },
          { name: 'SK', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        ],
        resources: {
          limits: { cpu: '1', memory: '128Mi', 'nvidia.com/gpu': '1' },
          requests: { cpu: '500m', memory: '64Mi' },
          claims: [{ name: 'gpu', request: 'r' }],
        },
        resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
        volumeMounts: [
          { name: 'hp', readOnly: true, recursiveReadOnly: 'IfPossible', mountPath: '/data', subPath: 'sub', mountPropagation: 'None' },
          { name: 'ed', mountPath: '/cache', subPathExpr: '$(POD)' },
        ],
        volumeDevices: [{ name: 'pvc', devicePath: '/dev/xvda' }],
        livenessProbe: {
          httpGet: { path: '/healthz', port: 'http', host: 'h', scheme: 'HTTPS', httpHeaders: [{ name: 'X', value: '' }] },
          initialDelaySeconds: 1,
          timeoutSeconds: 2,
          periodSeconds: 3,
          successThreshold: 1,
          failureThreshold: 4,
          terminationGracePeriodSeconds: 0,
        },
        readinessProbe: { tcpSocket: { port: 80, host: 'h' } },
        startupProbe: { grpc: { port: 9090, service: '' } },
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'true'] } }, preStop: { sleep: { seconds: 0 } } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'FallbackToLogsOnError',
        imagePullPolicy: 'Always',
        securityContext: {
          capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
          privileged: false,
          seLinuxOptions: { user: 'u', role: 'r', type: 't', level: 's0' },
          windowsOptions: { gmsaCredentialSpecName: 'n', gmsaCredentialSpec: '{}', runAsUserName: 'u', hostProcess: false },
          runAsUser: 0,
          runAsGroup: 0,
          runAsNonRoot: false,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          procMount: 'Default',
          seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
          appArmorProfile: { type: 'RuntimeDefault' },
        },
        stdin: true,
        stdinOnce: true,
        tty: true,
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 0,
    activeDeadlineSeconds: 600,
    dnsPolicy: 'None',
    nodeSelector: { disk: 'ssd' },
    serviceAccountName: 'sa',
    serviceAccount: 'sa',
    automountServiceAccountToken: false,
    nodeName: 'node-1',
    hostNetwork: true,
    hostPID: true,
    hostIPC: true,
    securityContext: {
      seLinuxOptions: { level: 's0:c1' },
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      supplementalGroups: [5, 6],
      supplementalGroupsPolicy: 'Strict',
      fsGroup: 2000,
      sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
      appArmorProfile: { type: 'Localhost', localhostProfile: 'prof' },
      seLinuxChangePolicy: 'Recursive',
    },
    imagePullSecrets: [{ name: 'reg' }],
    hostname: 'h',
    subdomain: 'sub',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n'] }] },
          ],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'z', operator: 'Exists' }] } }],
      },
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { app: 'db' } },
            namespaces: ['db'],
            topologyKey: 'kubernetes.io/hostname',
            namespaceSelector: {},
            matchLabelKeys: ['pod-template-hash'],
            mismatchLabelKeys: ['tenant'],
          },
        ],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'p' } }, topologyKey: 'topology.kubernetes.io/zone' } },
        ],
      },
    },
    schedulerName: 'default-scheduler',
    tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute', tolerationSeconds: 0 }, { operator: 'Exists' }],
    hostAliases: [{ ip: '127.0.0.1', hostnames: ['a.local', 'b.local'] }],
    priorityClassName: 'high',
    priority: 0,
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    readinessGates: [{ conditionType: 'example.com/ready' }],
    runtimeClassName: 'runc',
    enableServiceLinks: false,
    preemptionPolicy: 'Never',
    overhead: { cpu: '250m' },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'p' } },
        minDomains: 2,
        nodeAffinityPolicy: 'Honor',
        nodeTaintsPolicy: 'Ignore',
        matchLabelKeys: ['pod-template-hash'],
      },
    ],
    setHostnameAsFQDN: false,
    os: { name: 'linux' },
    hostUsers: false,
    schedulingGates: [{ name: 'example.com/gate' }],
    resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu-template' }, { name: 'shared', resourceClaimName: 'shared-claim' }],
    resources: { limits: { cpu: '2' } },
  },
  status: { phase: 'Pending' },
};

function* allTypes(namespace: protobuf.NamespaceBase): Generator<protobuf.Type> {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) yield nested;
    if (nested instanceof protobuf.Namespace) yield* allTypes(nested);
  }
}
