// The client workloads, identical for both servers: the `etcd3` npm client over gRPC on loopback.
// Every loop is bounded by a deadline and by a maximum count.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { meterCpu } from './cpu.js';

export interface Clients {
  readonly endpoint: string;
  /** Separate client instances, each with its own HTTP/2 connection. */
  readonly pool: readonly Etcd3[];
  close(): void;
}

/**
 * `count` separate Etcd3 instances with a TCP connection each. grpc-js shares one connection
 * (subchannel) between all channels with the same target and options, process-wide, so 64 plain
 * instances would multiplex over a single connection; with a local subchannel pool every channel
 * (an instance has one per service it uses: KV, Watch, ...) dials its own.
 */
export function connect(endpoint: string, count: number): Clients {
  const pool = Array.from(
    { length: count },
    () => new Etcd3({ hosts: `http://${endpoint}`, grpcOptions: { 'grpc.use_local_subchannel_pool': 1 } }),
  );
  return {
    endpoint,
    pool,
    close: () => {
      for (const client of pool) client.close();
    },
  };
}

/** Established TCP connections to 127.0.0.1:`port` (as seen from the client side). */
export function connectionsTo(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // remote address is field 2 ("0100007F:PORT"), state field 3 ("01" = ESTABLISHED)
      if (fields[2]?.endsWith(`:${hexPort}`) === true && fields[3] === '01') n++;
    }
  }
  return n;
}

export interface Throughput {
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Per-operation latency percentiles as the clients saw them, ms. */
  readonly p50: number;
  readonly p99: number;
  /** Server CPU seconds per 1000 operations. */
  readonly serverCpuPerKop: number;
  /** Benchmark (client) process CPU seconds per 1000 operations. */
  readonly clientCpuPerKop: number;
  /** Cores other processes on the machine kept busy meanwhile. */
  readonly otherCores: number;
}

export type Op = (client: Etcd3, clientIndex: number, seq: number) => Promise<void>;

export interface LoopOptions {
  readonly ms: number;
  readonly maxOps: number;
  readonly warmupMs: number;
  readonly serverPid: number;
  /** Our other processes (the other, idle server), not counted as background load. */
  readonly otherPids: readonly number[];
}

/**
 * Each of `clients` runs `op` in a loop, one request at a time, until `ms` have passed or `maxOps`
 * operations were started in total. A short warm-up (not counted) runs first.
 */
export async function closedLoop(pool: readonly Etcd3[], clients: number, op: Op, options: LoopOptions): Promise<Throughput> {
  const used = pool.slice(0, clients);
  if (used.length < clients) throw new Error(`need ${clients} clients, have ${pool.length}`);
  let seq = 0;
  const run = async (deadline: number, maxOps: number, latencies: number[] | undefined): Promise<number> => {
    let done = 0;
    await Promise.all(
      used.map(async (client, index) => {
        while (performance.now() < deadline && seq < maxOps) {
          const mine = seq++;
          const start = performance.now();
          await op(client, index, mine);
          latencies?.push(performance.now() - start);
          done++;
        }
      }),
    );
    return done;
  };
  await run(performance.now() + options.warmupMs, Math.max(1, options.maxOps / 10), undefined);
  seq = 0;
  const latencies: number[] = [];
  const stopMeter = meterCpu(options.serverPid, options.otherPids);
  const start = performance.now();
  const ops = await run(start + options.ms, options.maxOps, latencies);
  const seconds = (performance.now() - start) / 1000;
  const cpu = stopMeter();
  latencies.sort((a, b) => a - b);
  return {
    ops,
    seconds,
    perSecond: ops / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    serverCpuPerKop: (cpu.server / ops) * 1000,
    clientCpuPerKop: (cpu.client / ops) * 1000,
    otherCores: cpu.otherCores,
  };
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Writes `count` keys `prefix` + index with `value`, spread over the pool's clients. */
export async function fill(pool: readonly Etcd3[], prefix: string, count: number, value: Buffer): Promise<void> {
  let next = 0;
  await Promise.all(
    pool.map(async (client) => {
      while (next < count) {
        const index = next++;
        await client.put(prefix + pad(index, 6)).value(value);
      }
    }),
  );
}

export interface WatchSamples {
  /** Delivery latencies in ms, in the order measured. */
  readonly latencies: number[];
  /** Cores other processes on the machine kept busy meanwhile. */
  readonly otherCores: number;
}

/**
 * One client watches a prefix, another puts keys under it one at a time: the time from just before
 * the put is sent to the watcher's `put` event, both clocks in this process. After each event (and
 * the put's acknowledgement) the writer pauses `gapMs`, so nothing queues: this is latency, not
 * throughput.
 */
export async function watchLatency(
  watcherClient: Etcd3,
  writerClient: Etcd3,
  options: { samples: number; warmup: number; gapMs: number; ms: number; serverPid: number; otherPids: readonly number[] },
): Promise<WatchSamples> {
  const prefix = 'bench/watch/';
  const watcher = await watcherClient.watch().prefix(prefix).create();
  const arrived = new Map<number, number>();
  let wake: ((index: number) => void) | undefined;
  watcher.on('put', (kv) => {
    const now = performance.now();
    const index = Number(kv.key.toString('utf8').slice(prefix.length));
    arrived.set(index, now);
    wake?.(index);
  });
  const value = Buffer.alloc(256, 'w');
  const latencies: number[] = [];
  const deadline = performance.now() + options.ms;
  const stopMeter = meterCpu(options.serverPid, options.otherPids);
  try {
    const total = options.warmup + options.samples;
    for (let i = 0; i < total && performance.now() < deadline; i++) {
      const event = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`watch event ${i} did not arrive within 5 s`)), 5000);
        wake = (index) => {
          if (index === i) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      const sentAt = performance.now();
      await Promise.all([writerClient.put(prefix + pad(i, 6)).value(value), event]);
      if (i >= options.warmup) latencies.push((arrived.get(i) ?? Number.NaN) - sentAt);
      arrived.delete(i);
      await new Promise((resolve) => setTimeout(resolve, options.gapMs));
    }
  } finally {
    wake = undefined;
    await watcher.cancel();
  }
  return { latencies, otherCores: stopMeter().otherCores };
}
