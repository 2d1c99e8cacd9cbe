// remotecommand over SPDY/3.1, protocol v4.channel.k8s.io, as the kubelet serves kubectl before
// 1.30: after the 101 the client opens one stream per purpose, named by its "streamType" header
// (error, stdin, stdout, stderr, resize); once all the request asked for exist the command runs.
// The Status goes on the error stream as JSON, every stream is half-closed and the connection ends.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseResize, type ClientInput, type CommandTransport, type Status } from '../remotecommand.js';
import { SpdyConnection, type SpdyStream } from '../../../spdy/spdy-connection.js';

export const SPDY_PROTOCOL = 'v4.channel.k8s.io';
/** How long the client has to open its streams (the kubelet's default stream creation timeout). */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';
const STREAM_TYPES = new Set<string>(['error', 'stdin', 'stdout', 'stderr', 'resize']);

export interface SpdyRequestedStreams {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** The protocol to speak, or the kubelet's refusal when the client offers none we know. */
export function negotiateSpdyProtocol(request: IncomingMessage): { protocol: string } | { refusal: string } {
  const offered = (request.headers['x-stream-protocol-version'] ?? '')
    .toString()
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (offered.includes(SPDY_PROTOCOL)) return { protocol: SPDY_PROTOCOL };
  return { refusal: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${SPDY_PROTOCOL}]` };
}

/** Switches the socket to SPDY and waits for the client's streams; undefined when they never all come. */
export async function acceptSpdy(socket: Duplex, head: Buffer, requested: SpdyRequestedStreams): Promise<SpdyTransport | undefined> {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${SPDY_PROTOCOL}\r\n\r\n`);
  if (head.length > 0) socket.unshift(head);
  const connection = new SpdyConnection(socket);
  const expected = 1 + Number(requested.stdin) + Number(requested.stdout) + Number(requested.stderr) + Number(requested.tty);
  const streams = new Map<StreamType, SpdyStream>();
  const complete = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), STREAM_CREATION_TIMEOUT_MS);
    connection.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    connection.on('stream', (stream) => {
      const type = stream.header('streamtype') ?? '';
      if (!STREAM_TYPES.has(type) || streams.has(type as StreamType)) {
        clearTimeout(timer);
        resolve(false);
        return;
      }
      streams.set(type as StreamType, stream);
      if (streams.size === expected) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  if (!complete) {
    connection.destroy();
    return undefined;
  }
  return new SpdyTransport(connection, streams);
}

export class SpdyTransport implements CommandTransport {
  constructor(
    private readonly connection: SpdyConnection,
    private readonly streams: Map<StreamType, SpdyStream>,
  ) {}

  get open(): boolean {
    return this.connection.isOpen;
  }

  input(handler: (input: ClientInput) => void): void {
    // The streams buffer what came before this call; listening now delivers it in order.
    const stdin = this.streams.get('stdin')?.incoming;
    stdin?.on('data', (data: Buffer) => handler({ kind: 'stdin', data }));
    stdin?.once('end', () => handler({ kind: 'stdinEnd' }));
    const resize = this.streams.get('resize')?.incoming;
    let pending = '';
    resize?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      // Size messages follow each other as JSON objects (Go's json.Encoder), with no framing.
      for (let end = pending.indexOf('}'); end >= 0; end = pending.indexOf('}')) {
        const size = parseResize(pending.slice(0, end + 1));
        pending = pending.slice(end + 1);
        if (size !== undefined) handler({ kind: 'resize', ...size });
      }
    });
  }

  pause(): void {
    this.streams.get('stdin')?.incoming.pause();
  }

  resume(): void {
    this.streams.get('stdin')?.incoming.resume();
  }

  write(stream: 'stdout' | 'stderr', data: Buffer): Promise<void> {
    return this.streams.get(stream)?.write(data) ?? Promise.resolve();
  }

  async finish(status: Status): Promise<void> {
    await this.streams.get('stdout')?.end();
    await this.streams.get('stderr')?.end();
    const error = this.streams.get('error');
    if (error !== undefined) {
      // v4 writes the Status whatever it is, Success included (v1-v3 wrote only failures, as text).
      await error.write(Buffer.from(JSON.stringify(status)));
      await error.end();
    }
    await this.connection.close();
  }

  onClose(handler: () => void): void {
    if (!this.connection.isOpen) handler();
    else this.connection.once('close', handler);
  }
}
