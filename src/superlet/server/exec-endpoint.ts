// /exec/{namespace}/{pod}/{container} and /attach/...: the kubelet's streaming endpoints, over a
// WebSocket upgrade speaking remotecommand v5/v4. Query: command (repeated; exec only), and the
// streams as the kubelet names them (input, output, error, tty = 1), or as stdin, stdout, stderr.
// Everything that can fail once the client asked properly (no such container, the runtime refusing)
// is reported after the upgrade as a Status on the error channel, as upstream's translator does:
// kubectl 1.30+ falls back to SPDY on any refused upgrade, which would hide the real error.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../util/log.js';
import { RuntimeNotFoundError, type Runtime } from '../runtime/runtime.js';
import { statusFailure } from './http-replies.js';
import { chooseProtocol, failureStatus, finish, Inbox, serveSession, SUPPORTED_PROTOCOLS } from './remotecommand.js';

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

/** Writes an HTTP error on a socket that has not been upgraded, then closes it. */
function refuse(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify(statusFailure(code, message));
  const head = [`HTTP/1.1 ${code} ${code === 400 ? 'Bad Request' : code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : 'Error'}`];
  head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close');
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

export class StreamEndpoint {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // Without this ws would upgrade a client offering none of our protocols; it is refused before.
    handleProtocols: (offered) => chooseProtocol(offered) ?? false,
  });

  constructor(
    private readonly runtime: Runtime,
    private readonly resolve: ContainerResolver,
    private readonly logger: Logger,
  ) {}

  /** Serves an upgrade request; resolves when the exchange is over. */
  async handle(target: StreamTarget, request: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<void> {
    const upgrade = (request.headers.upgrade ?? '').toLowerCase();
    if (upgrade !== 'websocket') {
      const why = upgrade.startsWith('spdy')
        ? `this superlet streams ${target.kind} over WebSocket (${SUPPORTED_PROTOCOLS.join(', ')}) only; SPDY clients (kubectl before 1.30) are not supported yet`
        : 'Upgrade request required';
      return refuse(socket, 400, why);
    }
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (chooseProtocol(offered) === undefined) {
      return refuse(socket, 400, `unable to upgrade: the client must ask for one of the subprotocols ${SUPPORTED_PROTOCOLS.join(', ')}`);
    }
    const options = streamOptions(query);
    if (!options.stdin && !options.stdout && !options.stderr) return refuse(socket, 400, 'you must specify at least 1 of stdin, stdout, stderr');
    if (target.kind === 'exec' && options.command.length === 0) return refuse(socket, 400, 'you must specify at least one command for the container');
    const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(request, socket, head, resolve));
    ws.on('error', (error) => this.logger.debug('stream connection failed', { error }));
    const inbox = new Inbox(ws);
    try {
      await this.serve(ws, inbox, target, options);
    } catch (error) {
      this.logger.warn('stream failed', { error, ...target });
      await finish(ws, failureStatus(500, error instanceof Error ? error.message : String(error)));
    }
  }

  private async serve(ws: WebSocket, inbox: Inbox, target: StreamTarget, options: StreamOptions): Promise<void> {
    const { namespace, pod, container } = target;
    const id = await this.resolve(namespace, pod, container, false);
    if (id === undefined) return finish(ws, failureStatus(404, `container not found ("${container}") in pod "${namespace}/${pod}"`));
    if (target.kind === 'attach') {
      return finish(ws, failureStatus(400, `attach is not supported by the ${this.runtime.name} runtime of this superlet; use exec`));
    }
    let session;
    try {
      session = await this.runtime.exec(id, options);
    } catch (error) {
      if (error instanceof RuntimeNotFoundError) return finish(ws, failureStatus(404, `container not found ("${container}")`));
      return finish(ws, failureStatus(500, `error executing command in container: ${error instanceof Error ? error.message : String(error)}`));
    }
    // The client may have gone while the exec was being set up.
    if (ws.readyState !== ws.OPEN) {
      session.close?.();
      return;
    }
    await serveSession(ws, inbox, session, options.command);
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
