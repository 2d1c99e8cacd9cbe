// bench/store: the same etcd3-client workload against `supernetes cache` and a real etcd 3.4, both
// durable, started side by side on loopback. Prints a table with the ratios to etcd.
//
//   npm run build && npx tsx bench/store/run.ts [--quick] [--only=put1,put64,get,range,watch,rss]
//
// Each throughput and latency figure is measured in rounds that alternate between the two servers
// (supernetes, etcd, etcd, supernetes, ...), so a burst of load from elsewhere on the machine hits
// both; the table shows the median round (throughput) or the pooled samples (latency).
// BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the supernetes server.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import { table, type Row } from './report.js';
import { memoryOf, startEtcd, startSupernetes, type RunningServer, type ServerName } from './servers.js';
import { closedLoop, connect, connectionsTo, fill, pad, percentile, watchLatency, type Clients, type Op, type Throughput } from './workloads.js';

const quick = process.argv.includes('--quick');
const ROW_NAMES = ['put1', 'put64', 'get', 'range', 'watch', 'rss'] as const;
/** --only=put1,put64,get,range,watch,rss runs those rows alone (e.g. to A/B one change). */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const unknownRows = only?.filter((name) => !(ROW_NAMES as readonly string[]).includes(name)) ?? [];
if (unknownRows.length > 0) throw new Error(`--only: unknown row ${unknownRows.join(', ')}; rows are ${ROW_NAMES.join(', ')}`);
const selected = (row: (typeof ROW_NAMES)[number]): boolean => only === undefined || only.includes(row);
const CONFIG = quick
  ? { rounds: 1, ms: 1500, warmupMs: 300, maxOps: 200_000, watchSamples: 300, watchMs: 20_000, rssKeys: 20_000 }
  : { rounds: 3, ms: 2500, warmupMs: 500, maxOps: 1_000_000, watchSamples: 700, watchMs: 30_000, rssKeys: 100_000 };
const CONCURRENCY = 64;
/** The put rows overwrite this many keys each, so the store reaches a steady size. */
const KEYSPACE = 10_000;
const VALUE = randomBytes(256);
const RSS_VALUE = randomBytes(1024);
const NAMES: readonly ServerName[] = ['supernetes', 'etcd'];

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
const notes: string[] = [];
const note = (text: string): void => {
  notes.push(text);
  log(`  ${text}`);
};
/** Cores other processes kept busy, one figure per measurement. */
const backgroundLoad: number[] = [];

interface Target {
  readonly server: RunningServer;
  readonly clients: Clients;
}
type Targets = Map<ServerName, Target>;

async function startBoth(): Promise<Targets> {
  const targets: Targets = new Map();
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

async function stopAll(targets: Targets): Promise<void> {
  for (const { clients } of targets.values()) clients.close();
  await Promise.all([...targets.values()].map(({ server }) => server.stop()));
  targets.clear();
}

function target(targets: Targets, name: ServerName): Target {
  const found = targets.get(name);
  if (found === undefined) throw new Error(`${name} is not running`);
  return found;
}

/** The pids of the servers other than `name` (idle while `name` is measured). */
function otherPids(targets: Targets, name: ServerName): number[] {
  return [...targets.values()].filter((t) => t.server.name !== name).map((t) => t.server.pid);
}

/** `measure` on both servers for `rounds` rounds, alternating which goes first. */
async function compare<T>(targets: Targets, rounds: number, measure: (t: Target, round: number) => Promise<T>): Promise<Record<ServerName, T[]>> {
  const results: Record<ServerName, T[]> = { supernetes: [], etcd: [] };
  let turn = 0;
  for (let round = 0; round < rounds; round++) {
    const names = turn++ % 2 === 0 ? NAMES : [...NAMES].reverse();
    for (const name of names) {
      await pause(300);
      results[name].push(await measure(target(targets, name), round));
    }
  }
  return results;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 0.5);
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number): string => `${value.toFixed(2)} ms`;

