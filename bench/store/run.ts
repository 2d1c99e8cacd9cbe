// bench/store: the same etcd3-client workload against `supernetes cache` and a real etcd 3.4, both
// durable, started side by side on loopback. Prints a table with the ratios to etcd.
//
//   npx tsx bench/store/run.ts [--quick]      (build first: npm run build)
//
// BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the supernetes server.
import { randomBytes } from 'node:crypto';
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import { table, type Row } from './report.js';
import { fileRssOf, memoryOf, startEtcd, startSupernetes, type RunningServer, type ServerName } from './servers.js';
import { closedLoop, connect, connectionsTo, fill, pad, watchLatency, type Clients, type Op, type Throughput } from './workloads.js';

const quick = process.argv.includes('--quick');
const CONFIG = quick
  ? { ms: 1500, warmupMs: 300, maxOps: 200_000, watchSamples: 300, watchMs: 20_000, rssKeys: 20_000 }
  : { ms: 6000, warmupMs: 1000, maxOps: 1_000_000, watchSamples: 2000, watchMs: 60_000, rssKeys: 100_000 };
const CONCURRENCY = 64;
const KEYSPACE = 10_000;
const VALUE = randomBytes(256);
const RSS_VALUE = randomBytes(1024);

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

interface Target {
  readonly server: RunningServer;
  readonly clients: Clients;
}

const NAMES: readonly ServerName[] = ['supernetes', 'etcd'];

async function startBoth(): Promise<Map<ServerName, Target>> {
  const targets = new Map<ServerName, Target>();
  try {
    for (const name of NAMES) {
      const server = name === 'supernetes' ? await startSupernetes() : await startEtcd();
      // One extra client for the watcher, so it has a connection of its own.
      targets.set(name, { server, clients: connect(server.endpoint, CONCURRENCY + 1) });
      log(`${name}: pid ${server.pid} on ${server.endpoint}, data in ${server.dataDir}`);
    }
  } catch (error) {
    await stopAll(targets);
    throw error;
  }
  return targets;
}

async function stopAll(targets: Map<ServerName, Target>): Promise<void> {
  for (const { clients } of targets.values()) clients.close();
  await Promise.all([...targets.values()].map(({ server }) => server.stop()));
  targets.clear();
}

function target(targets: Map<ServerName, Target>, name: ServerName): Target {
  const found = targets.get(name);
  if (found === undefined) throw new Error(`${name} is not running`);
  return found;
}

/** Runs `measure` on both servers, alternating which goes first so neither always follows the other's writes. */
async function both<T>(
  targets: Map<ServerName, Target>,
  order: number,
  measure: (t: Target) => Promise<T>,
): Promise<Record<ServerName, T>> {
  const names = order % 2 === 0 ? NAMES : [...NAMES].reverse();
  const results: Partial<Record<ServerName, T>> = {};
  for (const name of names) {
    await pause(500);
    results[name] = await measure(target(targets, name));
  }
  const { supernetes, etcd } = results;
  if (supernetes === undefined || etcd === undefined) throw new Error('missing result');
  return { supernetes, etcd };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));

const notes: string[] = [];
const note = (text: string): void => {
  notes.push(text);
  log(`  ${text}`);
};

function describe(name: string, t: Throughput): string {
  return (
    `${name}: ${Math.round(t.perSecond)}/s (${t.ops} ops in ${t.seconds.toFixed(1)} s), latency p50 ${t.p50.toFixed(2)} ms ` +
    `p99 ${t.p99.toFixed(2)} ms, server CPU ${(t.serverCpuPerKop * 1000).toFixed(0)} ms/1000 ops, ` +
    `client CPU ${(t.clientCpuPerKop * 1000).toFixed(0)} ms/1000 ops`
  );
}

async function throughputRow(
  targets: Map<ServerName, Target>,
  order: number,
  label: string,
  unit: string,
  clients: number,
  op: Op,
): Promise<Row> {
  log(`${label} ...`);
  const result = await both(targets, order, async ({ server, clients: pool }) => {
    const t = await closedLoop(pool.pool, clients, op, { ...CONFIG, serverPid: server.pid });
    const connections = clients > 1 ? `, ${connectionsTo(portOf(server.endpoint))} TCP connections open` : '';
    note(`${label} — ${describe(server.name, t)}${connections}`);
    return t.perSecond;
  });
  return { label, unit, better: 'higher', ...result };
}

