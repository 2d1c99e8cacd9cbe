// SpdyConnection as a client: the frames it puts on the wire (SYN_STREAM with odd, increasing ids
// and readable headers, DATA, FIN), what it does with the server's (SYN_REPLY, DATA, FIN, PING),
// checked against a raw socket read with the framing code; and a client and a server connection
// talking to each other over TCP.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dataFrame, FrameReader, FrameType, HeaderDecoder, HeaderEncoder, ping, synReply, type Frame } from '../../src/spdy/framing.js';
import { SpdyConnection, type SpdyStream } from '../../src/spdy/spdy-connection.js';

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  server?.close();
  server = undefined;
});

/** Two ends of a TCP connection on 127.0.0.1. */
async function socketPair(): Promise<[Socket, Socket]> {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server?.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  const other = await accepted;
  sockets.push(client, other);
  return [client, other];
}

/** Reads frames off a raw socket, one at a time. */
function frames(socket: Socket): () => Promise<Frame> {
  const reader = new FrameReader();
  const queue: Frame[] = [];
  const waiting: ((f: Frame) => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const f of reader.push(chunk)) {
      const w = waiting.shift();
      if (w) w(f);
      else queue.push(f);
    }
  });
  return () => new Promise((resolve) => {
    const f = queue.shift();
    if (f) resolve(f);
    else waiting.push(resolve);
  });
}

function text(stream: SpdyStream): Promise<string> {
  return new Promise((resolve) => {
    let all = '';
    stream.incoming.on('data', (c: Buffer) => (all += c.toString()));
    stream.incoming.once('end', () => resolve(all));
  });
}

describe('SpdyConnection as a client', () => {
  it('opens streams with odd increasing ids and headers the server can read, and sends DATA and FIN', async () => {
    const [ours, raw] = await socketPair();
    const next = frames(raw);
    const client = new SpdyConnection(ours, 'client');
    const decoder = new HeaderDecoder();
    const first = client.openStream(new Map([['streamtype', ['error']], ['port', ['80']], ['requestid', ['0']]]));
    const second = client.openStream(new Map([['streamtype', ['data']], ['port', ['80']], ['requestid', ['0']]]));
    void second.write(Buffer.from('ping?'));
    void first.end();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const f = await next();
      if (f.kind === 'data') seen.push(`data ${f.streamId} ${f.data.toString()}${f.fin ? ' FIN' : ''}`);
      else if (f.type === FrameType.synStream) {
        const id = f.payload.readUInt32BE(0);
        const headers = decoder.decode(f.payload.subarray(10));
        seen.push(`syn ${id} ${headers.get('streamtype')?.[0]} ${headers.get('port')?.[0]} ${headers.get('requestid')?.[0]}`);
      } else seen.push(`control ${f.type}`);
    }
    expect(seen).toEqual(['syn 1 error 80 0', 'syn 3 data 80 0', 'data 3 ping?', 'data 1  FIN']);
  });

  it('reads the server SYN_REPLY, DATA and FIN, and echoes the server pings only', async () => {
    const [ours, raw] = await socketPair();
    const next = frames(raw);
    const client = new SpdyConnection(ours, 'client');
    const stream = client.openStream(new Map([['streamtype', ['data']]]));
    const received = text(stream);
    const encoder = new HeaderEncoder();
    raw.write(synReply(1, encoder.encode(new Map())));
    raw.write(dataFrame(1, Buffer.from('hello '), false));
    raw.write(dataFrame(1, Buffer.from('there'), true));
    expect(await received).toBe('hello there');
    // An odd id would be an answer to a ping of ours: not echoed; the even one (the server's) is.
    raw.write(ping(7));
    raw.write(ping(8));
    let frame = await next();
    while (frame.kind === 'control' && frame.type === FrameType.synStream) frame = await next();
    expect(frame.kind === 'control' && frame.type === FrameType.ping ? frame.payload.readUInt32BE(0) : undefined).toBe(8);
  });

  it('talks to a server connection: streams both ways, half-closes, and close ends the streams', async () => {
    const [ours, theirs] = await socketPair();
    const client = new SpdyConnection(ours, 'client');
    const server = new SpdyConnection(theirs, 'server');
    server.on('stream', (stream) => {
      void text(stream).then(async (asked) => {
        await stream.write(Buffer.from(`${stream.header('port')}:${asked.toUpperCase()}`));
        await stream.end();
      });
    });
    const a = client.openStream(new Map([['port', ['80']]]));
    const b = client.openStream(new Map([['port', ['81']]]));
    const answers = Promise.all([text(a), text(b)]);
    await a.write(Buffer.from('one'));
    await b.write(Buffer.from('two'));
    await a.end();
    await b.end();
    expect(await answers).toEqual(['80:ONE', '81:TWO']);
    const c = client.openStream(new Map([['port', ['82']]]));
    const cut = text(c);
    const closed = new Promise<void>((resolve) => client.once('close', resolve));
    server.destroy();
    await closed;
    expect(await cut).toBe('');
  });
});
