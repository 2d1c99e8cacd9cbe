// The server side of a SPDY/3.1 connection as moby/spdystream's client drives it: the client opens
// streams (SYN_STREAM with headers), we accept each at once (SYN_REPLY), data flows both ways in
// DATA frames, FIN half-closes a stream; PINGs are answered. spdystream does no flow control, so
// neither do we (WINDOW_UPDATE and SETTINGS are read and ignored).
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import {
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  goAway,
  HeaderDecoder,
  HeaderEncoder,
  ping,
  rstStream,
  synReply,
  type Frame,
  type Headers,
} from './framing.js';

/** Largest DATA payload we send (spdystream reads any size up to 16 MiB; smaller keeps latency low). */
const MAX_DATA = 32 * 1024;
const RST_PROTOCOL_ERROR = 1;

export class SpdyStream {
  /** What the client sends on this stream; ends when it half-closes. */
  readonly incoming = new PassThrough();
  private ended = false;

  constructor(
    readonly id: number,
    readonly headers: Headers,
    private readonly connection: SpdyConnection,
  ) {}

  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  /** Sends data on the stream; resolves once handed to the socket. */
  write(data: Buffer): Promise<void> {
    if (this.ended) return Promise.resolve();
    const writes: Promise<void>[] = [];
    for (let at = 0; at < data.length; at += MAX_DATA) writes.push(this.connection.send(dataFrame(this.id, data.subarray(at, at + MAX_DATA), false)));
    return Promise.all(writes).then(() => undefined);
  }

  /** Half-closes our side (an empty DATA frame with FIN). */
  end(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    return this.connection.send(dataFrame(this.id, Buffer.alloc(0), true));
  }
}

export interface SpdyConnectionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  private readonly reader = new FrameReader();
  private readonly decoder = new HeaderDecoder();
  private readonly encoder = new HeaderEncoder();
  private readonly streams = new Map<number, SpdyStream>();
  private lastStreamId = 0;
  private closed = false;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of this.reader.push(chunk)) this.handle(frame);
      } catch {
        // A frame we cannot read leaves the connection in an unknown state: end it.
        this.destroy();
      }
    });
    socket.once('close', () => this.onClosed());
    socket.once('error', () => this.destroy());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(bytes: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** GOAWAY, then the socket closes once what was written is out. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.send(goAway(this.lastStreamId));
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
    this.onClosed();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.incoming.end();
    this.streams.clear();
    this.emit('close');
  }

  private handle(frame: Frame): void {
    if (frame.kind === 'data') {
      const stream = this.streams.get(frame.streamId);
      if (stream === undefined) return;
      if (frame.data.length > 0) stream.incoming.write(frame.data);
      if (frame.fin) stream.incoming.end();
      return;
    }
    const { type, flags, payload } = frame;
    switch (type) {
      case FrameType.synStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const headers = this.decoder.decode(payload.subarray(10));
        // Client streams are odd and increasing; anything else is refused, as spdystream does.
        if (id % 2 === 0 || id <= this.lastStreamId) {
          void this.send(rstStream(id, RST_PROTOCOL_ERROR));
          return;
        }
        this.lastStreamId = id;
        const stream = new SpdyStream(id, headers, this);
        this.streams.set(id, stream);
        void this.send(synReply(id, this.encoder.encode(new Map())));
        if ((flags & FLAG_FIN) !== 0) stream.incoming.end();
        this.emit('stream', stream);
        return;
      }
      case FrameType.rstStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        this.streams.get(id)?.incoming.end();
        this.streams.delete(id);
        return;
      }
      case FrameType.ping:
        // Odd ids are the client's: echo them. Even ones would answer our pings (we send none).
        if (payload.readUInt32BE(0) % 2 === 1) void this.send(ping(payload.readUInt32BE(0)));
        return;
      case FrameType.goAway:
        void this.close();
        return;
      case FrameType.headers:
        // Extra headers on a stream: read (the shared zlib stream must advance) and ignored.
        this.decoder.decode(payload.subarray(4));
        return;
      default:
        // SETTINGS, WINDOW_UPDATE: nothing to do without flow control.
        return;
    }
  }
}
