// A fuzz campaign against SuperAPIServer over raw HTTPS: thousands of random and mutated requests
// (methods; paths built from the resources discovery lists, then mutated; bodies from valid
// objects, then mutated; random content types, Accept headers and query parameters). Afterwards:
// no 5xx (503/429 would be allowed: overload, and counted), every answer a Status, an object, a
// list or a watch stream with a Content-Type, the server still up, and the store consistent.
//
// Deterministic requests: a fixed-seed PRNG (FUZZ_SEED, printed) generates the whole sequence up
// front; only the interleaving of the concurrent requests varies. FUZZ_COUNT changes the count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { startTestControlPlane, type RawRequest, type RawResponse, type TestControlPlane } from '../support/control-plane.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261127);
const COUNT = Number(process.env['FUZZ_COUNT'] ?? 3000);
const CONCURRENCY = 8;
/** The campaign stops sending after this long, however many requests are left (bounded time). */
const BUDGET_MS = 120_000;
/** A request with no answer after this long counts as a hang. */
const REQUEST_TIMEOUT_MS = 5_000;
const NAMESPACES = ['fuzz-a', 'fuzz-b', 'default'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }
  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [weight, value] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = choices[choices.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[1];
  }
}

interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly subresources: string[];
}

interface FuzzRequest extends RawRequest {
  readonly seq: number;
  readonly watch: boolean;
}

interface Outcome {
  readonly request: FuzzRequest;
  readonly response?: RawResponse;
  readonly error?: string;
  readonly ms: number;
}

// ---------------------------------------------------------------------------------------------
// Valid objects to start from, per kind.

const podSpec = (restartPolicy = 'Always'): JsonObject => ({
  restartPolicy,
  containers: [
    {
      name: 'app',
      image: 'busybox:1.36',
      command: ['sleep', '3600'],
      ports: [{ containerPort: 8080, name: 'http' }],
      env: [{ name: 'MODE', value: 'fuzz' }],
      resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '100m', memory: '32Mi' } },
      readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5 },
    },
  ],
});

function template(kind: string, name: string): JsonObject {
  const labels: JsonObject = { app: name, tier: 'fuzz' };
  const metadata: JsonObject = { name, labels, annotations: { 'fuzz.example.com/note': 'hello' } };
  const podTemplate: JsonObject = { metadata: { labels: { app: name } }, spec: podSpec() };
  switch (kind) {
    case 'ConfigMap':
      return { metadata, data: { key: 'value', 'config.yaml': 'a: 1\n' } };
    case 'Secret':
      return { metadata, type: 'Opaque', stringData: { user: 'admin' }, data: { password: Buffer.from('s3cret').toString('base64') } };
    case 'Namespace':
      return { metadata };
    case 'Pod':
      return { metadata, spec: podSpec() };
    case 'Node':
      return { metadata, spec: { unschedulable: false }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } };
    case 'Service':
      return { metadata, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], type: 'ClusterIP' } };
    case 'Endpoints':
      return { metadata, subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ port: 8080, name: 'http' }] }] };
    case 'Event':
      return {
        metadata,
        involvedObject: { kind: 'Pod', name: 'x', namespace: 'default', apiVersion: 'v1' },
        reason: 'Fuzzed',
        message: 'a fuzz event',
        type: 'Normal',
        source: { component: 'fuzz' },
      };
    case 'ServiceAccount':
      return { metadata };
    case 'Deployment':
    case 'ReplicaSet':
      return { metadata, spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: podTemplate } };
    case 'Job':
      return { metadata, spec: { backoffLimit: 2, template: { metadata: {}, spec: podSpec('Never') } } };
    case 'CronJob':
      return { metadata, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: podSpec('OnFailure') } } } } };
    case 'Lease':
      return { metadata, spec: { holderIdentity: 'fuzz', leaseDurationSeconds: 15 } };
    case 'EndpointSlice':
      return { metadata, addressType: 'IPv4', endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
    default:
      return { metadata, spec: {} };
  }
}

