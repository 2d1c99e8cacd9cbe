// Docker's multiplexed streams (non-tty attach, exec and logs carry an 8-byte header per frame:
// stream type, three zero bytes, big-endian payload length) and log timestamp rewriting.
import { Transform, type TransformCallback, type Writable } from 'node:stream';

export type FrameStream = 'stdin' | 'stdout' | 'stderr';

const STREAM_TYPES: Record<number, FrameStream> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

/** Cuts a byte stream into frames, whatever the chunk boundaries. */
export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: FrameStream, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const type = STREAM_TYPES[this.pending[0] ?? 1] ?? 'stdout';
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      if (payload.length > 0) this.onFrame(type, payload);
    }
  }
}

/** A Transform from a multiplexed stream to the payloads of stdout and stderr, merged in order. */
export function mergedDemuxer(): Transform {
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback): void {
      parser.push(chunk);
      callback();
    },
  });
  const parser = new FrameParser((_stream, payload) => transform.push(payload));
  return transform;
}

/** Splits a multiplexed stream into two writables, ending both when the source ends. */
export function demuxInto(source: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void {
  const parser = new FrameParser((stream, payload) => {
    if (stream === 'stderr') stderr.write(payload);
    else stdout.write(payload);
  });
  source.on('data', (chunk: Buffer | string) => parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  const finish = (): void => {
    stdout.end();
    stderr.end();
  };
  source.on('end', finish);
  source.on('close', finish);
  source.on('error', finish);
}

const DOCKER_TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d) /;

/**
 * Docker prints log times with a fixed nine-digit fraction; the kubelet prints Go's RFC3339Nano,
 * which drops trailing zeros (and the dot with them).
 */
export function rfc3339Nano(line: string): string {
  const match = DOCKER_TIMESTAMP.exec(line);
  if (match === null) return line;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const stamp = `${match[1] ?? ''}${fraction === '' ? '' : `.${fraction}`}${match[3] ?? ''}`;
  return `${stamp} ${line.slice(match[0].length)}`;
}

/** Rewrites each line's leading timestamp to RFC3339Nano; holds a partial line until its newline. */
export function timestampRewriter(): Transform {
  let partial = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback): void {
      partial += chunk.toString('utf8');
      const lastNewline = partial.lastIndexOf('\n');
      if (lastNewline < 0) return callback();
      const complete = partial.slice(0, lastNewline + 1);
      partial = partial.slice(lastNewline + 1);
      callback(null, Buffer.from(complete.split('\n').map(rfc3339Nano).join('\n')));
    },
    flush(callback: TransformCallback): void {
      callback(null, partial === '' ? undefined : Buffer.from(rfc3339Nano(partial)));
    },
  });
}
