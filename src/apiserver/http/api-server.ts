// SuperAPIServer's HTTPS front: authenticate, limit what is in flight, then route to the
// non-resource endpoints (health, version, discovery, metrics) or to the resource handlers.
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApiError, badRequest, methodNotAllowed, tooManyRequests } from '../../api/api-errors.js';
import type { Logger } from '../../util/log.js';
import { silentLogger } from '../../util/log.js';
import type { Authenticator, UserInfo } from '../authn/types.js';
import { isAuthenticationError } from '../authn/types.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from '../discovery/discovery.js';
import { versionInfo } from '../discovery/version.js';
import { handleOpenApi } from '../openapi/index.js';
import type { RequestContext } from '../handlers/context.js';
import { routeResource } from '../handlers/router.js';
import { DEFAULT_WATCH_SETTINGS, type WatchSettings } from '../handlers/watch.js';
import type { Registry } from '../registry/registry.js';
import { SuperletConnector, type SuperletCredentials } from '../nodeproxy/superlet-connector.js';
import { ApiMetrics } from './metrics.js';
import { parseRequestInfo, type RequestInfo, type ResourceRequestInfo } from './request-info.js';
import { writeError, writeJson, writeText } from './responses.js';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  /** CA(s) that client certificates must chain to. */
  readonly clientCa: string;
}

export interface ApiServerOptions {
  readonly registry: Registry;
  readonly authenticator: Authenticator;
  readonly tls: TlsMaterial;
  readonly host: string;
  readonly port: number;
  /** Requests (watches excluded) served at once before 429 (upstream's max-requests-inflight + mutating). */
  readonly maxInFlight?: number;
  readonly watch?: WatchSettings;
  readonly logger?: Logger;
  readonly metrics?: ApiMetrics;
  /** The API server's client certificate toward superlets (pods/log, pods/exec, pods/attach). */
  readonly superletCredentials?: SuperletCredentials;
}

// /cacerts serves the cluster CA (public anyway) so a joining agent can check it against its token.
const PUBLIC_PATHS = /^\/(healthz|livez|readyz|version|cacerts)(\/.*)?$/;

export class ApiServer {
  private server: Server | undefined;
  private inFlight = 0;
  private readonly stopping = new AbortController();
  readonly metrics: ApiMetrics;
  private readonly logger: Logger;
  private readonly maxInFlight: number;
  private readonly watchSettings: WatchSettings;
  private ready = false;
  private readonly superlets: SuperletConnector | undefined;

