// One container's log from pods/log, copied to an output as it arrives; with a prefix, every line
// starts with [pod/NAME/CONTAINER] so that several streams can share one output.
import type { Writable } from 'node:stream';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { openStream } from './stream-request.js';

export interface LogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly follow?: boolean;
  readonly previous?: boolean;
  readonly timestamps?: boolean;
  readonly tailLines?: number;
  readonly sinceSeconds?: number;
  readonly sinceTime?: string;
  readonly limitBytes?: number;
}

export function logQuery(request: LogRequest): URLSearchParams {
  const q = new URLSearchParams({ container: request.container });
  if (request.follow === true) q.set('follow', 'true');
  if (request.previous === true) q.set('previous', 'true');
  if (request.timestamps === true) q.set('timestamps', 'true');
  if (request.tailLines !== undefined && request.tailLines >= 0) q.set('tailLines', String(request.tailLines));
  if (request.sinceSeconds !== undefined) q.set('sinceSeconds', String(request.sinceSeconds));
  if (request.sinceTime !== undefined) q.set('sinceTime', request.sinceTime);
  if (request.limitBytes !== undefined) q.set('limitBytes', String(request.limitBytes));
  return q;
}

/** Copies the log to out; resolves when the server ends it (at once unless following) or the signal aborts. */
export async function copyLog(config: ClientConfig, request: LogRequest, out: Writable, prefix: string | undefined, signal?: AbortSignal): Promise<void> {
  const path = `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/log`;
  const response = await openStream(config, path, logQuery(request), signal);
  let partial = '';
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      if (prefix === undefined) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        continue;
      }
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      if (lines.length > 0) out.write(lines.map((l) => `${prefix}${l}\n`).join(''));
    }
  } catch (error) {
    if (signal?.aborted !== true) throw error;
  }
  if (prefix !== undefined && partial !== '') out.write(`${prefix}${partial}\n`);
}