// ---------------------------------------------------------------------------------------------
// Random values and mutations.

const WEIRD_STRINGS = [
  '',
  ' ',
  'UPPER',
  'a'.repeat(300),
  '-dash-',
  'with space',
  'ünïcödé',
  '\u0000nul',
  '../..',
  '%2e%2e',
  '{"json":"in a string"}',
  '${jndi:x}',
  'null',
  '0',
  '-1',
  'true',
  'name.with.dots',
  'a/b',
  '\n',
];

function randomString(rng: Prng): string {
  if (rng.chance(0.4)) return rng.pick(WEIRD_STRINGS);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-._/ABCZ';
  let out = '';
  const length = rng.weighted([
    [6, rng.int(12) + 1],
    [2, rng.int(80)],
    [1, rng.int(5000)],
  ]);
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)] ?? 'x';
  return out;
}

function randomJson(rng: Prng, depth = 0): Json {
  const kind = rng.int(depth > 2 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1.5, 1e308, 65536, 3]);
    case 3:
    case 4:
      return randomString(rng);
    case 5: {
      const items: Json[] = [];
      for (let i = rng.int(4); i > 0; i--) items.push(randomJson(rng, depth + 1));
      return items;
    }
    default: {
      const object: JsonObject = {};
      for (let i = rng.int(4); i > 0; i--) object[randomString(rng).slice(0, 20)] = randomJson(rng, depth + 1);
      return object;
    }
  }
}

/** Every path (as keys/indexes) to a value inside `value`. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function parentOf(root: Json, path: readonly (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[key as number] : node[String(key)];
  }
  return node;
}

function setAt(root: Json, path: readonly (string | number)[], value: Json | undefined): void {
  const parent = parentOf(root, path);
  const key = path[path.length - 1];
  if (key === undefined || parent === null || parent === undefined || typeof parent !== 'object') return;
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (value === undefined) parent.splice(index, 1);
    else parent[index] = value;
  } else if (value === undefined) {
    delete parent[String(key)];
  } else {
    parent[String(key)] = value;
  }
}

/** A few random changes to a copy of `object`: types swapped, fields dropped or added, odd metadata. */
function mutate(rng: Prng, object: JsonObject, count: number): JsonObject {
  const result = structuredClone(object);
  for (let i = 0; i < count; i++) {
    const paths = pathsOf(result).filter((p) => p.length > 0);
    const path = paths.length > 0 ? rng.pick(paths) : ['x'];
    const current = result['metadata'];
    const meta: JsonObject = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : {};
    switch (rng.int(10)) {
      case 0:
        setAt(result, path, undefined);
        break;
      case 1:
      case 2:
        setAt(result, path, randomJson(rng));
        break;
      case 3:
        setAt(result, [...path.slice(0, -1), randomString(rng).slice(0, 30)], randomJson(rng));
        break;
      case 4:
        meta['name'] = rng.pick([randomString(rng), 42, null, ['a'], { a: 1 }]);
        result['metadata'] = meta;
        break;
      case 5:
        meta['namespace'] = rng.pick(['default', 'fuzz-b', 'elsewhere', '', 7]);
        result['metadata'] = meta;
        break;
      case 6:
        meta['resourceVersion'] = rng.pick(['1', '0', '999999', 'abc', '', 5, '-3']);
        result['metadata'] = meta;
        break;
      case 7:
        meta['finalizers'] = rng.pick([['fuzz.example.com/hold'], ['kubernetes'], 'x', [1], ['BAD FINALIZER']]);
        result['metadata'] = meta;
        break;
      case 8:
        result[rng.pick(['kind', 'apiVersion'])] = rng.pick(['Secret', 'v1', 'apps/v1', 'v2', '', 3, null, 'ConfigMap', 'Pod']);
        break;
      default:
        meta['generateName'] = rng.pick(['fz-', 'UPPER-', '', 'x'.repeat(70)]);
        if (rng.chance(0.5)) delete meta['name'];
        result['metadata'] = meta;
    }
  }
  return result;
}

