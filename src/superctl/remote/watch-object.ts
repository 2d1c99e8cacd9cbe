// Waiting on one object: list it (by name), hand it to a check, then watch it from that list's
// resourceVersion and check again on every change, until the check is satisfied, the deadline
// passes or the caller aborts. A watch that ends or expires (410) starts over from a fresh list.
import type { RestClient, KubeObject } from '../../client/rest-client.js';
import type { ResourceType } from '../../client/resource-types.js';
import { CliError } from '../cli-error.js';

/** Given the object (undefined once it is gone); true when the wait is over. */
export type ObjectCheck<T> = (obj: T | undefined) => boolean | Promise<boolean>;

export class WaitTimeoutError extends CliError {
  constructor(message: string) {
    super(message, 1);
  }
}

export interface WatchObjectOptions {
  readonly namespace: string | undefined;
  /** Milliseconds; 0 or undefined: no deadline. */
  readonly timeoutMs?: number;
  /** The error's message when the deadline passes. */
  readonly timeoutMessage?: string;
  readonly signal?: AbortSignal;
}

export async function watchObject<T extends KubeObject>(client: RestClient, type: ResourceType, name: string, check: ObjectCheck<T>, options: WatchObjectOptions): Promise<void> {
  const stop = new AbortController();
  const timer = options.timeoutMs !== undefined && options.timeoutMs > 0 ? setTimeout(() => stop.abort(), options.timeoutMs) : undefined;
  const forward = (): void => stop.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  const fieldSelector = `metadata.name=${name}`;
  try {
    while (!stop.signal.aborted) {
      const list = await client.list<T>(type, { fieldSelector, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) });
      if (await check(list.items[0])) return;
      let resourceVersion = list.metadata.resourceVersion;
      for await (const event of client.watch<T>(type, { fieldSelector, resourceVersion, allowWatchBookmarks: true, signal: stop.signal, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) })) {
        if (event.type === 'ERROR') break;
        resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
        if (event.type === 'BOOKMARK') continue;
        if (await check(event.type === 'DELETED' ? undefined : event.object)) return;
      }
    }
    if (options.signal?.aborted === true) return;
    throw new WaitTimeoutError(options.timeoutMessage ?? 'error: timed out waiting for the condition');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forward);
  }
}

/** kubectl's durations: 30s, 5m, 1h30m, 500ms, or a bare number of seconds; 0 means none. */
export function parseDuration(text: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text;
  if (rest === '' ) throw new CliError(`error: invalid value for ${flag}: "${text}" (use e.g. 30s, 5m, 1h)`);
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (match === null) throw new CliError(`error: invalid value for ${flag}: "${text}" (use e.g. 30s, 5m, 1h)`);
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 1000);
    rest = rest.slice(match[0].length);
  }
  return total;
}
