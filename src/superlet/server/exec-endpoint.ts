// /exec/{namespace}/{pod}/{container} and /attach/...: the kubelet's streaming endpoints. The
// client upgrades to WebSocket (remotecommand v5/v4; kubectl 1.30+, client libraries) or to
// SPDY/3.1 (remotecommand v4; kubectl before 1.30). Query: command (repeated; exec only), and the
// streams as the kubelet names them (input, output, error, tty = 1), or as stdin, stdout, stderr.
// Everything that can fail once the client asked properly (no such container, the runtime refusing)
// is reported after the upgrade as a Status on the error stream, as upstream's translator does:
// kubectl 1.30+ falls back to SPDY on any refused WebSocket upgrade, which would hide the error.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../util/log.js';
import { RuntimeNotFoundError, type Runtime } from '../runtime/runtime.js';
import { statusFailure } from './http-replies.js';
import { failureStatus, serveSession, type CommandTransport } from './remotecommand.js';
import { acceptSpdy, negotiateSpdyProtocol } from './spdy/spdy-transport.js';
import { chooseWebSocketProtocol, WEBSOCKET_PROTOCOLS, WebSocketTransport } from './websocket-transport.js';

/** The id of a pod's container (its previous run, for logs --previous), or undefined when there is none. */
export type ContainerResolver = (namespace: string, podName: string, containerName: string, previous: boolean) => Promise<string | undefined>;

export interface StreamTarget {
  readonly kind: 'exec' | 'attach';
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

interface StreamOptions {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function streamOptions(query: URLSearchParams): StreamOptions {
  const on = (...names: string[]): boolean =>
    names.some((name) => {
      const value = query.get(name);
      return value === '1' || value?.toLowerCase() === 'true';
    });
  const tty = on('tty');
  return {
    command: query.getAll('command'),
    stdin: on('input', 'stdin'),
    stdout: on('output', 'stdout'),
    // With a tty there is no separate stderr (the kubelet drops it too).
    stderr: !tty && on('error', 'stderr'),
    tty,
  };
}

const REASON_PHRASES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

/** Writes an HTTP error (a Status) on a socket that has not been upgraded, then closes it. */
function refuse(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify(statusFailure(code, message));
  const head = [`HTTP/1.1 ${code} ${REASON_PHRASES[code] ?? 'Error'}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

export class StreamEndpoint {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // Without this ws would upgrade a client offering none of our protocols; those are refused before.
    handleProtocols: (offered) => chooseWebSocketProtocol(offered) ?? false,
  });
  private readonly spdy = new Set<Duplex>();

  constructor(
    private readonly runtime: Runtime,
    private readonly resolve: ContainerResolver,
    private readonly logger: Logger,
  ) {}

  /** Serves an upgrade request; resolves when the exchange is over. */
  async handle(target: StreamTarget, request: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<void> {
    const upgrade = (request.headers.upgrade ?? '').toLowerCase();
    const options = streamOptions(query);
    if (upgrade !== 'websocket' && upgrade !== 'spdy/3.1') return refuse(socket, 400, 'Upgrade request required');
    if (!options.stdin && !options.stdout && !options.stderr) return refuse(socket, 400, 'you must specify at least 1 of stdin, stdout, stderr');
    if (target.kind === 'exec' && options.command.length === 0) return refuse(socket, 400, 'you must specify at least one command for the container');
    let transport: CommandTransport | undefined;
    if (upgrade === 'websocket') {
      const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (chooseWebSocketProtocol(offered) === undefined) {
        return refuse(socket, 400, `unable to upgrade: the client must ask for one of the subprotocols ${WEBSOCKET_PROTOCOLS.join(', ')}`);
      }
      const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(request, socket, head, resolve));
      ws.on('error', (error) => this.logger.debug('stream connection failed', { error }));
      transport = new WebSocketTransport(ws);
    } else {
      const negotiated = negotiateSpdyProtocol(request);
      if ('refusal' in negotiated) return refuse(socket, 403, negotiated.refusal);
      this.spdy.add(socket);
      socket.once('close', () => this.spdy.delete(socket));
      transport = await acceptSpdy(socket, head, options);
      if (transport === undefined) return;
    }
    try {
      await this.serve(transport, target, options);
    } catch (error) {
      this.logger.warn('stream failed', { error, ...target });
      await transport.finish(failureStatus(500, error instanceof Error ? error.message : String(error)));
    }
  }

  private async serve(transport: CommandTransport, target: StreamTarget, options: StreamOptions): Promise<void> {
    const { namespace, pod, container } = target;
    const id = await this.resolve(namespace, pod, container, false);
    if (id === undefined) return transport.finish(failureStatus(404, `container not found ("${container}") in pod "${namespace}/${pod}"`));
    if (target.kind === 'attach') {
      return transport.finish(failureStatus(400, `attach is not supported by the ${this.runtime.name} runtime of this superlet; use exec`));
    }
    let session;
    try {
      session = await this.runtime.exec(id, options);
    } catch (error) {
      if (error instanceof RuntimeNotFoundError) return transport.finish(failureStatus(404, `container not found ("${container}")`));
      return transport.finish(failureStatus(500, `error executing command in container: ${error instanceof Error ? error.message : String(error)}`));
    }
    // The client may have gone while the exec was being set up.
    if (!transport.open) {
      session.close?.();
      return;
    }
    await serveSession(transport, session, options.command);
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    for (const socket of this.spdy) socket.destroy();
  }
}
