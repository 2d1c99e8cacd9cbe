// SPDY/3 framing pieces: frames split across reads, header blocks compressed as Go's spdy framer
// does (one zlib stream with SPDY's dictionary, sync-flushed per block), and ours readable by zlib.
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { controlFrame, dataFrame, FrameReader, FrameType, HeaderDecoder, HeaderEncoder, SPDY_DICTIONARY } from '../../src/spdy/framing.js';

function plainBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  parts.push(u32(Object.keys(headers).length));
  for (const [name, value] of Object.entries(headers)) parts.push(u32(name.length), Buffer.from(name), u32(value.length), Buffer.from(value));
  return Buffer.concat(parts);
}

/** Compresses blocks the way Go's framer does: one deflater for the connection, a sync flush after each. */
async function goStyleBlocks(blocks: Buffer[]): Promise<Buffer[]> {
  const deflate = createDeflate({ dictionary: SPDY_DICTIONARY, level: 9 });
  const out: Buffer[] = [];
  for (const block of blocks) {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): number => chunks.push(chunk);
    deflate.on('data', onData);
    deflate.write(block);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    deflate.off('data', onData);
    out.push(Buffer.concat(chunks));
  }
  deflate.close();
  return out;
}

describe('SPDY framing', () => {
  it('has the 1423-byte SPDY/3 dictionary', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(SPDY_DICTIONARY.subarray(0, 15)).toEqual(Buffer.from([0, 0, 0, 7, ...Buffer.from('options'), 0, 0, 0, 4]));
    expect(SPDY_DICTIONARY.subarray(-6).toString()).toBe('enq=0.');
  });

  it('reads frames whatever the chunking', () => {
    const bytes = Buffer.concat([controlFrame(FrameType.ping, 0, Buffer.from([0, 0, 0, 1])), dataFrame(3, Buffer.from('hello'), true)]);
    const reader = new FrameReader();
    const frames = [...bytes].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(frames).toEqual([
      { kind: 'control', type: FrameType.ping, flags: 0, payload: Buffer.from([0, 0, 0, 1]) },
      { kind: 'data', streamId: 3, fin: true, data: Buffer.from('hello') },
    ]);
  });

  it('decodes header blocks compressed in one zlib stream with the dictionary', async () => {
    const [first, second] = await goStyleBlocks([plainBlock({ streamtype: 'error' }), plainBlock({ streamtype: 'stdout', extra: 'a\0b' })]);
    const decoder = new HeaderDecoder();
    expect(decoder.decode(first as Buffer)).toEqual(new Map([['streamtype', ['error']]]));
    expect(decoder.decode(second as Buffer)).toEqual(new Map([['streamtype', ['stdout']], ['extra', ['a', 'b']]]));
  });

  it('writes header blocks any zlib reader inflates, each ending in a sync marker', () => {
    const encoder = new HeaderEncoder();
    const blocks = [encoder.encode(new Map()), encoder.encode(new Map([['x-name', ['v1', 'v2']]]))];
    for (const block of blocks) expect(block.subarray(-5)).toEqual(Buffer.from([0, 0, 0, 0xff, 0xff]));
    const plain = inflateSync(Buffer.concat(blocks), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(plain).toEqual(Buffer.concat([plainBlock({}), plainBlock({ 'x-name': 'v1\0v2' })]));
  });
});