function describe(t: Throughput): string {
  return (
    `${Math.round(t.perSecond)}/s (${t.ops} in ${t.seconds.toFixed(1)} s; latency p50 ${ms(t.p50)} p99 ${ms(t.p99)}; ` +
    `CPU per op: server ${Math.round(t.serverCpuPerKop * 1000)} µs, client ${Math.round(t.clientCpuPerKop * 1000)} µs; ` +
    `other load ${t.otherCores.toFixed(2)} cores)`
  );
}

async function throughputRow(targets: Targets, label: string, unit: string, clients: number, op: Op): Promise<Row> {
  log(`${label} ...`);
  const results = await compare(targets, CONFIG.rounds, async ({ server, clients: pool }, round) => {
    const t = await closedLoop(pool.pool, clients, op, { ...CONFIG, serverPid: server.pid, otherPids: otherPids(targets, server.name) });
    backgroundLoad.push(t.otherCores);
    const connections = clients > 1 ? `; ${connectionsTo(portOf(server.endpoint))} TCP connections` : '';
    note(`${label} — ${server.name} round ${round + 1}: ${describe(t)}${connections}`);
    return t.perSecond;
  });
  return { label, unit, better: 'higher', supernetes: median(results.supernetes), etcd: median(results.etcd) };
}

const putKey = (prefix: string, n: number): string => `${prefix}${pad(n % KEYSPACE, 5)}`;

async function run(targets: Targets, rows: Row[]): Promise<void> {
  const put1: Op = async (client, _i, seq) => {
    await client.put(putKey('bench/put1/', seq)).value(VALUE);
  };
  const put64: Op = async (client, _i, seq) => {
    await client.put(putKey('bench/put64/', seq)).value(VALUE);
  };
  const get: Op = async (client, _i, seq) => {
    const value = await client.get(`bench/get/${pad((seq * 7919) % 1000, 6)}`).buffer();
    if (value === null || value.length !== VALUE.length) throw new Error('get: wrong value');
  };
  const range: Op = async (client) => {
    const response = await client.getAll().prefix('bench/list/').exec();
    if (response.kvs.length !== 100) throw new Error(`range: ${response.kvs.length} keys, expected 100`);
  };

  if (selected('put1')) rows.push(await throughputRow(targets, 'puts/s, 1 client (sequential)', 'puts/s', 1, put1));
  if (selected('put64')) rows.push(await throughputRow(targets, `puts/s, ${CONCURRENCY} clients`, 'puts/s', CONCURRENCY, put64));
  if (selected('get') || selected('range')) {
    // The 100-key prefix sorts before the 20,000 keys of the put rows, as /registry/configmaps/
    // sorts before other resources in a real cluster: a range must stop at its end, not scan on.
    log('filling 1000 keys for the gets and 100 keys for the prefix range ...');
    for (const { clients } of targets.values()) {
      await fill(clients.pool, 'bench/get/', 1000, VALUE);
      await fill(clients.pool, 'bench/list/', 100, VALUE);
      // A row run alone still finds the keys the put rows would have left after the prefix.
      if (!selected('put1')) await fill(clients.pool, 'bench/put1/', KEYSPACE, VALUE);
      if (!selected('put64')) await fill(clients.pool, 'bench/put64/', KEYSPACE, VALUE);
    }
  }
  if (selected('get')) rows.push(await throughputRow(targets, `gets/s, single key, ${CONCURRENCY} clients`, 'gets/s', CONCURRENCY, get));
  if (selected('range')) {
    rows.push(await throughputRow(targets, `ranges/s, prefix of 100 keys, ${CONCURRENCY} clients`, 'ranges/s', CONCURRENCY, range));
  }
  if (selected('watch')) await watchRows(targets, rows);
}

