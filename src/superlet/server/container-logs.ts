// GET /containerLogs/{namespace}/{pod}/{container}: the kubelet's log endpoint. Query: follow,
// previous, timestamps, tailLines, sinceSeconds, sinceTime, limitBytes. The runtime's stream goes
// out as text/plain, chunk by chunk; errors are plain text, as the kubelet writes them.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { RuntimeNotFoundError, type LogOptions, type Runtime } from '../runtime/runtime.js';
import type { ContainerResolver } from './exec-endpoint.js';
import { writeText } from './http-replies.js';

export interface LogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

const flag = (query: URLSearchParams, name: string): boolean => {
  const value = query.get(name);
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
};

/** Parses the query; a malformed value is a message for a 400. */
function parseOptions(query: URLSearchParams): { options: Omit<LogOptions, 'signal'>; limitBytes?: number; previous: boolean } | string {
  const numbers: Record<string, number> = {};
  for (const name of ['tailLines', 'sinceSeconds', 'limitBytes']) {
    const value = query.get(name);
    if (value === null) continue;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) return `invalid ${name} ${JSON.stringify(value)}: not an integer`;
    numbers[name] = n;
  }
  let sinceSeconds = numbers.sinceSeconds;
  const sinceTime = query.get('sinceTime');
  if (sinceTime !== null) {
    const at = Date.parse(sinceTime);
    if (Number.isNaN(at)) return `invalid sinceTime ${JSON.stringify(sinceTime)}: not an RFC 3339 time`;
    // The runtime counts back from now: the nearest whole second that still includes sinceTime.
    sinceSeconds = Math.max(1, Math.ceil((Date.now() - at) / 1000));
  }
  const tailLines = numbers.tailLines;
  if (tailLines !== undefined && tailLines < 0) return `tailLines must be greater than or equal to 0, got ${tailLines}`;
  const limitBytes = numbers.limitBytes;
  if (limitBytes !== undefined && limitBytes < 1) return `limitBytes must be greater than 0, got ${limitBytes}`;
  return {
    options: {
      follow: flag(query, 'follow'),
      timestamps: flag(query, 'timestamps'),
      ...(tailLines === undefined ? {} : { tailLines }),
      ...(sinceSeconds === undefined ? {} : { sinceSeconds }),
    },
    ...(limitBytes === undefined ? {} : { limitBytes }),
    previous: flag(query, 'previous'),
  };
}

export async function serveContainerLogs(
  runtime: Runtime,
  resolve: ContainerResolver,
  target: LogRequest,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const parsed = parseOptions(query);
  if (typeof parsed === 'string') return writeText(response, 400, parsed);
  const { namespace, pod, container } = target;
  const id = await resolve(namespace, pod, container, parsed.previous);
  if (id === undefined) {
    const message = parsed.previous
      ? `previous terminated container "${container}" in pod "${pod}" not found`
      : `container "${container}" in pod "${pod}" is waiting to start: no container has been created for it on this node`;
    return writeText(response, 400, message);
  }
  const stop = new AbortController();
  response.once('close', () => stop.abort());
  let stream: Readable;
  try {
    stream = await runtime.logs(id, { ...parsed.options, signal: stop.signal });
  } catch (error) {
    if (error instanceof RuntimeNotFoundError) return writeText(response, 404, `container "${container}" in pod "${pod}" not found`);
    throw error;
  }
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.flushHeaders();
  await pipeLimited(stream, response, parsed.limitBytes, stop);
}

/** Copies the log out, stopping after `limit` bytes; respects the client's pace. */
async function pipeLimited(stream: Readable, response: ServerResponse, limit: number | undefined, stop: AbortController): Promise<void> {
  let left = limit ?? Infinity;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (response.destroyed) break;
      const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= piece.length;
      if (!response.write(piece)) await waitDrain(response);
      if (left <= 0) break;
    }
  } catch {
    // The runtime's stream failed midway: the client sees the log end there.
  } finally {
    stop.abort();
    stream.destroy();
    if (!response.destroyed) response.end();
  }
}

function waitDrain(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
