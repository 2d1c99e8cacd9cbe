// The subresources a descriptor may have and what their operations take and return, as upstream's
// API reference describes them. The generator emits the schemas of the kinds with a body (Scale,
// Binding, ...); the document builder writes their operations.
import type { ResourceDescriptor } from '../registry/resource.js';
import type { GroupVersionKindExtension } from './schema-types.js';

/**
 * read/replace/patch/create: the usual verbs on one object (GET, PUT, PATCH, POST);
 * connect: a streaming or proxied request, for each of the listed methods.
 */
export type SubresourceVerb = 'read' | 'replace' | 'patch' | 'create';

export interface SubresourceSpec {
  readonly name: string;
  /** The kind of the body and the answer; undefined: the resource's own kind. */
  readonly kind?: GroupVersionKindExtension;
  readonly verbs: readonly SubresourceVerb[];
  /** Connect operations instead of verbs: the HTTP methods served. */
  readonly connect?: readonly ('get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options')[];
  /** Query parameters (name → description) of a connect or read operation. */
  readonly query?: Readonly<Record<string, string>>;
  /** The answer is text, not an object (pods/log). */
  readonly text?: boolean;
}

const core = (kind: string): GroupVersionKindExtension => ({ group: '', version: 'v1', kind });

const STREAMS = {
  container: 'The container in which to run the command (or to attach to). Defaults to the only container if there is one.',
  stderr: 'Redirect the standard error stream of the pod for this call.',
  stdin: 'Redirect the standard input stream of the pod for this call. Defaults to false.',
  stdout: 'Redirect the standard output stream of the pod for this call.',
  tty: 'TTY if true indicates that a tty will be allocated for the exec call. Defaults to false.',
};

const PROXY_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

const KNOWN: Readonly<Record<string, Omit<SubresourceSpec, 'name'>>> = {
  binding: { kind: core('Binding'), verbs: ['create'] },
  eviction: { kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
  token: { kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] },
  finalize: { verbs: ['replace'] },
  log: {
    verbs: ['read'],
    text: true,
    query: {
      container: 'The container for which to stream logs. Defaults to the only container if there is one container in the pod.',
      follow: 'Follow the log stream of the pod. Defaults to false.',
      limitBytes: 'If set, the number of bytes to read from the server before terminating the log output.',
      previous: 'Return previous terminated container logs. Defaults to false.',
      sinceSeconds: 'A relative time in seconds before the current time from which to show logs.',
      tailLines: 'If set, the number of lines from the end of the logs to show.',
      timestamps: 'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.',
    },
  },
  exec: {
    kind: core('PodExecOptions'),
    verbs: [],
    connect: ['get', 'post'],
    query: { command: 'Command is the remote command to execute; argv array. Not executed within a shell.', ...STREAMS },
  },
  attach: { kind: core('PodAttachOptions'), verbs: [], connect: ['get', 'post'], query: STREAMS },
  portforward: {
    kind: core('PodPortForwardOptions'),
    verbs: [],
    connect: ['get', 'post'],
    query: { ports: 'List of ports to forward. Required when using WebSockets.' },
  },
  proxy: { verbs: [], connect: PROXY_METHODS, query: { path: 'Path is the URL path to use for the current proxy request.' } },
};

/** The subresources of a descriptor: status and scale from its flags, the others by name. */
export function subresourcesOf(d: ResourceDescriptor): SubresourceSpec[] {
  const specs: SubresourceSpec[] = [];
  if (d.hasStatus) specs.push({ name: 'status', verbs: ['read', 'replace', 'patch'] });
  if (d.scale !== undefined) specs.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['read', 'replace', 'patch'] });
  for (const name of d.otherSubresources ?? []) {
    const known = Object.hasOwn(KNOWN, name) ? KNOWN[name] : undefined;
    if (known === undefined) continue;
    const proxyKind = d.kind === 'Node' || d.kind === 'Service' || d.kind === 'Pod' ? core(`${d.kind}ProxyOptions`) : undefined;
    specs.push({ name, ...known, ...(name === 'proxy' && proxyKind !== undefined ? { kind: proxyKind } : {}) });
  }
  return specs;
}

/** The kinds subresources take as a body: the generator emits their schemas. */
export function subresourceBodyKinds(d: ResourceDescriptor): GroupVersionKindExtension[] {
  return subresourcesOf(d)
    .filter((s) => s.kind !== undefined && s.connect === undefined)
    .map((s) => s.kind as GroupVersionKindExtension);
}