/** Watch delivery latency p50 and p99, from the samples of every round pooled. */
async function watchRows(targets: Targets, rows: Row[]): Promise<void> {
  log('watch delivery latency ...');
  const watch = await compare(targets, CONFIG.rounds, async ({ server, clients }, round) => {
    const [writer, watcher] = [clients.pool[0], clients.pool[CONCURRENCY]] as [Etcd3, Etcd3];
    const result = await watchLatency(watcher, writer, {
      samples: CONFIG.watchSamples,
      warmup: 30,
      gapMs: 2,
      ms: CONFIG.watchMs,
      serverPid: server.pid,
      otherPids: otherPids(targets, server.name),
    });
    backgroundLoad.push(result.otherCores);
    const sorted = [...result.latencies].sort((a, b) => a - b);
    note(
      `watch latency — ${server.name} round ${round + 1}: ${sorted.length} samples, p50 ${ms(percentile(sorted, 0.5))}, ` +
        `p99 ${ms(percentile(sorted, 0.99))}, max ${ms(sorted[sorted.length - 1] ?? Number.NaN)}; other load ${result.otherCores.toFixed(2)} cores`,
    );
    return result.latencies;
  });
  const pooled = (name: ServerName): number[] => watch[name].flat().sort((a, b) => a - b);
  const [sn, etcd] = [pooled('supernetes'), pooled('etcd')];
  rows.push({ label: 'watch delivery latency p50', unit: 'ms', better: 'lower', supernetes: percentile(sn, 0.5), etcd: percentile(etcd, 0.5) });
  rows.push({ label: 'watch delivery latency p99', unit: 'ms', better: 'lower', supernetes: percentile(sn, 0.99), etcd: percentile(etcd, 0.99) });
}

/** RSS on a fresh pair, so the earlier rows' keys and history don't count. */
async function rssRow(targets: Targets): Promise<Row> {
  const keys = CONFIG.rssKeys;
  log(`RSS after ${keys} keys of 1 KiB (fresh servers) ...`);
  const rss = await compare(targets, 1, async ({ server, clients }) => {
    const idle = memoryOf(server.pid);
    const started = performance.now();
    await fill(clients.pool.slice(0, CONCURRENCY), 'bench/rss/', keys, RSS_VALUE);
    const seconds = (performance.now() - started) / 1000;
    await pause(2000);
    const m = memoryOf(server.pid);
    note(
      `RSS — ${server.name}: ${mib(m.rss)} after ${keys} keys (anon ${mib(m.anon)}, file-backed ${mib(m.file)}, ` +
        `shmem ${mib(m.shmem)}; peak ${mib(m.peak)}; idle at start ${mib(idle.rss)}); ` +
        `written in ${seconds.toFixed(1)} s by ${CONCURRENCY} clients (${Math.round(keys / seconds)} puts/s of 1 KiB); ` +
        `data dir ${mib(dirSize(server.dataDir))}`,
    );
    return m.rss;
  });
  return {
    label: `RSS after ${keys.toLocaleString('en-US')} keys of 1 KiB`,
    unit: 'MiB',
    better: 'lower',
    supernetes: median(rss.supernetes),
    etcd: median(rss.etcd),
  };
}

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  log(
    `bench/store${quick ? ' --quick' : ''}: ${CONFIG.rounds} round(s) of ${CONFIG.ms / 1000} s per server and row, ` +
      `${CONCURRENCY} concurrent clients; load average ${loadAverage()}`,
  );
  const rows: Row[] = [];
  let targets = await startBoth();
  const stopOnSignal = (): void => {
    void stopAll(targets).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const started = performance.now();
  try {
    await run(targets, rows);
    if (selected('rss')) {
      await stopAll(targets);
      targets = await startBoth();
      rows.push(await rssRow(targets));
    }
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await stopAll(targets);
  }

  console.log('');
  console.log(table(rows));
  console.log('');
  console.log(`ratio = supernetes / etcd; "better" is the direction in which a figure is better.`);
  const background = backgroundLoad.reduce((a, b) => a + b, 0) / Math.max(1, backgroundLoad.length);
  console.log(
    `${((performance.now() - started) / 1000).toFixed(0)} s; other processes kept ${background.toFixed(2)} of ${cpus().length} cores busy ` +
      `on average during the measurements (max ${Math.max(0, ...backgroundLoad).toFixed(2)}); load average at the end ${loadAverage()}`,
  );
  if (background > 0.25) {
    console.log('WARNING: the machine was not quiet: both servers and the clients competed with other processes for the cores, so these figures vary from run to run.');
  }
  console.log('details:');
  for (const text of notes) console.log(`  ${text}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
