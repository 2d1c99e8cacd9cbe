// A SPDY/3.1 connection as moby/spdystream speaks it, from either end. As a server (the superlet)
// the client opens streams (SYN_STREAM with headers) and we accept each at once (SYN_REPLY); as a
// client (superctl port-forward) we open them, odd ids increasing. Data flows both ways in DATA
// frames, FIN half-closes a stream; the peer's PINGs are answered. spdystream does no flow
// control, so neither do we (WINDOW_UPDATE and SETTINGS are read and ignored).
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
  synStream,
  type Frame,
  type Headers,
} from './framing.js';

/** Largest DATA payload we send (spdystream reads any size up to 16 MiB; smaller keeps latency low). */
const MAX_DATA = 32 * 1024;
const RST_PROTOCOL_ERROR = 1;
const RST_REFUSED_STREAM = 3;

/** Which end we are: it decides who opens streams and whose pings we answer (client ids are odd). */
export type SpdyRole = 'server' | 'client';

export class SpdyStream {
  /** What the peer sends on this stream; ends when it half-closes (or resets the stream). */
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
    const sent = this.connection.send(dataFrame(this.id, Buffer.alloc(0), true));
    this.connection.forgetIfDone(this);
    return sent;
  }

  /** Both halves closed: the connection need not keep the stream. */
  get done(): boolean {
    return this.ended && this.incoming.writableFinished;
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
  /** The newest stream the peer opened (GOAWAY names it). */
  private lastStreamId = 0;
  /** The id of the next stream we open ourselves. */
  private nextStreamId: number;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly role: SpdyRole = 'server',
  ) {
    super();
    this.nextStreamId = role === 'client' ? 1 : 2;
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

  /** Opens a stream with these headers; data may be written at once (spdystream's servers accept every stream). */
  openStream(headers: Headers): SpdyStream {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(id, headers, this);
    if (this.closed) {
      stream.incoming.end();
      return stream;
    }
    this.track(stream);
    void this.send(synStream(id, this.encoder.encode(headers)));
    return stream;
  }

  /** @internal Called by a stream when it half-closes. */
  forgetIfDone(stream: SpdyStream): void {
    if (stream.done) this.streams.delete(stream.id);
  }

  private track(stream: SpdyStream): void {
    this.streams.set(stream.id, stream);
    stream.incoming.once('finish', () => this.forgetIfDone(stream));
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
        // Nothing Kubernetes serves opens streams towards its client.
        if (this.role === 'client') {
          void this.send(rstStream(id, RST_REFUSED_STREAM));
          return;
        }
        // Client streams are odd and increasing; anything else is refused, as spdystream does.
        if (id % 2 === 0 || id <= this.lastStreamId) {
          void this.send(rstStream(id, RST_PROTOCOL_ERROR));
          return;
        }
        this.lastStreamId = id;
        const stream = new SpdyStream(id, headers, this);
        this.track(stream);
        void this.send(synReply(id, this.encoder.encode(new Map())));
        if ((flags & FLAG_FIN) !== 0) stream.incoming.end();
        this.emit('stream', stream);
        return;
      }
      case FrameType.synReply:
        // The peer accepted a stream of ours; its (empty) headers must still advance the zlib stream.
        this.decoder.decode(payload.subarray(4));
        return;
      case FrameType.rstStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        this.streams.get(id)?.incoming.end();
        this.streams.delete(id);
        return;
      }
      case FrameType.ping: {
        // Clients ping with odd ids, servers with even ones: echo the peer's; ours we never send.
        const id = payload.readUInt32BE(0);
        const peersParity = this.role === 'server' ? 1 : 0;
        if (id % 2 === peersParity) void this.send(ping(id));
        return;
      }
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
