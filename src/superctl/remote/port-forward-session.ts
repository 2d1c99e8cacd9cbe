// The client side of portforward.k8s.io, as kubectl's portforward package does it: one SPDY/3.1
// connection to the pod's portforward subresource (an HTTP upgrade; the WebSocket tunnel kubectl
// 1.31+ prefers has the subprotocol "SPDY/3.1+portforward.k8s.io", which the ws client refuses to
// send), local listeners, and for every local connection a pair of streams (an error stream and a
// data stream, both with the port and one requestID). The data stream carries the bytes; whatever
// arrives on the error stream is printed and only that connection ends.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../client/client-errors.js';
import type { ClientConfig } from '../../client/kubeconfig.js';
import type { Headers } from '../../spdy/framing.js';
import { SpdyConnection } from '../../spdy/spdy-connection.js';
import { CliError } from '../cli-error.js';
import type { ForwardedPort } from './port-forward-ports.js';
import { headersOf, tlsOptions, urlOf } from './stream-request.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

export interface PortForwardRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly ports: readonly ForwardedPort[];
  /** The addresses to listen on (IPs, or "localhost" for 127.0.0.1 and ::1). */
  readonly addresses: readonly string[];
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Aborted: stop listening, close the connection, resolve. */
  readonly signal: AbortSignal;
}

/** POSTs the upgrade to SPDY/3.1 and hands over the socket once the server switched protocols. */
function upgradeToSpdy(config: ClientConfig, path: string): Promise<Duplex> {
  const url = urlOf(config, path, new URLSearchParams());
  const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requestFn(url, {
      method: 'POST',
      headers: { ...headersOf(config), Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': PORT_FORWARD_PROTOCOL },
      ...tlsOptions(config),
    });
    req.once('upgrade', (res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      const protocol = res.headers['x-stream-protocol-version'];
      if (protocol !== undefined && protocol !== PORT_FORWARD_PROTOCOL) {
        socket.destroy();
        reject(new CliError(`error: error upgrading connection: the server chose the protocol ${String(protocol)}, not ${PORT_FORWARD_PROTOCOL}`));
        return;
      }
      socket.setNoDelay(true);
      resolve(socket);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => reject(ApiError.fromResponse(res.statusCode ?? 0, 'POST', path, Buffer.concat(chunks))));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** klog's line for an error kubectl reports through runtime.HandleError (as kubectl 1.31+ words it). */
function klogError(message: string): string {
  const now = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');
  const micros = String(now.getMilliseconds() * 1000).padStart(6, '0');
  const stamp = `${two(now.getMonth() + 1)}${two(now.getDate())} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}.${micros}`;
  return `E${stamp} ${String(process.pid).padStart(7)} port-forward-session.ts] "Unhandled Error" err=${JSON.stringify(message)}\n`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function listenOn(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Half-open: a local client that is done sending still gets the pod's answer.
    const server = createServer({ allowHalfOpen: true });
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Forwards until the signal aborts (resolves) or the connection to the pod is lost (rejects). */
export async function runPortForward(config: ClientConfig, request: PortForwardRequest): Promise<void> {
  const path = `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/portforward`;
  const connection = new SpdyConnection(await upgradeToSpdy(config, path), 'client');
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let nextRequestId = 0;

  const handle = (socket: Socket, port: ForwardedPort): void => {
    request.out(`Handling connection for ${port.local}\n`);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const requestId = String(nextRequestId++);
    const headers = (type: string): Headers => new Map([['streamtype', [type]], ['port', [String(port.remote)]], ['requestid', [requestId]]]);
    const errorStream = connection.openStream(headers('error'));
    // Nothing goes to the server on the error stream.
    void errorStream.end();
    const errorText = new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      errorStream.incoming.on('data', (c: Buffer) => chunks.push(c));
      errorStream.incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const dataStream = connection.openStream(headers('data'));
    const remoteDone = new Promise<void>((resolve) => {
      dataStream.incoming.once('end', resolve);
      socket.once('close', resolve);
    });
    dataStream.incoming.pipe(socket);
    // However the local side went (even without a FIN), the pod's side is told it is over.
    socket.once('close', () => void dataStream.end());
    // Local to pod one chunk at a time: a slow pod slows the local client down, not our memory.
    socket.on('data', (chunk: Buffer) => {
      socket.pause();
      void dataStream.write(chunk).then(() => socket.resume());
    });
    socket.once('end', () => void dataStream.end());
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') request.err(klogError(`error copying from local connection to remote stream: ${error.message}`));
      dataStream.incoming.unpipe(socket);
      void dataStream.end();
    });
    void remoteDone
      .then(() => errorText)
      .then((message) => {
        if (message !== '') request.err(klogError(`an error occurred forwarding ${port.local} -> ${port.remote}: ${message}`));
        socket.end();
      });
  };

  try {
    for (const port of request.ports) {
      let local = port.local;
      const failures: string[] = [];
      for (const address of request.addresses) {
        for (const host of address === 'localhost' ? ['127.0.0.1', '::1'] : [address]) {
          try {
            const server = await listenOn(host, local);
            // A port the system picked is then used on every other address too, as kubectl does.
            const bound = (server.address() as { port: number }).port;
            local = bound;
            const forwarded = { local: bound, remote: port.remote };
            server.on('connection', (socket) => handle(socket, forwarded));
            servers.push(server);
            request.out(`Forwarding from ${hostPort(host, bound)} -> ${port.remote}\n`);
          } catch (error) {
            failures.push(`unable to create listener: Error listen tcp ${hostPort(host, local)}: ${(error as Error).message}`);
          }
        }
      }
      if (failures.length > 0) request.err(`Unable to listen on port ${local}: Listeners failed to create with the following errors: [${failures.join(' ')}]\n`);
    }
    if (servers.length === 0) throw new CliError(`error: unable to listen on any of the requested ports: ${request.ports.map((p) => `${p.local}:${p.remote}`).join(' ')}`);
    await new Promise<void>((resolve, reject) => {
      if (request.signal.aborted) return resolve();
      request.signal.addEventListener('abort', () => resolve(), { once: true });
      connection.once('close', () => (request.signal.aborted ? resolve() : reject(new CliError('error: lost connection to pod'))));
    });
  } finally {
    for (const server of servers) server.close();
    for (const socket of sockets) socket.destroy();
    connection.destroy();
  }
}