function jsonPatchOps(rng: Prng, object: JsonObject): Json {
  const pointers = pathsOf(object).map((p) => `/${p.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`);
  const ops: Json[] = [];
  for (let i = rng.int(4) + 1; i > 0; i--) {
    const op = rng.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'frobnicate']);
    const path = rng.chance(0.8) ? rng.pick(pointers) : rng.pick(['/nope/deeper', '/metadata/labels/new', '/spec/replicas', '', '/-', '/a~2b']);
    const entry: JsonObject = { op, path };
    if (op === 'add' || op === 'replace' || op === 'test') entry['value'] = randomJson(rng);
    if (op === 'move' || op === 'copy') entry['from'] = rng.pick(pointers);
    if (rng.chance(0.1)) delete entry['op'];
    ops.push(entry);
  }
  return rng.chance(0.05) ? (ops[0] ?? []) : ops;
}

// ---------------------------------------------------------------------------------------------
// Requests.

const NAME_POOL = ['fz-0', 'fz-1', 'fz-2', 'fz-3', 'fz-4', 'fz-5'];
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/yaml',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/json; charset=utf-8',
  'text/plain',
  'application/vnd.kubernetes.protobuf',
  'multipart/form-data; boundary=x',
  '',
  'garbage/',
];
const ACCEPTS = [
  undefined,
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1;g=meta.k8s.io, application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  '*/*',
  'text/html',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
];

function collectionPath(resource: ResourceInfo, namespace: string | undefined, watchPrefix = false): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const watch = watchPrefix ? '/watch' : '';
  return resource.namespaced && namespace !== undefined
    ? `${root}${watch}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`
    : `${root}${watch}/${resource.plural}`;
}

