// SPDY/3 framing, as far as Kubernetes' streaming (moby/spdystream) uses it, for both ends (the
// superlet serves exec and port-forward, superctl port-forward is a client): control frames
// (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE) and data
// frames. Header blocks are zlib streams shared by the whole connection, primed with SPDY/3's
// dictionary. Ours go out as stored (uncompressed) deflate blocks: valid zlib, and a few bytes of
// headers per stream are not worth a compressor.
import { constants, inflateSync } from 'node:zlib';

export const SPDY_VERSION = 3;

export const FrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;

export type Headers = Map<string, string[]>;

export type Frame =
  | { readonly kind: 'data'; readonly streamId: number; readonly fin: boolean; readonly data: Buffer }
  | { readonly kind: 'control'; readonly type: number; readonly flags: number; readonly payload: Buffer };

const WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
  'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
  'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
  'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive',
  'origin',
];
const TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden' +
  '404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,' +
  'publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** SPDY/3's header compression dictionary (draft 3, section 2.6.10.1): length-prefixed words, then text. */
export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...WORDS.map((word) => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(word.length);
    return Buffer.concat([prefix, Buffer.from(word, 'latin1')]);
  }),
  Buffer.from(TAIL, 'latin1'),
]);

/** Splits a byte stream into frames; `push` returns the frames completed so far. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUIntBE(5, 3);
      if (this.buffer.length < 8 + length) break;
      const first = this.buffer.readUInt32BE(0);
      const flags = this.buffer[4] as number;
      const payload = this.buffer.subarray(8, 8 + length);
      if ((first & 0x80000000) !== 0) frames.push({ kind: 'control', type: first & 0xffff, flags, payload });
      else frames.push({ kind: 'data', streamId: first & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: payload });
      this.buffer = this.buffer.subarray(8 + length);
    }
    return frames;
  }
}

/** Reads the peer's header blocks: one zlib stream across the connection, each block sync-flushed. */
export class HeaderDecoder {
  private compressed: Buffer = Buffer.alloc(0);
  private produced = 0;

  decode(block: Buffer): Headers {
    // Re-inflating the whole (tiny) history keeps this synchronous; streams have a handful of headers.
    this.compressed = Buffer.concat([this.compressed, block]);
    const all = inflateSync(this.compressed, { dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const plain = all.subarray(this.produced);
    this.produced = all.length;
    return parseHeaderBlock(plain);
  }
}

function parseHeaderBlock(plain: Buffer): Headers {
  const headers: Headers = new Map();
  let at = 0;
  const take = (): Buffer => {
    const length = plain.readUInt32BE(at);
    const value = plain.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return value;
  };
  const count = plain.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString('latin1').toLowerCase();
    const values = take().toString('utf8').split('\0');
    headers.set(name, [...(headers.get(name) ?? []), ...values]);
  }
  return headers;
}

const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/** Writes our header blocks as one zlib stream of stored blocks (no dictionary needed to read them). */
export class HeaderEncoder {
  private started = false;

  encode(headers: Headers): Buffer {
    const parts: Buffer[] = [u32(headers.size)];
    for (const [name, values] of headers) {
      const n = Buffer.from(name.toLowerCase(), 'latin1');
      const v = Buffer.from(values.join('\0'), 'utf8');
      parts.push(u32(n.length), n, u32(v.length), v);
    }
    const plain = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored[0] = 0; // BFINAL=0, BTYPE=00 (stored): the stream goes on
    stored.writeUInt16LE(plain.length, 1);
    stored.writeUInt16LE(~plain.length & 0xffff, 3);
    // 0x78 0x01: deflate, 32 KiB window, no preset dictionary.
    const head = this.started ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.started = true;
    // An empty stored block ends each header block, as a zlib sync flush does: Go's inflater
    // hands the headers over only when it reaches it, without reading past the frame.
    return Buffer.concat([head, stored, plain, SYNC_MARKER]);
  }
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

/** Opens a stream: its id, no associated stream, priority 0, then the header block. */
export function synStream(streamId: number, block: Buffer, fin = false): Buffer {
  return controlFrame(FrameType.synStream, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId), u32(0), Buffer.alloc(2), block]));
}

export function synReply(streamId: number, block: Buffer): Buffer {
  return controlFrame(FrameType.synReply, 0, Buffer.concat([u32(streamId), block]));
}

export function ping(id: number): Buffer {
  return controlFrame(FrameType.ping, 0, u32(id));
}

export function goAway(lastGoodStreamId: number): Buffer {
  return controlFrame(FrameType.goAway, 0, Buffer.concat([u32(lastGoodStreamId), u32(0)]));
}

export function rstStream(streamId: number, status: number): Buffer {
  return controlFrame(FrameType.rstStream, 0, Buffer.concat([u32(streamId), u32(status)]));
}
