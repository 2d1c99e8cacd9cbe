// `docker logs` as the kubelet serves them: stdout and stderr merged into plain bytes (the 8-byte
// frame headers of non-tty containers removed), with Kubernetes' RFC3339Nano timestamps.
import { PassThrough, Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogOptions } from '../runtime.js';
import { mergedDemuxer, timestampRewriter } from './streams.js';

function dockerLogOptions(options: LogOptions): Dockerode.ContainerLogsOptions {
  const query: Dockerode.ContainerLogsOptions = { stdout: true, stderr: true, timestamps: options.timestamps };
  if (options.tailLines !== undefined) query.tail = Math.max(0, Math.floor(options.tailLines));
  if (options.sinceSeconds !== undefined) query.since = Math.floor(Date.now() / 1000) - Math.max(0, Math.floor(options.sinceSeconds));
  return query;
}

export async function containerLogs(container: Dockerode.Container, tty: boolean, options: LogOptions): Promise<Readable> {
  const query = dockerLogOptions(options);
  const out = new PassThrough();
  if (options.signal?.aborted === true) {
    out.end();
    return out;
  }
  const source: NodeJS.ReadableStream = options.follow
    ? await container.logs({ ...query, follow: true })
    : Readable.from([await container.logs({ ...query, follow: false })]);

  let tail: NodeJS.ReadableStream = source;
  if (!tty) tail = tail.pipe(mergedDemuxer());
  if (options.timestamps) tail = tail.pipe(timestampRewriter());
  tail.pipe(out);

  // An aborted follow or a broken connection ends the output (not fails it): the reader sees the end.
  const stop = (): void => {
    options.signal?.removeEventListener('abort', stop);
    if (source instanceof Readable) source.destroy();
    if (!out.writableEnded && !out.destroyed) out.end();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  source.on('error', stop);
  source.on('close', () => options.signal?.removeEventListener('abort', stop));
  // A reader that goes away stops the follow.
  out.on('close', stop);
  return out;
}
