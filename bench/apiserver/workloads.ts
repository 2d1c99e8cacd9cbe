// The client workloads. Every loop is bounded twice: by a deadline and by a maximum count.
import type { Client } from './http.js';

export const sortNumbers = (values: Iterable<number>): number[] => [...values].sort((a, b) => a - b);

/** The value at rank q (0..1) of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (values: readonly number[]): number => percentile(sortNumbers(values), 0.5);

export interface LoopResult {
  /** Operations that started after the warm-up and finished before the deadline. */
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Latencies of those operations, sorted, in ms. */
  readonly latencies: number[];
  /** Every operation done, warm-up and stragglers included (for CPU per operation). */
  readonly allOps: number;
}

/** `op(client, seq)` -> the operation, run back to back by every client. */
export type Op = (client: Client, seq: number) => Promise<void>;

/**
 * Every client runs `op` back to back (closed loop) for `warmupMs + ms`; only what happens in the
 * last `ms` counts. `seq` numbers the operations across clients.
 */
export async function closedLoop(pool: readonly Client[], op: Op, options: { ms: number; warmupMs: number; maxOps: number }): Promise<LoopResult> {
  const begin = performance.now();
  const measureFrom = begin + options.warmupMs;
  const deadline = measureFrom + options.ms;
  const latencies: number[] = [];
  let seq = 0;
  const worker = async (client: Client): Promise<void> => {
    while (seq < options.maxOps) {
      const started = performance.now();
      if (started >= deadline) return;
      await op(client, seq++);
      const ended = performance.now();
      if (started >= measureFrom && ended <= deadline) latencies.push(ended - started);
    }
  };
  await Promise.all(pool.map(worker));
  const seconds = Math.min(performance.now(), deadline) - measureFrom;
  return { ops: latencies.length, seconds: seconds / 1000, perSecond: latencies.length / (seconds / 1000), latencies: sortNumbers(latencies), allOps: seq };
}

/**
 * Every client runs `op` at a fixed rate (open loop): client c's operation k is due at
 * start + (c / clients + k) / perClientRate, so the clients' requests interleave evenly. A client
 * whose previous operation ran late sends the next at once. Latency is counted from when the
 * operation was due, not from when it was sent, so time spent behind schedule counts too (no
 * coordinated omission). Only operations due in the last `ms` (after `warmupMs`) count.
 */
export async function pacedLoop(
  pool: readonly Client[],
  op: Op,
  options: { perClientRate: number; ms: number; warmupMs: number; maxOps: number },
): Promise<LoopResult> {
  const begin = performance.now();
  const measureFrom = begin + options.warmupMs;
  const deadline = measureFrom + options.ms;
  const interval = 1000 / options.perClientRate;
  const latencies: number[] = [];
  let seq = 0;
  const worker = async (client: Client, index: number): Promise<void> => {
    for (let k = 0; seq < options.maxOps; k++) {
      const due = begin + ((index / pool.length + k) * interval);
      if (due >= deadline) return;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await op(client, seq++);
      if (due >= measureFrom) latencies.push(performance.now() - due);
    }
  };
  await Promise.all(pool.map(worker));
  const seconds = options.ms / 1000;
  return { ops: latencies.length, seconds, perSecond: latencies.length / seconds, latencies: sortNumbers(latencies), allOps: seq };
}

/**
 * Runs `op(client, i)` for i in [0, count) spread over the clients; each i exactly once. The first
 * `warmup` operations (JIT, first connections) count for nothing: the rate and the latencies are of
 * the rest, from the moment operation `warmup` starts.
 */
export async function fill(pool: readonly Client[], count: number, op: Op, warmup = 0): Promise<LoopResult> {
  let measureFrom = Number.NaN;
  const latencies: number[] = [];
  let next = 0;
  const worker = async (client: Client): Promise<void> => {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      if (i === warmup) measureFrom = started;
      await op(client, i);
      if (i >= warmup) latencies.push(performance.now() - started);
    }
  };
  await Promise.all(pool.map(worker));
  const seconds = (performance.now() - measureFrom) / 1000;
  return { ops: latencies.length, seconds, perSecond: latencies.length / seconds, latencies: sortNumbers(latencies), allOps: count };
}

export interface ListTiming {
  /** Request sent to the last byte of the body, ms, one per run. */
  readonly times: number[];
  readonly bytes: number;
  readonly items: number;
}

interface ListBody {
  items?: unknown[];
  rows?: unknown[];
  metadata?: { continue?: string };
}

/**
 * Times `runs` GETs of `path` (after one untimed warm-up), each from sending the request to the
 * last byte of the body, and checks the first answer has `expectItems` items (or Table rows).
 * With `pageLimit`, each run follows continue tokens page by page as kubectl does, and the time
 * is the whole walk.
 */
export async function timeList(
  client: Client,
  path: string,
  options: { accept: string; runs: number; expectItems: number; pageLimit?: number },
): Promise<ListTiming> {
  const walk = async (): Promise<{ bytes: number; items: number }> => {
    let bytes = 0;
    let items = 0;
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const query = options.pageLimit === undefined ? '' : `${path.includes('?') ? '&' : '?'}limit=${options.pageLimit}${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`;
      const body = await client.expect(200, { path: path + query, accept: options.accept });
      bytes += body.length;
      if (options.pageLimit === undefined) return { bytes, items: options.expectItems };
      const parsed = JSON.parse(body.toString('utf8')) as ListBody;
      items += (parsed.items ?? parsed.rows ?? []).length;
      token = parsed.metadata?.continue;
      if (token === undefined || token === '') break;
    }
    return { bytes, items };
  };
  // The warm-up run also checks the answer.
  const check = await client.expect(200, { path: options.pageLimit === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}limit=${options.expectItems + 1}`, accept: options.accept });
  const parsed = JSON.parse(check.toString('utf8')) as ListBody;
  const items = (parsed.items ?? parsed.rows ?? []).length;
  if (items !== options.expectItems) throw new Error(`GET ${path}: ${items} items, expected ${options.expectItems}`);
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < options.runs; run++) {
    const started = performance.now();
    const result = await walk();
    times.push(performance.now() - started);
    bytes = result.bytes;
    if (options.pageLimit !== undefined && result.items !== options.expectItems) throw new Error(`paged GET ${path}: ${result.items} items, expected ${options.expectItems}`);
  }
  return { times, bytes, items };
}
