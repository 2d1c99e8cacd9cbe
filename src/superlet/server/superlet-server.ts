// The superlet's own HTTPS API, the kubelet's port 10250: container logs and exec for the API
// server's pods/log and pods/exec. It serves a self-signed certificate made at start and accepts
// only clients whose certificate the cluster CA signed and whose name is allowed (the API server).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../util/log.js';
import { silentLogger } from '../../util/log.js';
import type { Runtime } from '../runtime/runtime.js';
import { checkClient, DEFAULT_ALLOWED_CLIENTS } from './client-auth.js';
import { serveContainerLogs } from './container-logs.js';
import { StreamEndpoint, type ContainerResolver } from './exec-endpoint.js';
import { writeText } from './http-replies.js';
import { PortForwardEndpoint, type PodAddressResolver } from './port-forward.js';
import { selfSignedServingCertificate } from './serving-certificate.js';

export type { ContainerResolver } from './exec-endpoint.js';
export type { PodAddressResolver } from './port-forward.js';

export interface SuperletServerOptions {
  readonly runtime: Runtime;
  /** The cluster CA (PEM): client certificates must chain to it. */
  readonly caPem: string;
  /** Client certificate common names served; default only the API server's, supernetes:apiserver. */
  readonly allowedClientNames?: readonly string[];
  readonly bind: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly resolveContainer: ContainerResolver;
  /** Where a pod's ports are reached, for port-forward; without it port-forward answers 404. */
  readonly resolvePodAddress?: PodAddressResolver;
  readonly logger?: Logger;
}

interface Route {
  readonly kind: 'containerLogs' | 'exec' | 'attach' | 'portForward' | 'healthz';
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

/** /containerLogs|exec|attach/{namespace}/{pod}/{container}, each segment percent-decoded. */
function route(url: string): Route | undefined {
  const path = url.split('?')[0] ?? '/';
  if (path === '/healthz') return { kind: 'healthz', namespace: '', pod: '', container: '' };
  const parts = path.split('/');
  // /portForward/{namespace}/{pod}: no container, the pod's network is shared.
  if (parts.length === 4 && parts[1] === 'portForward') parts.push('-');
  if (parts.length !== 5 || parts[0] !== '') return undefined;
  const [, kind, ...rest] = parts;
  if (kind !== 'containerLogs' && kind !== 'exec' && kind !== 'attach' && kind !== 'portForward') return undefined;
  let decoded: string[];
  try {
    decoded = rest.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const [namespace, pod, container] = decoded;
  if (namespace === undefined || pod === undefined || container === undefined) return undefined;
  if (namespace === '' || pod === '' || container === '') return undefined;
  return { kind, namespace, pod, container };
}

export class SuperletServer {
  private readonly logger: Logger;
  private readonly allowed: readonly string[];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private streams: StreamEndpoint | undefined;
  private portForward: PortForwardEndpoint | undefined;

  constructor(private readonly options: SuperletServerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.allowed = options.allowedClientNames ?? DEFAULT_ALLOWED_CLIENTS;
  }

  async start(signal: AbortSignal): Promise<{ port: number }> {
    const tls = await selfSignedServingCertificate({ bind: this.options.bind });
    const streams = new StreamEndpoint(this.options.runtime, this.options.resolveContainer, this.logger);
    this.streams = streams;
    this.portForward = new PortForwardEndpoint(this.options.resolvePodAddress ?? (() => Promise.resolve(undefined)), this.logger);
    const server = createServer(
      { key: tls.keyPem, cert: tls.certPem, ca: [this.options.caPem], requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
      (request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          this.logger.error('request failed', { path: request.url, error });
          writeText(response, 500, error instanceof Error ? error.message : String(error));
        });
      },
    );
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handleUpgrade(request, socket, head).catch((error: unknown) => {
        this.logger.error('upgrade failed', { path: request.url, error });
        socket.destroy();
      });
    });
    server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // A client that fails the TLS handshake (no certificate problems reach here: those are checked
    // per request) is not worth more than a debug line.
    server.on('tlsClientError', (error) => this.logger.debug('TLS handshake failed', { error }));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const stop = (): void => this.stop();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    const port = (server.address() as AddressInfo).port;
    this.logger.info('superlet API serving', { bind: this.options.bind, port });
    return { port };
  }

  private stop(): void {
    this.streams?.close();
    this.portForward?.close();
    this.server?.close();
    // Followed logs and exec sessions never end on their own: cut them.
    for (const socket of this.sockets) socket.destroy();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const client = checkClient(request, this.allowed);
    if (!client.allowed) return writeText(response, client.code, client.message);
    const target = route(request.url ?? '/');
    if (target === undefined) return writeText(response, 404, '404 page not found');
    if (target.kind === 'healthz') return writeText(response, 200, 'ok');
    if (target.kind !== 'containerLogs') return writeText(response, 400, 'Upgrade request required');
    if (request.method !== 'GET' && request.method !== 'HEAD') return writeText(response, 405, `${request.method ?? ''} is not allowed on container logs`);
    const query = new URL(request.url ?? '/', 'https://superlet').searchParams;
    await serveContainerLogs(this.options.runtime, this.options.resolveContainer, target, response, query);
  }

  private async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const client = checkClient(request, this.allowed);
    const target = route(request.url ?? '/');
    const refuse = (code: number, reason: string, text: string): void => {
      socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    if (!client.allowed) return refuse(client.code, client.code === 401 ? 'Unauthorized' : 'Forbidden', client.message);
    if (target?.kind === 'portForward') return this.portForward?.handle(target.namespace, target.pod, request, socket, head);
    if (target === undefined || (target.kind !== 'exec' && target.kind !== 'attach')) return refuse(404, 'Not Found', '404 page not found');
    const query = new URL(request.url ?? '/', 'https://superlet').searchParams;
    await this.streams?.handle({ kind: target.kind, namespace: target.namespace, pod: target.pod, container: target.container }, request, socket, head, query);
  }
}