  constructor(private readonly options: ApiServerOptions) {
    // Every open request (watches above all) listens for the server stopping.
    setMaxListeners(0, this.stopping.signal);
    this.superlets = options.superletCredentials === undefined ? undefined : new SuperletConnector({ credentials: options.superletCredentials });
    this.metrics = options.metrics ?? new ApiMetrics();
    this.logger = options.logger ?? silentLogger;
    this.maxInFlight = options.maxInFlight ?? 600;
    this.watchSettings = options.watch ?? DEFAULT_WATCH_SETTINGS;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(signal?: AbortSignal): Promise<void> {
    const server = createServer(
      {
        key: this.options.tls.key,
        cert: this.options.tls.cert,
        ca: [this.options.tls.clientCa],
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      },
      (request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          this.logger.error('request handling failed', { error });
          response.destroy();
        });
      },
    );
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => this.handleUpgrade(request, socket, head));
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** The caches have listed: /readyz says ok from now on. */
  markReady(): void {
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.superlets?.close();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2000).unref();
    });
  }

  /**
   * An upgrade request (pods/exec and pods/attach over WebSocket or SPDY) goes through the same
   * authentication and routing as any other, with a response written on its socket; a handler that
   * proxies the upgrade takes the socket over, anything else is answered and the socket closed.
   */
  private handleUpgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    if (head.length > 0) socket.unshift(head);
    const response = new ServerResponse(request);
    response.assignSocket(socket);
    response.shouldKeepAlive = false;
    response.once('finish', () => socket.end());
    socket.once('error', () => socket.destroy());
    this.handle(request, response).catch((error: unknown) => {
      this.logger.error('upgrade handling failed', { error });
      socket.destroy();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    // The raw path: WHATWG URL would resolve "." and ".." (even as %2e%2e) into another path.
    const rawUrl = request.url ?? '/';
    const rawPath = rawUrl.split('?')[0] ?? '/';
    const url = new URL(rawUrl, 'https://localhost');
    const info = parseRequestInfo(request.method ?? 'GET', rawPath, url.searchParams);
    const longRunning = info.kind === 'resource' && (info.verb === 'watch' || ['log', 'exec', 'attach', 'portforward'].includes(info.subresource ?? ''));
    let counted = false;
    try {
      if (rawPath.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
        throw badRequest(`invalid path ${JSON.stringify(rawPath)}: a path segment may not be "." or ".."`);
      }
      const user = await this.authenticate(request, url.pathname);
      if (!longRunning) {
        if (this.inFlight >= this.maxInFlight) throw tooManyRequests();
        this.inFlight++;
        counted = true;
        this.metrics.inflight.inc();
      }
      await this.route(request, response, url, info, user);
    } catch (error) {
      if (!(error instanceof ApiError)) this.logger.error('request failed', { path: url.pathname, error });
      writeError(response, error);
    } finally {
      if (counted) {
        this.inFlight--;
        this.metrics.inflight.dec();
      }
      const { verb, group, resource, subresource } = metricLabels(info);
      this.metrics.requests.inc({ verb, group, resource, subresource, code: String(response.statusCode) });
      if (!longRunning) this.metrics.latency.observe({ verb, group, resource }, (performance.now() - started) / 1000);
    }
  }

  private async authenticate(request: IncomingMessage, path: string): Promise<UserInfo | undefined> {
    let user: UserInfo | undefined;
    try {
      user = await this.options.authenticator.authenticate(request);
    } catch (error) {
      if (isAuthenticationError(error)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      throw error;
    }
    const publicPath = (request.method === 'GET' || request.method === 'HEAD') && PUBLIC_PATHS.test(path);
    if (user === undefined && !publicPath) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return user;
  }

  private async route(request: IncomingMessage, response: ServerResponse, url: URL, info: RequestInfo, user: UserInfo | undefined): Promise<void> {
    const { registry } = this.options;
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (/^\/(healthz|livez)(\/.*)?$/.test(path)) return writeText(response, 200, 'ok');
    if (/^\/readyz(\/.*)?$/.test(path)) return this.ready ? writeText(response, 200, 'ok') : writeText(response, 500, 'caches not synced');
    if (path === '/version') {
      if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed();
      return writeJson(response, 200, versionInfo());
    }
    if (path === '/cacerts') {
      if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed();
      return writeText(response, 200, this.options.tls.clientCa);
    }
    if (user === undefined) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    if (info.kind === 'resource') {
      info = legacyBinding(info);
      const resource = registry.lookup(info.group, info.version, info.resource);
      if (resource === undefined) throw notFoundPath();
      const abort = new AbortController();
      const onStop = (): void => abort.abort();
      this.stopping.signal.addEventListener('abort', onStop, { once: true });
      // Only a client that leaves early aborts (building the abort reason is not free).
      response.once('close', () => {
        if (!response.writableFinished) abort.abort();
      });
      const context: RequestContext = {
        request,
        response,
        info,
        resource,
        registry,
        query: url.searchParams,
        user,
        signal: abort.signal,
        ...(this.superlets === undefined ? {} : { superlets: this.superlets }),
      };
      try {
        if (info.verb === 'watch') this.metrics.watches.inc({ group: info.group, resource: info.resource });
        await routeResource(context, this.watchSettings);
      } finally {
        if (info.verb === 'watch') this.metrics.watches.dec({ group: info.group, resource: info.resource });
        this.stopping.signal.removeEventListener('abort', onStop);
      }
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed();
    if (handleOpenApi(request, response, path, registry)) return;
    const accept = request.headers.accept;
    const aggregated = aggregatedVersion(accept);
    if (path === '/api') {
      if (aggregated !== undefined) return writeJson(response, 200, aggregatedDiscovery(registry, aggregated, true), aggregatedContentType(aggregated));
      return writeJson(response, 200, apiVersions(`${this.options.host}:${this.port}`));
    }
    if (path === '/apis') {
      if (aggregated !== undefined) return writeJson(response, 200, aggregatedDiscovery(registry, aggregated, false), aggregatedContentType(aggregated));
      return writeJson(response, 200, apiGroupList(registry));
    }
    if (path === '/metrics') {
      const text = await this.metrics.registry.metrics();
      response.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
      response.end(text);
      return;
    }
    const legacy = /^\/api\/([^/]+)$/.exec(path);
    if (legacy?.[1] === 'v1') return writeJson(response, 200, apiResourceList(registry, '', 'v1'));
    const groupMatch = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (groupMatch?.[1] !== undefined) {
      const group = registry.groups().find((g) => g.group === groupMatch[1]);
      if (group !== undefined) {
        if (groupMatch[2] === undefined) return writeJson(response, 200, apiGroup(group.group, group.versions));
        if (group.versions.includes(groupMatch[2])) return writeJson(response, 200, apiResourceList(registry, group.group, groupMatch[2]));
      }
    }
    throw notFoundPath();
  }
}

/** The legacy POST /api/v1/namespaces/NS/bindings is pods/binding with the pod named in the body. */
function legacyBinding(info: ResourceRequestInfo): ResourceRequestInfo {
  if (info.group !== '' || info.version !== 'v1' || info.resource !== 'bindings') return info;
  if (info.verb !== 'create' || info.name !== undefined || info.namespace === undefined) throw methodNotAllowed();
  return { ...info, resource: 'pods', subresource: 'binding' };
}

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function metricLabels(info: RequestInfo): { verb: string; group: string; resource: string; subresource: string } {
  if (info.kind === 'nonResource') return { verb: info.verb, group: '', resource: '', subresource: '' };
  return { verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource ?? '' };
}