function mutatePath(rng: Prng, path: string): string {
  const parts = path.split('/');
  switch (rng.int(8)) {
    case 0: {
      const i = rng.int(parts.length - 1) + 1;
      parts[i] = encodeURIComponent(randomString(rng));
      return parts.join('/');
    }
    case 1:
      parts.splice(rng.int(parts.length - 1) + 1, 1);
      return parts.join('/');
    case 2: {
      const i = rng.int(parts.length - 1) + 1;
      parts.splice(i, 0, parts[i] ?? 'x');
      return parts.join('/');
    }
    case 3:
      return `${path}/`;
    case 4:
      return path.replace('/', '//');
    case 5:
      return `${path}/${rng.pick(['status', 'scale', 'log', 'exec', 'finalize', 'binding', 'eviction', '%2e%2e', 'x'])}`;
    case 6:
      return path.replace(/\/v1\//, `/${rng.pick(['v2', 'v1beta1', 'V1', ''])}/`);
    default:
      return path.toUpperCase();
  }
}

function randomQuery(rng: Prng, watch: boolean): string {
  const params: [string, string][] = [];
  if (watch) params.push(['watch', rng.pick(['true', '1', 'true', 'false'])]);
  const options: (() => [string, string])[] = [
    () => ['limit', rng.pick(['1', '2', '5', '500', '0', '-1', 'abc', '1.5', '99999999999999999999'])],
    () => ['continue', rng.pick(['', 'garbage', Buffer.from('{"v":"meta.k8s.io/v1","rv":1,"start":"x"}').toString('base64'), Buffer.from('{"v":"meta.k8s.io/v1","rv":2,"start":"../x"}').toString('base64')])],
    () => ['labelSelector', rng.pick(['app=fz-1', 'tier!=fuzz', 'app in (fz-0,fz-2)', 'app notin (x)', 'tier', '!tier', 'a in (', '===', 'bad key!', randomString(rng)])],
    () => ['fieldSelector', rng.pick(['metadata.name=fz-1', 'metadata.namespace!=default', 'status.phase=Running', 'spec.nodeName=', 'data.x=1', 'metadata.name', randomString(rng)])],
    () => ['resourceVersion', rng.weighted<string>([[20, '0'], [10, ''], [10, String(rng.int(40) + 1)], [1, 'abc'], [1, '999999999']])],
    () => ['resourceVersionMatch', rng.pick(['NotOlderThan', 'Exact', 'Bogus'])],
    () => ['allowWatchBookmarks', rng.pick(['true', 'false', 'x'])],
    () => ['sendInitialEvents', rng.pick(['true', 'false'])],
    () => ['dryRun', rng.pick(['All', 'All', 'Bogus', ''])],
    () => ['fieldManager', rng.pick(['fuzz', '', 'x'.repeat(200)])],
    () => ['force', rng.pick(['true', 'false', 'x'])],
    () => ['propagationPolicy', rng.pick(['Foreground', 'Background', 'Orphan', 'Bogus'])],
    () => ['gracePeriodSeconds', rng.pick(['0', '30', '-1', 'x'])],
    () => ['orphanDependents', rng.pick(['true', 'false'])],
    () => ['pretty', 'true'],
    () => ['timeoutSeconds', rng.pick(['0', '1', '-1', 'abc', '1.5'])],
    () => ['includeObject', rng.pick(['None', 'Metadata', 'Object', 'x'])],
    () => [randomString(rng).slice(0, 10), randomString(rng).slice(0, 10)],
  ];
  for (let i = rng.weighted([[4, 0], [4, 1], [2, 2], [1, 4]]); i > 0; i--) params.push(rng.pick(options)());
  // Watches (and anything that may become one) end within a second or two: bounded time.
  if (!params.some(([k]) => k === 'timeoutSeconds')) params.push(['timeoutSeconds', '1']);
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function encodeBody(rng: Prng, value: Json, contentType: string): string {
  const form = rng.weighted<string>([
    [14, contentType.includes('yaml') ? 'yaml' : 'json'],
    [2, 'yaml'],
    [1, 'truncated'],
    [1, 'garbage'],
    [1, 'empty'],
  ]);
  const text = JSON.stringify(value);
  switch (form) {
    case 'yaml':
      return toYaml(value);
    case 'truncated':
      return text.slice(0, rng.int(text.length));
    case 'garbage':
      return randomString(rng);
    case 'empty':
      return '';
    default:
      return text;
  }
}

/**
 * Keeps the campaign away from three known bugs (each has its own test in bad-input.test.ts) that
 * would otherwise end it early: "." and ".." path segments are resolved (a DELETE of
 * .../configmaps/%2e%2e deletes the namespace), DELETE /api/v1/namespaces deletes every namespace,
 * and system namespaces can be deleted. Without a namespace to write to, the rest would be 404s.
 */
function guard(method: string, path: string): string {
  const segments = path.split('/').map((segment) => (/^(\.|%2e){1,2}$/i.test(segment) ? 'dot' : segment));
  const safe = segments.join('/');
  if (method !== 'DELETE') return safe;
  const target = /^\/api\/v1\/(?:watch\/)?namespaces\/*([^/]*)\/*$/i.exec(safe);
  if (target !== null && (target[1] === '' || ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...NAMESPACES].includes(target[1]?.toLowerCase() ?? ''))) {
    return '/api/v1/namespaces/fz-0';
  }
  return safe;
}

function generate(rng: Prng, resources: readonly ResourceInfo[], seq: number): FuzzRequest {
  const resource = rng.pick(resources);
  const namespace = resource.namespaced ? (rng.chance(0.9) ? rng.pick(NAMESPACES) : rng.chance(0.5) ? undefined : randomString(rng).slice(0, 20)) : undefined;
  const name = rng.chance(0.85) ? rng.pick(NAME_POOL) : randomString(rng).slice(0, 60);
  const method = rng.weighted<string>([
    [30, 'GET'],
    [22, 'POST'],
    [12, 'PUT'],
    [18, 'PATCH'],
    [10, 'DELETE'],
    [2, 'HEAD'],
    [1, 'OPTIONS'],
  ]);
  const watch = method === 'GET' && rng.chance(0.08);
  let path: string;
  if (method === 'POST' || (method === 'GET' && rng.chance(0.45)) || (method === 'DELETE' && rng.chance(0.05))) {
    path = collectionPath(resource, namespace, watch && rng.chance(0.3));
  } else {
    path = `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
    if (rng.chance(0.2) && resource.subresources.length > 0) path += `/${rng.pick(resource.subresources)}`;
  }
  if (rng.chance(0.12)) path = mutatePath(rng, path);
  path = guard(method, path);
  const query = method === 'GET' || method === 'HEAD' || rng.chance(0.4) ? randomQuery(rng, watch) : '';
  const headers: Record<string, string> = {};
  const accept = rng.pick(ACCEPTS);
  if (accept !== undefined) headers['Accept'] = accept;

  let body: string | undefined;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || (method === 'DELETE' && rng.chance(0.2))) {
    let contentType: string;
    let value: Json;
    if (method === 'PATCH') {
      contentType = rng.weighted<string>([
        [5, 'application/merge-patch+json'],
        [4, 'application/json-patch+json'],
        [4, 'application/strategic-merge-patch+json'],
        [2, 'application/apply-patch+yaml'],
        [1, rng.pick(CONTENT_TYPES)],
      ]);
      const base = template(resource.kind, name);
      value = contentType === 'application/json-patch+json' ? jsonPatchOps(rng, base) : mutate(rng, base, rng.int(3));
      if (contentType === 'application/apply-patch+yaml' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        value = { apiVersion: resource.group === '' ? resource.version : `${resource.group}/${resource.version}`, kind: resource.kind, ...value };
      }
    } else if (method === 'DELETE') {
      contentType = 'application/json';
      value = rng.pick<Json>([
        { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' },
        { preconditions: { uid: 'nope' } },
        { preconditions: { resourceVersion: '1' } },
        { gracePeriodSeconds: 'x' },
        [],
        randomJson(rng),
      ]);
    } else {
      contentType = rng.chance(0.85) ? 'application/json' : rng.pick(CONTENT_TYPES);
      const base = template(resource.kind, name);
      if (rng.chance(0.6)) {
        base['apiVersion'] = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
        base['kind'] = resource.kind;
      }
      value = rng.chance(0.35) ? base : mutate(rng, base, rng.int(4) + 1);
    }
    body = encodeBody(rng, value, contentType);
    if (contentType !== '') headers['Content-Type'] = contentType;
    if (rng.chance(0.02)) body = 'x'.repeat(3 * 1024 * 1024 + 1);
  }
  if (method === 'PATCH' && rng.chance(0.3) && query === '') {
    return { seq, method, path: `${path}?fieldManager=fuzz`, headers, ...(body === undefined ? {} : { body }), watch: false, timeoutMs: REQUEST_TIMEOUT_MS };
  }
  return {
    seq,
    method,
    path: query === '' ? path : `${path}?${query}`,
    headers,
    ...(body === undefined ? {} : { body }),
    watch: method === 'GET' && (path.includes('/watch/') || /(^|&)watch=(true|1)(&|$)/.test(query)),
    timeoutMs: REQUEST_TIMEOUT_MS,
  };
}

// ---------------------------------------------------------------------------------------------
// Checking answers.

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** What is wrong with this answer, or undefined when it is a well-formed one. */
function problemWith(outcome: Outcome): string | undefined {
  const { request, response } = outcome;
  if (response === undefined) return `no answer: ${outcome.error ?? 'unknown error'}`;
  const contentType = response.headers['content-type'];
  if (contentType === undefined || contentType === '') return 'no Content-Type';
  if (request.method === 'HEAD') return response.text === '' ? undefined : 'a body on HEAD';
  if (contentType.startsWith('text/plain')) return response.status < 300 ? undefined : `text/plain ${response.status}: ${response.text.slice(0, 100)}`;
  if (response.status >= 400) {
    const status = response.json as { kind?: unknown; code?: unknown; status?: unknown } | undefined;
    if (status?.kind !== 'Status' || status.code !== response.status || status.status !== 'Failure') return `error ${response.status} without a matching Status: ${response.text.slice(0, 200)}`;
    return undefined;
  }
  if (response.json !== undefined) {
    const object: unknown = response.json;
    if (object === null || typeof object !== 'object' || typeof (object as { kind?: unknown }).kind !== 'string') {
      // A watch stream with exactly one event parses as one JSON object too.
      if (!request.watch) return `a ${response.status} body that is not an object with a kind: ${response.text.slice(0, 200)}`;
    } else {
      return undefined;
    }
  }
  if (request.watch && response.status === 200) {
    for (const line of response.text.split('\n')) {
      if (line === '') continue;
      let event: { type?: unknown; object?: { kind?: unknown } };
      try {
        event = JSON.parse(line) as { type?: unknown; object?: { kind?: unknown } };
      } catch {
        return `a watch line that is not JSON: ${line.slice(0, 200)}`;
      }
      if (typeof event.type !== 'string' || !WATCH_TYPES.has(event.type)) return `a watch event of unknown type: ${line.slice(0, 200)}`;
      if (typeof event.object?.kind !== 'string') return `a watch event without object.kind: ${line.slice(0, 200)}`;
    }
    return undefined;
  }
  return `a ${response.status} body that is not JSON: ${response.text.slice(0, 200)}`;
}

const isServerError = (o: Outcome): boolean => o.response !== undefined && o.response.status >= 500 && o.response.status !== 503;

function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` body(${request.body.length}): ${String(request.body).slice(0, 300)}`;
  return `#${request.seq} ${request.method ?? 'GET'} ${request.path} ${JSON.stringify(request.headers ?? {})}${body}`;
}

/** One line per distinct failure: the message with names and numbers blurred. */
function signature(outcome: Outcome): string {
  const resource = /\/(?:api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/[^/]+)?\/([a-z]+)/.exec(outcome.request.path)?.[1] ?? '?';
  const message = outcome.response === undefined ? (outcome.error ?? '') : ((outcome.response.json as { message?: string } | undefined)?.message ?? outcome.response.text);
  const blurred = message.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, '#').slice(0, 140);
  return `${outcome.response?.status ?? 'no answer'} ${outcome.request.method ?? 'GET'} ${resource}: ${blurred}`;
}

function summarise(outcomes: readonly Outcome[], what: string): string {
  const groups = new Map<string, Outcome[]>();
  for (const outcome of outcomes) {
    const key = signature(outcome);
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  const lines = [...groups.entries()].map(([key, list]) => `  ${list.length}× ${key}\n    e.g. ${describeRequest(list[0]?.request ?? { seq: -1, path: '?', watch: false })}`);
  return `${outcomes.length} ${what} (seed ${SEED}), ${groups.size} distinct:\n${lines.join('\n')}`;
}

// ---------------------------------------------------------------------------------------------

let cp: TestControlPlane;
let resources: ResourceInfo[] = [];
const outcomes: Outcome[] = [];
let elapsedMs = 0;

async function discover(): Promise<ResourceInfo[]> {
  const found: ResourceInfo[] = [];
  const groupVersions: [string, string][] = [['', 'v1']];
  const groups = (await cp.request({ path: '/apis' })).json as { groups: { name: string; preferredVersion: { version: string } }[] };
  for (const g of groups.groups) groupVersions.push([g.name, g.preferredVersion.version]);
  for (const [group, version] of groupVersions) {
    const list = (await cp.request({ path: group === '' ? '/api/v1' : `/apis/${group}/${version}` })).json as {
      resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
    };
    // Only listable resources: the legacy core/v1 bindings collection is create-only, as upstream's.
    for (const r of list.resources.filter((x) => !x.name.includes('/') && x.verbs.includes('list'))) {
      const subresources = list.resources.filter((x) => x.name.startsWith(`${r.name}/`)).map((x) => x.name.slice(r.name.length + 1));
      found.push({ group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced, subresources });
    }
  }
  return found;
}

async function ensureNamespaces(): Promise<void> {
  for (const name of NAMESPACES) {
    await cp.request({ method: 'POST', path: '/api/v1/namespaces', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: { name } }) });
  }
}