const putKey = (prefix: string, n: number): string => `${prefix}${pad(n % KEYSPACE, 5)}`;

async function main(): Promise<void> {
  log(`bench/store${quick ? ' --quick' : ''}: ${CONFIG.ms / 1000} s per measurement, ${CONCURRENCY} concurrent clients`);
  const rows: Row[] = [];
  let targets = await startBoth();
  const stopOnSignal = (): void => {
    void stopAll(targets).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    rows.push(
      await throughputRow(targets, 0, 'puts/s, 1 client (sequential)', 'puts/s', 1, async (client, _i, seq) => {
        await client.put(putKey('bench/put1/', seq)).value(VALUE);
      }),
    );
    rows.push(
      await throughputRow(targets, 1, `puts/s, ${CONCURRENCY} clients`, 'puts/s', CONCURRENCY, async (client, _i, seq) => {
        await client.put(putKey('bench/put64/', seq)).value(VALUE);
      }),
    );

    log('filling 1000 keys for the gets and 100 keys for the prefix range ...');
    for (const { clients } of targets.values()) {
      await fill(clients.pool, 'bench/get/', 1000, VALUE);
      await fill(clients.pool, 'bench/range/', 100, VALUE);
    }
    rows.push(
      await throughputRow(targets, 2, `gets/s, single key, ${CONCURRENCY} clients`, 'gets/s', CONCURRENCY, async (client, _i, seq) => {
        const value = await client.get(`bench/get/${pad((seq * 7919) % 1000, 6)}`).buffer();
        if (value === null || value.length !== VALUE.length) throw new Error('get: wrong value');
      }),
    );
    rows.push(
      await throughputRow(targets, 3, `ranges/s, prefix of 100 keys, ${CONCURRENCY} clients`, 'ranges/s', CONCURRENCY, async (client) => {
        const response = await client.getAll().prefix('bench/range/').exec();
        if (response.kvs.length !== 100) throw new Error(`range: ${response.kvs.length} keys, expected 100`);
      }),
    );

    log('watch delivery latency ...');
    const watch = await both(targets, 4, async ({ server, clients }) => {
      const [writer, watcher] = [clients.pool[0], clients.pool[CONCURRENCY]] as [Etcd3, Etcd3];
      const result = await watchLatency(watcher, writer, {
        samples: CONFIG.watchSamples,
        warmup: 50,
        gapMs: 2,
        ms: CONFIG.watchMs,
      });
      note(
        `watch latency — ${server.name}: ${result.samples} samples, p50 ${result.p50.toFixed(2)} ms, ` +
          `p99 ${result.p99.toFixed(2)} ms, max ${result.max.toFixed(2)} ms`,
      );
      return result;
    });
    rows.push({ label: 'watch delivery latency p50', unit: 'ms', better: 'lower', supernetes: watch.supernetes.p50, etcd: watch.etcd.p50 });
    rows.push({ label: 'watch delivery latency p99', unit: 'ms', better: 'lower', supernetes: watch.supernetes.p99, etcd: watch.etcd.p99 });

    // Memory on a fresh pair, so the earlier rows' keys and history don't count.
    await stopAll(targets);
    targets = await startBoth();
    const keys = CONFIG.rssKeys;
    log(`RSS after ${keys} keys of 1 KiB (fresh servers) ...`);
    const rss = await both(targets, 5, async ({ server, clients }) => {
      const idle = memoryOf(server.pid).rss;
      const started = performance.now();
      await fill(clients.pool.slice(0, CONCURRENCY), 'bench/rss/', keys, RSS_VALUE);
      const seconds = (performance.now() - started) / 1000;
      await pause(2000);
      const { rss: after, peak } = memoryOf(server.pid);
      const file = fileRssOf(server.pid);
      note(
        `RSS — ${server.name}: ${mib(after)} after ${keys} keys (idle at start ${mib(idle)}, peak ${mib(peak)}, ` +
          `file-backed ${mib(file)}), written in ${seconds.toFixed(1)} s (${Math.round(keys / seconds)} puts/s of 1 KiB), ` +
          `data dir ${mib(dirSize(server.dataDir))}`,
      );
      return after;
    });
    rows.push({ label: `RSS after ${keys.toLocaleString('en-US')} keys of 1 KiB`, unit: 'MiB', better: 'lower', ...rss });
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await stopAll(targets);
  }

  console.log('');
  console.log(table(rows));
  console.log('');
  console.log('details:');
  for (const text of notes) console.log(`  ${text}`);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
