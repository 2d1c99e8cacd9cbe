// /portForward/{namespace}/{pod}: the kubelet's port-forward endpoint. The client upgrades to
// SPDY/3.1 with protocol portforward.k8s.io (kubectl before 1.31, and later ones when WebSockets
// are refused), or to a WebSocket with subprotocol "SPDY/3.1+portforward.k8s.io" (kubectl 1.31+),
// whose binary messages tunnel the very same SPDY byte stream. Either way the streams are then
// served by port-forward-streams.ts.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../util/log.js';
import { statusFailure } from './http-replies.js';
import { servePortForward, type PortForwardPod } from './port-forward-streams.js';
import { SpdyConnection } from '../../spdy/spdy-connection.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** The WebSocket subprotocol of SPDY tunnelled over WebSocket (upstream WebsocketsSPDYTunnelingPrefix + protocol). */
export const PORT_FORWARD_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

/** Where a pod's ports are reached, or undefined when the pod has no running sandbox here. */
export type PodAddressResolver = (namespace: string, podName: string) => Promise<{ uid: string; host: string } | undefined>;

const REASON_PHRASES: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };

function refuse(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify(statusFailure(code, message));
  const head = [`HTTP/1.1 ${code} ${REASON_PHRASES[code] ?? 'Error'}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

export class PortForwardEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly connections = new Set<SpdyConnection>();

  constructor(
    private readonly resolve: PodAddressResolver,
    private readonly logger: Logger,
  ) {
    // ws parses subprotocols as RFC 7230 tokens, which "SPDY/3.1+..." is not ('/'), and refuses
    // the upgrade. The offer is checked in handle() and taken out of the request; the answer is put
    // back here (Go's gorilla/websocket, on both ends upstream, is not that strict).
    this.wss.on('headers', (headers) => headers.push(`Sec-WebSocket-Protocol: ${PORT_FORWARD_TUNNEL_PROTOCOL}`));
  }

  /** Serves an upgrade request; resolves once the session is set up (it runs on until the client leaves). */
  async handle(namespace: string, podName: string, request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const upgrade = (request.headers.upgrade ?? '').toLowerCase();
    if (upgrade !== 'websocket' && upgrade !== 'spdy/3.1') return refuse(socket, 400, 'Upgrade request required');
    if (upgrade === 'websocket') {
      const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes(PORT_FORWARD_TUNNEL_PROTOCOL)) {
        return refuse(socket, 400, `unable to upgrade: the client must ask for the subprotocol ${PORT_FORWARD_TUNNEL_PROTOCOL}`);
      }
      delete request.headers['sec-websocket-protocol'];
    } else {
      const offered = (request.headers['x-stream-protocol-version'] ?? '').toString().split(',').map((p) => p.trim()).filter((p) => p !== '');
      if (!offered.includes(PORT_FORWARD_PROTOCOL)) {
        return refuse(socket, 403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL}]`);
      }
    }
    const address = await this.resolve(namespace, podName);
    // Refused before the upgrade, so kubectl shows it (and does not fall back, which would hide it).
    if (address === undefined) return refuse(socket, 404, `pod "${namespace}/${podName}" has no running sandbox on this node`);
    const pod: PortForwardPod = { fullName: `${podName}_${namespace}`, uid: address.uid, host: address.host };

    let connection: SpdyConnection;
    if (upgrade === 'websocket') {
      const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(request, socket, head, resolve));
      const tunnel = createWebSocketStream(ws);
      tunnel.on('error', (error) => this.logger.debug('port-forward tunnel failed', { error }));
      connection = new SpdyConnection(tunnel);
    } else {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`);
      if (head.length > 0) socket.unshift(head);
      connection = new SpdyConnection(socket);
    }
    this.connections.add(connection);
    connection.once('close', () => this.connections.delete(connection));
    servePortForward(connection, pod, this.logger);
  }

  close(): void {
    for (const connection of this.connections) connection.destroy();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
