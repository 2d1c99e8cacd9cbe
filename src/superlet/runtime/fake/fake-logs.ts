// A fake container's output as a log stream: its recorded lines filtered by tail and since,
// optionally time-stamped, and when following, held open until the container ends.
import { PassThrough, type Readable } from 'node:stream';
import type { LogOptions } from '../runtime.js';
import { formatRfc3339Nano } from '../timestamps.js';
import type { FakeContainer } from './fake-containers.js';

export function fakeLogs(container: FakeContainer, options: LogOptions): Readable {
  let lines = container.logLines;
  if (options.sinceSeconds !== undefined) {
    const since = Date.now() - options.sinceSeconds * 1000;
    lines = lines.filter((line) => line.time.getTime() >= since);
  }
  if (options.tailLines !== undefined) lines = options.tailLines <= 0 ? [] : lines.slice(-options.tailLines);
  const out = new PassThrough();
  for (const line of lines) out.write(`${options.timestamps ? `${formatRfc3339Nano(line.time)} ` : ''}${line.text}\n`);
  const running = container.status.state === 'running' || container.status.state === 'created';
  if (!options.follow || !running || options.signal?.aborted === true) {
    out.end();
    return out;
  }
  const end = (): void => {
    container.onEnd.delete(end);
    options.signal?.removeEventListener('abort', end);
    if (!out.writableEnded && !out.destroyed) out.end();
  };
  container.onEnd.add(end);
  options.signal?.addEventListener('abort', end, { once: true });
  out.on('close', end);
  return out;
}
