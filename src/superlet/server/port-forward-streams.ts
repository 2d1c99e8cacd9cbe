// The streams of a port-forward session (portforward.k8s.io, as the kubelet serves it): for every
// local connection the client opens two SPDY streams carrying the headers streamType (error or
// data), port and requestID; once both of a request have come, the data stream is joined to a TCP
// connection to the pod's port. A failure is written as text on the error stream (kubectl prints
// it: "an error occurred forwarding 8080 -> 80: ..."); both streams are then closed.
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../util/log.js';
import type { SpdyConnection, SpdyStream } from '../../spdy/spdy-connection.js';

/** How long the client has to open the second stream of a pair (the kubelet's stream creation timeout). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface PortForwardPod {
  /** "name_namespace", the pod's full name as the kubelet writes it in errors. */
  readonly fullName: string;
  readonly uid: string;
  /** Where the pod's ports are reached from the superlet (the pod's IP on the runtime's network). */
  readonly host: string;
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Serves the connection's stream pairs until it closes. */
export function servePortForward(connection: SpdyConnection, pod: PortForwardPod, logger: Logger): void {
  const pairs = new Map<string, Pair>();
  const sockets = new Set<Socket>();
  connection.once('close', () => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
    for (const socket of sockets) socket.destroy();
  });
  connection.on('stream', (stream) => {
    const type = stream.header('streamtype');
    if (type !== 'error' && type !== 'data') {
      logger.debug('port-forward stream of an unknown type ignored', { type });
      void stream.end();
      return;
    }
    // Clients older than requestID paired streams by id: the data stream follows its error stream.
    const requestId = stream.header('requestid') ?? String(type === 'error' ? stream.id : stream.id - 2);
    let pair = pairs.get(requestId);
    if (pair === undefined) {
      const timer = setTimeout(() => {
        pairs.delete(requestId);
        void fail(pair?.error, pair?.data, 'timed out waiting for streams');
      }, STREAM_CREATION_TIMEOUT_MS);
      pair = { timer };
      pairs.set(requestId, pair);
    }
    if (pair[type] !== undefined) {
      void stream.end();
      return;
    }
    pair[type] = stream;
    if (pair.error === undefined || pair.data === undefined) return;
    clearTimeout(pair.timer);
    pairs.delete(requestId);
    forward(pair.error, pair.data, pod, sockets);
  });
}

async function fail(errorStream: SpdyStream | undefined, dataStream: SpdyStream | undefined, message: string): Promise<void> {
  if (errorStream !== undefined) {
    await errorStream.write(Buffer.from(message));
    await errorStream.end();
  }
  await dataStream?.end();
}

function forward(errorStream: SpdyStream, dataStream: SpdyStream, pod: PortForwardPod, sockets: Set<Socket>): void {
  const portText = dataStream.header('port') ?? '';
  const port = /^[0-9]+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    void fail(errorStream, dataStream, `invalid port: "${portText}"`);
    return;
  }
  // Unlike the kubelet, which dials inside the pod's network namespace, the superlet dials the
  // pod's IP from the host: a port the pod binds to 127.0.0.1 only cannot be reached.
  const socket = connect({ host: pod.host, port });
  sockets.add(socket);
  let failed = false;
  const finish = async (error?: Error): Promise<void> => {
    if (error !== undefined && !failed) {
      failed = true;
      await errorStream.write(Buffer.from(`error forwarding port ${port} to pod ${pod.fullName}, uid ${pod.uid}: ${error.message}`));
    }
    await dataStream.end();
    await errorStream.end();
  };
  socket.once('error', (error) => {
    sockets.delete(socket);
    void finish(error);
    dataStream.incoming.unpipe(socket);
  });
  // Pod to client: one chunk at a time, so a slow client slows the pod down rather than memory.
  socket.on('data', (chunk: Buffer) => {
    socket.pause();
    void dataStream.write(chunk).then(() => socket.resume());
  });
  socket.once('end', () => void finish());
  socket.once('close', () => sockets.delete(socket));
  // Client to pod; the client half-closing its stream half-closes the TCP connection.
  dataStream.incoming.pipe(socket);
}