beforeAll(async () => {
  cp = await startTestControlPlane();
  resources = await discover();
  await ensureNamespaces();
  const rng = new Prng(SEED);
  const requests = Array.from({ length: COUNT }, (_, i) => generate(rng, resources, i));
  console.log(`fuzz: seed ${SEED} (FUZZ_SEED to change), ${COUNT} requests over ${resources.length} resources, ${CONCURRENCY} at a time`);

  const started = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length && Date.now() - started < BUDGET_MS) {
      const request = requests[next++];
      if (request === undefined) break;
      // Put back what the campaign needs to keep writing somewhere (deleting them is fair game).
      if (request.seq % 250 === 0) await ensureNamespaces();
      const t0 = Date.now();
      try {
        outcomes.push({ request, response: await cp.request(request), ms: Date.now() - t0 });
      } catch (error) {
        outcomes.push({ request, error: error instanceof Error ? error.message : String(error), ms: Date.now() - t0 });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  elapsedMs = Date.now() - started;
  const byStatus = new Map<string, number>();
  for (const o of outcomes) byStatus.set(String(o.response?.status ?? 'none'), (byStatus.get(String(o.response?.status ?? 'none')) ?? 0) + 1);
  console.log(`fuzz: ${outcomes.length} requests in ${elapsedMs} ms; by status: ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}`);
}, BUDGET_MS + 60_000);

afterAll(async () => {
  await cp?.stop();
});

describe(`fuzz (seed ${SEED})`, () => {
  it('sent the whole campaign within the time budget', () => {
    expect(outcomes.length, `only ${outcomes.length} of ${COUNT} requests in ${BUDGET_MS} ms`).toBe(COUNT);
  });

  it('every request got an answer (no hang, no dropped connection)', () => {
    const unanswered = outcomes.filter((o) => o.response === undefined);
    expect(unanswered, summarise(unanswered, 'requests without an answer')).toEqual([]);
  });

  it('never a 5xx (503 and 429 would be overload, and are only counted)', () => {
    const overload = outcomes.filter((o) => o.response?.status === 503 || o.response?.status === 429).length;
    if (overload > 0) console.log(`fuzz: ${overload} answers were 503/429 (overload)`);
    const errors = outcomes.filter(isServerError);
    if (errors.length > 0) console.log(summarise(errors, 'server errors'));
    expect(errors.map((o) => signature(o)), summarise(errors, 'server errors')).toEqual([]);
  });

  it('every answer has a Content-Type and is a Status, an object, a list or a watch stream', () => {
    const malformed = outcomes.filter((o) => o.response !== undefined && problemWith(o) !== undefined);
    if (malformed.length > 0) console.log(summarise(malformed, 'malformed answers'));
    expect(malformed.map((o) => `${describeRequest(o.request)} → ${problemWith(o) ?? ''}`)).toEqual([]);
  });

  it('the server is still up and serving afterwards', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) expect((await cp.request({ path, authenticate: false })).status).toBe(200);
    await ensureNamespaces();
    const create = await cp.request({
      method: 'POST',
      path: '/api/v1/namespaces/fuzz-a/configmaps',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'after-fuzz' }, data: { ok: 'yes' } }),
    });
    expect(create.status, create.text).toBe(201);
    const read = await cp.request({ path: '/api/v1/namespaces/fuzz-a/configmaps/after-fuzz' });
    expect((read.json as { data?: unknown }).data).toEqual({ ok: 'yes' });
  });

  it('the store is consistent: every listed object can be got, with numeric resourceVersions and valid metadata', async () => {
    const problems: string[] = [];
    const namespaces = new Set<string>();
    const orphans: string[] = [];
    let objects = 0;
    const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    const isStringMap = (value: unknown): boolean =>
      value === undefined || (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string'));
    for (const resource of resources) {
      const listPath = collectionPath(resource, undefined);
      const list = await cp.request({ path: listPath });
      if (list.status !== 200) {
        problems.push(`GET ${listPath} → ${list.status} ${list.text.slice(0, 200)}`);
        continue;
      }
      const body = list.json as { metadata?: { resourceVersion?: unknown }; items?: unknown };
      if (typeof body.metadata?.resourceVersion !== 'string' || !/^\d+$/.test(body.metadata.resourceVersion)) problems.push(`${listPath}: list resourceVersion ${JSON.stringify(body.metadata?.resourceVersion)}`);
      if (!Array.isArray(body.items)) {
        problems.push(`${listPath}: items is not an array`);
        continue;
      }
      for (const item of body.items as { kind?: unknown; apiVersion?: unknown; metadata?: Record<string, unknown> }[]) {
        objects++;
        const meta = item.metadata ?? {};
        const name = meta['name'];
        const namespace = meta['namespace'];
        const where = `${resource.plural} ${JSON.stringify(namespace ?? null)}/${JSON.stringify(name ?? null)}`;
        const apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
        if (typeof name !== 'string' || name === '' || name.length > 253 || !SUBDOMAIN.test(name)) problems.push(`${where}: invalid name`);
        if (resource.namespaced && (typeof namespace !== 'string' || namespace === '')) problems.push(`${where}: a namespaced object without a namespace`);
        if (!resource.namespaced && namespace !== undefined) problems.push(`${where}: a cluster-scoped object with a namespace`);
        if (typeof meta['resourceVersion'] !== 'string' || !/^\d+$/.test(meta['resourceVersion'])) problems.push(`${where}: resourceVersion ${JSON.stringify(meta['resourceVersion'])}`);
        if (typeof meta['uid'] !== 'string' || meta['uid'] === '') problems.push(`${where}: no uid`);
        if (typeof meta['creationTimestamp'] !== 'string') problems.push(`${where}: no creationTimestamp`);
        if (!isStringMap(meta['labels'])) problems.push(`${where}: labels ${JSON.stringify(meta['labels'])}`);
        if (!isStringMap(meta['annotations'])) problems.push(`${where}: annotations ${JSON.stringify(meta['annotations']).slice(0, 100)}`);
        if (meta['finalizers'] !== undefined && (!Array.isArray(meta['finalizers']) || !meta['finalizers'].every((f) => typeof f === 'string'))) problems.push(`${where}: finalizers ${JSON.stringify(meta['finalizers'])}`);
        if (item.kind !== undefined && item.kind !== resource.kind) problems.push(`${where}: kind ${JSON.stringify(item.kind)}`);
        if (item.apiVersion !== undefined && item.apiVersion !== apiVersion) problems.push(`${where}: apiVersion ${JSON.stringify(item.apiVersion)}`);
        if (resource.plural === 'namespaces' && typeof name === 'string') namespaces.add(name);
        if (typeof name !== 'string' || (resource.namespaced && typeof namespace !== 'string')) continue;
        const itemPath = `${collectionPath(resource, typeof namespace === 'string' ? namespace : undefined)}/${encodeURIComponent(name)}`;
        const got = await cp.request({ path: itemPath });
        if (got.status !== 200) {
          problems.push(`${where}: listed but GET ${itemPath} → ${got.status}`);
          continue;
        }
        const gotVersion = (got.json as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
        if (gotVersion !== meta['resourceVersion']) problems.push(`${where}: listed at ${String(meta['resourceVersion'])}, got at ${String(gotVersion)}`);
        if (resource.namespaced && typeof namespace === 'string') orphans.push(`${namespace}/${resource.plural}/${name}`);
      }
    }
    const orphaned = orphans.filter((key) => !namespaces.has(key.split('/')[0] ?? ''));
    // Objects left in a namespace that no longer exists: the namespace-deletion bug (client-node.test.ts).
    if (orphaned.length > 0) console.log(`fuzz: ${orphaned.length} objects in namespaces that no longer exist, e.g. ${orphaned.slice(0, 5).join(', ')}`);
    console.log(`fuzz: checked ${objects} stored objects`);
    expect(problems).toEqual([]);
  });
});
