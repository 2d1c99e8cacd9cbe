// The REST client: typed verbs over the Kubernetes HTTP API through one keep-alive HTTPS agent that
// carries the cluster CA and the client certificate. Every component (built-in or remote) talks to
// the API server through this, exactly as kubectl would.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { ApiError } from './client-errors.js';
import type { ClientConfig } from './kubeconfig.js';
import { apiVersionOf, resourcePath, type ResourceType } from './resource-types.js';
import { jsonLines } from './watch-stream.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

/** On ERROR, object is a meta/v1 Status. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ListResult<T> {
  items: T[];
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

export interface RawRequestOptions {
  query?: Record<string, string>;
  body?: Buffer | string;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

function queryOf(options: object): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === 'namespace' || key === 'signal' || value === undefined || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') query[key] = String(value);
  }
  return query;
}

export class RestClient {
  readonly config: ClientConfig;
  private readonly url: URL;
  private readonly basePath: string;
  private readonly agent: HttpAgent;
  private readonly timeoutMs: number;

  /** timeoutMs (an addition): idle time after which a non-watch request fails; default 60 s. */
  constructor(options: { config: ClientConfig; timeoutMs?: number }) {
    this.config = options.config;
    this.url = new URL(options.config.server);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') {
      throw new TypeError(`server ${options.config.server}: only https:// and http:// are supported`);
    }
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    const c = options.config;
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({
            keepAlive: true,
            ...(c.caPem !== undefined ? { ca: c.caPem } : {}),
            ...(c.certPem !== undefined ? { cert: c.certPem } : {}),
            ...(c.keyPem !== undefined ? { key: c.keyPem } : {}),
            rejectUnauthorized: c.insecureSkipTlsVerify !== true,
          })
        : new HttpAgent({ keepAlive: true });
  }

  /** Closes the pooled connections (an addition); requests in flight are not affected until they end. */
  close(): void {
    this.agent.destroy();
  }

  async get<T>(type: ResourceType, name: string, namespace?: string): Promise<T> {
    return this.json<T>('GET', resourcePath(type, namespace, name));
  }

  async list<T>(type: ResourceType, options: ListOptions & { namespace?: string } = {}): Promise<ListResult<T>> {
    const result = await this.json<{ items?: T[] | null; metadata?: ListResult<T>['metadata'] }>('GET', resourcePath(type, options.namespace), {
      query: queryOf(options),
    });
    // Upstream lists leave kind and apiVersion off their items; informers and event references need them.
    const items = (result.items ?? []).map((item) => withTypeMeta(type, item));
    return { items, metadata: { resourceVersion: '', ...result.metadata } };
  }

  async create<T extends KubeObject>(type: ResourceType, obj: T, options: { namespace?: string; fieldManager?: string } = {}): Promise<T> {
    const namespace = options.namespace ?? obj.metadata?.namespace ?? (type.namespaced ? (this.config.namespace ?? 'default') : undefined);
    return this.json<T>('POST', resourcePath(type, namespace), {
      query: queryOf({ fieldManager: options.fieldManager }),
      body: JSON.stringify(withTypeMeta(type, obj)),
    });
  }

  async update<T extends KubeObject>(type: ResourceType, obj: T, options: { subresource?: string; fieldManager?: string } = {}): Promise<T> {
    const name = obj.metadata?.name;
    if (name === undefined || name === '') throw new TypeError(`update of a ${type.kind}: metadata.name is required`);
    return this.json<T>('PUT', resourcePath(type, obj.metadata?.namespace, name, options.subresource), {
      query: queryOf({ fieldManager: options.fieldManager }),
      body: JSON.stringify(withTypeMeta(type, obj)),
    });
  }

  async patch<T>(
    type: ResourceType,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    patchType: PatchType,
    options: { subresource?: string; fieldManager?: string; force?: boolean } = {},
  ): Promise<T> {
    return this.json<T>('PATCH', resourcePath(type, namespace, name, options.subresource), {
      query: queryOf({ fieldManager: options.fieldManager, force: options.force }),
      // JSON is YAML, so an apply patch is sent as JSON under the apply content type.
      body: typeof patch === 'string' ? patch : JSON.stringify(patch),
      contentType: PATCH_CONTENT_TYPES[patchType],
    });
  }

  async delete<T = unknown>(type: ResourceType, name: string, namespace?: string, options: DeleteOptions = {}): Promise<T> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...options };
    return this.json<T>('DELETE', resourcePath(type, namespace, name), { body: JSON.stringify(body) });
  }

  async postSubresource<T>(type: ResourceType, name: string, namespace: string | undefined, subresource: string, body: unknown): Promise<T> {
    return this.json<T>('POST', resourcePath(type, namespace, name, subresource), { body: JSON.stringify(body) });
  }

  /**
   * The events of a watch, as they arrive. Ends when the server closes the stream (timeoutSeconds)
   * or when the signal aborts; a non-2xx answer throws ApiError, a broken connection the node error.
   */
  async *watch<T>(type: ResourceType, options: WatchOptions & { namespace?: string; signal?: AbortSignal }): AsyncGenerator<WatchEvent<T>> {
    const signal = options.signal;
    if (signal?.aborted === true) return;
    const path = resourcePath(type, options.namespace);
    let response: IncomingMessage;
    try {
      response = await this.send('GET', path, { query: { ...queryOf(options), watch: 'true' }, ...(signal ? { signal } : {}) }, false);
    } catch (error) {
      if (isAborted(signal)) return;
      throw error;
    }
    try {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) throw ApiError.fromResponse(status, 'GET', path, await readBody(response));
      for await (const value of jsonLines(response as AsyncIterable<Buffer>)) {
        if (!isWatchEvent(value)) throw new Error(`watch ${path}: not a watch event: ${JSON.stringify(value).slice(0, 200)}`);
        yield value as WatchEvent<T>;
      }
    } catch (error) {
      if (isAborted(signal)) return;
      throw error;
    } finally {
      // Also runs when the consumer stops early: the connection must not stay open behind it.
      response.destroy();
    }
  }

  /** One request with the client's credentials. Never throws for an HTTP status, only for transport errors. */
  async request(method: string, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
    const response = await this.send(method, path, options, true);
    const body = await readBody(response);
    return { status: response.statusCode ?? 0, headers: response.headers, body };
  }

  private async json<T>(method: string, path: string, options: RawRequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options);
    if (response.status < 200 || response.status > 299) throw ApiError.fromResponse(response.status, method, path, response.body);
    try {
      return JSON.parse(response.body.toString('utf8')) as T;
    } catch (error) {
      throw new Error(`${method} ${path}: the answer is not JSON`, { cause: error });
    }
  }

  // A pooled connection the server closed while idle fails at once with ECONNRESET; the request
  // never reached the server, so an idempotent one is sent again once on a fresh connection.
  private async send(method: string, path: string, options: RawRequestOptions, timeout: boolean): Promise<IncomingMessage> {
    try {
      return await this.sendOnce(method, path, options, timeout);
    } catch (error) {
      const stale = (error as { reusedSocket?: boolean; code?: string }).reusedSocket === true && (error as { code?: string }).code === 'ECONNRESET';
      if (!stale || !IDEMPOTENT.has(method) || isAborted(options.signal)) throw error;
      return this.sendOnce(method, path, options, timeout);
    }
  }

  private sendOnce(method: string, path: string, options: RawRequestOptions, timeout: boolean): Promise<IncomingMessage> {
    const search = new URLSearchParams(options.query ?? {}).toString();
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
    const headers: Record<string, string> = {
      Accept: options.accept ?? 'application/json',
      'User-Agent': this.config.userAgent ?? 'supernetes-client',
    };
    if (this.config.token !== undefined) headers.Authorization = `Bearer ${this.config.token}`;
    if (body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    const requestFn = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = requestFn({
        protocol: this.url.protocol,
        hostname: this.url.hostname.replace(/^\[|\]$/g, ''),
        port: this.url.port === '' ? undefined : Number(this.url.port),
        method,
        path: `${this.basePath}${path}${search === '' ? '' : `?${search}`}`,
        headers,
        agent: this.agent,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (timeout) req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs} ms`)));
      req.once('response', (res) => {
        // The idle timeout guards the wait for an answer; a streaming body (watch) may be quiet for long.
        if (!timeout) req.setTimeout(0);
        resolve(res);
      });
      req.once('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }
}

// A function, not an inline test: TypeScript would keep the narrowing from before the awaits.
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function readBody(response: IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('error', reject);
    response.once('aborted', () => reject(new Error('the connection closed before the whole answer arrived')));
    response.once('end', () => resolve(Buffer.concat(chunks)));
  });
}

function isWatchEvent(value: unknown): value is WatchEvent<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && WATCH_TYPES.has(type) && 'object' in value;
}

function withTypeMeta<T>(type: ResourceType, obj: T): T {
  const o = obj as KubeObject;
  if (typeof obj !== 'object' || obj === null || (o.kind !== undefined && o.apiVersion !== undefined)) return obj;
  return { apiVersion: apiVersionOf(type), kind: type.kind, ...obj };
}
