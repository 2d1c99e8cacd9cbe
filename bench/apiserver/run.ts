// bench/apiserver: SuperAPIServer under load from HTTPS clients on 127.0.0.1, against the issue's
// targets. The server is `supernetes server` from dist/ in a process of its own (fresh data dir),
// so RSS and CPU are the server's alone.
//
//   npm run build && npx tsx bench/apiserver/run.ts [--quick] [--markdown]
//
// BENCH_SUPERNETES=/path/to/dist/cmd/supernetes.js measures another build;
// BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" BENCH_PHASES=/tmp/prof/phases.json
// profiles the server, and `npx tsx bench/apiserver/profile.ts /tmp/prof/CPU.*.cpuprofile
// /tmp/prof/phases.json` summarises the profile phase by phase.
import { readFileSync, writeFileSync } from 'node:fs';
import { clients, connectionsTo, type Client } from './http.js';
import { configMapManifest, NAMESPACE, namespaceManifest, podManifest, podName, podStatusPatch } from './objects.js';
import { monotonicUs, type Phase } from './profile.js';
import { markdown, table, type Row } from './report.js';
import { describeCpu, memoryOf, meterCpu, serverEntry, startServer, type CpuUse, type Memory, type RunningServer } from './server.js';
import { watchFanout, type WatchResult } from './watch.js';
import { closedLoop, fill, median, pacedLoop, percentile, timeList, type LoopResult } from './workloads.js';

const quick = process.argv.includes('--quick');
const CONFIG = quick
  ? { pods: 2_000, createMs: 3_000, warmupMs: 500, listRuns: 3, watchMs: 3_000, settleMs: 1_500 }
  : { pods: 10_000, createMs: 10_000, warmupMs: 1_000, listRuns: 7, watchMs: 10_000, settleMs: 3_000 };
const WRITERS = 50;
/** The load at which write latency is held to its target: 10 creates/s from each of 50 clients. */
const PACED_RATE = 500;
const WATCHERS = 100;
const MAX_CREATES = 200_000;
/** Pod creates that warm the server up (JIT, connections) and count for nothing. */
const FILL_WARMUP = 500;
const MAX_WATCH_WRITES = 30_000;
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';
/** What kubectl get sends: Table if it can have one, else plain JSON. */
const KUBECTL_ACCEPT = `${TABLE_ACCEPT},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`;
/** The targets (for 10,000 pods; --quick scales the list target to its pod count). */
const TARGET = { writeP99Ms: 25, list10kMs: 300, idleRssMiB: 120 };

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
const notes: string[] = [];
const note = (text: string): void => {
  notes.push(text);
  log(`  ${text}`);
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number): string => `${value.toFixed(2)} ms`;
const count = (n: number): string => n.toLocaleString('en-US');
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Phase boundaries on the profiler's clock, for profile.ts (BENCH_PHASES=file.json writes them). */
const phases: Phase[] = [];
async function phase<T>(name: string, run: () => Promise<T>): Promise<T> {
  const startUs = monotonicUs();
  try {
    return await run();
  } finally {
    phases.push({ name, startUs, endUs: monotonicUs() });
  }
}

/** Server CPU milliseconds per operation: unlike latency, hardly moved by other load on the machine. */
const cpuPerOp = (cpu: CpuUse, ops: number): number => (cpu.serverCores * cpu.seconds * 1000) / ops;

function describeMemory(m: Memory): string {
  return `VmRSS ${mib(m.rss)} (anon ${mib(m.anon)}, file-backed ${mib(m.file)}; peak ${mib(m.peak)})`;
}

function describeLoop(result: LoopResult): string {
  const l = result.latencies;
  return (
    `${count(result.ops)} in ${result.seconds.toFixed(1)} s = ${Math.round(result.perSecond)}/s; latency p50 ${ms(percentile(l, 0.5))}, ` +
    `p90 ${ms(percentile(l, 0.9))}, p99 ${ms(percentile(l, 0.99))}, max ${ms(l[l.length - 1] ?? Number.NaN)}`
  );
}

async function untilReady(client: Client): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const response = await client.request({ path: '/readyz' }).catch(() => undefined);
    if (response?.status === 200) return;
    await pause(100);
  }
  throw new Error('/readyz never said ok');
}

/**
 * The rows of a write phase. The latency target applies to the paced phase: in a closed loop the
 * 50 clients keep the server saturated, and latency is then 50 / throughput by Little's law.
 */
function writeRows(rows: Row[], label: string, result: LoopResult, cpu: CpuUse, latencyTarget: boolean): void {
  rows.push({ label: `${label}: creates/s`, value: result.perSecond, unit: '/s' });
  rows.push({ label: `${label}: server CPU per create`, value: cpuPerOp(cpu, result.allOps), unit: 'ms' });
  rows.push({ label: `${label}: latency p50`, value: percentile(result.latencies, 0.5), unit: 'ms' });
  rows.push({
    label: `${label}: latency p99`,
    value: percentile(result.latencies, 0.99),
    unit: 'ms',
    ...(latencyTarget ? { target: { below: TARGET.writeP99Ms, text: `< ${TARGET.writeP99Ms} ms` } } : {}),
  });
}

/** Pod creates from 50 clients at a fixed total rate, into a namespace of their own (the lists are done). */
async function pacedPodCreates(server: RunningServer, pool: readonly Client[], rows: Row[], totalRate: number, latencyTarget: boolean): Promise<void> {
  const namespace = `${NAMESPACE}-paced-${totalRate}`;
  const label = `pod creates at ${count(totalRate)}/s from ${WRITERS} clients (${totalRate / WRITERS}/s each)`;
  log(`${label}, ${CONFIG.createMs / 1000} s ...`);
  await pool[0]?.expect(201, { method: 'POST', path: '/api/v1/namespaces', body: namespaceManifest(namespace) });
  const meter = meterCpu(server.pid);
  const result = await pacedLoop(
    pool,
    async (client, seq) => {
      await client.expect(201, { method: 'POST', path: `/api/v1/namespaces/${namespace}/pods`, body: podManifest(seq) });
    },
    { perClientRate: totalRate / WRITERS, ms: CONFIG.createMs, warmupMs: CONFIG.warmupMs, maxOps: MAX_CREATES },
  );
  const cpu = meter();
  note(`${label}: ${describeLoop(result)} (latency from when each create was due); server CPU ${ms(cpuPerOp(cpu, result.allOps))} per create; ${describeCpu(cpu)}`);
  writeRows(rows, label, result, cpu, latencyTarget);
}

async function fillPods(server: RunningServer, pool: readonly Client[], rows: Row[]): Promise<void> {
  log(`creating ${count(CONFIG.pods)} pods with ${WRITERS} clients ...`);
  const meter = meterCpu(server.pid);
  let connections = 0;
  const result = await fill(pool, CONFIG.pods, async (client, i) => {
    if (i === WRITERS * 4) connections = connectionsTo(server.port);
    await client.expect(201, { method: 'POST', path: `/api/v1/namespaces/${NAMESPACE}/pods`, body: podManifest(i) });
  }, FILL_WARMUP);
  const cpu = meter();
  note(
    `pod creates (${count(CONFIG.pods)} pods, ${WRITERS} clients, ${connections} TCP connections; the first ${FILL_WARMUP} not counted): ${describeLoop(result)}; ` +
      `server CPU ${ms(cpuPerOp(cpu, result.allOps))} per create; ${describeCpu(cpu)}`,
  );
  writeRows(rows, `pod creates, ${WRITERS} clients (filling ${count(CONFIG.pods)} pods)`, result, cpu, false);
}

async function lists(server: RunningServer, reader: Client, rows: Row[]): Promise<void> {
  const pods = CONFIG.pods;
  const target = (TARGET.list10kMs * pods) / 10_000;
  const listTarget = { below: target, text: `< ${Math.round(target)} ms${pods === 10_000 ? '' : ' (scaled)'}` };
  const path = `/api/v1/namespaces/${NAMESPACE}/pods`;
  const cases: { label: string; short: string; accept: string; pageLimit?: number; target?: typeof listTarget }[] = [
    { label: `list ${count(pods)} pods, JSON (median of ${CONFIG.listRuns})`, short: `list ${count(pods)} pods, JSON`, accept: 'application/json', target: listTarget },
    { label: `list ${count(pods)} pods, Table (median of ${CONFIG.listRuns})`, short: `list ${count(pods)} pods, Table`, accept: TABLE_ACCEPT, target: listTarget },
    {
      label: `list ${count(pods)} pods as kubectl get does: Table, pages of 500`,
      short: `list ${count(pods)} pods, Table, pages of 500`,
      accept: KUBECTL_ACCEPT,
      pageLimit: 500,
    },
  ];
  for (const c of cases) {
    log(`${c.label} ...`);
    const meter = meterCpu(server.pid);
    const timing = await phase(c.label, () =>
      timeList(reader, path, {
        accept: c.accept,
        runs: CONFIG.listRuns,
        expectItems: pods,
        ...(c.pageLimit === undefined ? {} : { pageLimit: c.pageLimit }),
      }),
    );
    const cpu = meter();
    const sorted = [...timing.times].sort((a, b) => a - b);
    note(
      `${c.label}: runs ${sorted.map((t) => t.toFixed(0)).join(', ')} ms; ${mib(timing.bytes)} of body per list; ` +
        `server CPU ${ms(cpuPerOp(cpu, CONFIG.listRuns + 1))} per list; ${describeCpu(cpu)}`,
    );
    rows.push({ label: c.label, value: median(timing.times), unit: 'ms', ...(c.target === undefined ? {} : { target: c.target }) });
    rows.push({ label: `${c.short}: server CPU per list`, value: cpuPerOp(cpu, CONFIG.listRuns + 1), unit: 'ms' });
  }
}

async function watchRows(server: RunningServer, reader: Client, rows: Row[], writers: number): Promise<void> {
  const label = `watch: ${WATCHERS} watchers, ${writers} writer${writers === 1 ? '' : 's'} patching pod status`;
  log(`${label} ...`);
  const watcherPool = clients(server.port, server.credentials, WATCHERS);
  const writerPool = clients(server.port, server.credentials, writers);
  const meter = meterCpu(server.pid);
  let result: WatchResult;
  try {
    result = await watchFanout(watcherPool, writerPool, reader, {
      namespace: NAMESPACE,
      pods: CONFIG.pods,
      podName,
      statusPatch: podStatusPatch,
      warmupMs: CONFIG.warmupMs,
      ms: CONFIG.watchMs,
      maxWrites: MAX_WATCH_WRITES,
      drainMs: 20_000,
      round: writers,
    });
  } finally {
    for (const c of [...watcherPool, ...writerPool]) c.close();
  }
  const l = result.latencies;
  const w = result.writeLatencies;
  note(
    `${label}: ${count(result.writes)} writes in ${result.seconds.toFixed(1)} s (${Math.round(result.writes / result.seconds)}/s, ` +
      `write p50 ${ms(percentile(w, 0.5))} p99 ${ms(percentile(w, 0.99))}); ${count(Math.round(result.eventsPerSecond))} events/s delivered; ` +
      `delivery p50 ${ms(percentile(l, 0.5))} p90 ${ms(percentile(l, 0.9))} p99 ${ms(percentile(l, 0.99))} max ${ms(l[l.length - 1] ?? Number.NaN)} ` +
      `(${count(l.length)} samples, ${count(result.beforeAck)} events arrived before their ack); ` +
      `after the last write every watcher had every event in ${Number.isNaN(result.drainMs) ? 'never (timed out)' : ms(result.drainMs)}; ` +
      `${result.incompleteWatchers} watchers missed ${count(result.missing)} events; ${result.errorEvents} ERROR events; ${describeCpu(meter())}`,
  );
  rows.push({ label: `${label}: events/s delivered`, value: result.eventsPerSecond, unit: '/s' });
  rows.push({ label: `${label}: delivery latency p50`, value: percentile(l, 0.5), unit: 'ms' });
  rows.push({ label: `${label}: delivery latency p99`, value: percentile(l, 0.99), unit: 'ms' });
}

async function configMapCreates(server: RunningServer, pool: readonly Client[], rows: Row[]): Promise<void> {
  log(`configmap creates, ${WRITERS} clients, ${CONFIG.createMs / 1000} s ...`);
  const meter = meterCpu(server.pid);
  let connections = 0;
  const result = await closedLoop(
    pool,
    async (client, seq) => {
      if (seq === WRITERS * 20) connections = connectionsTo(server.port);
      await client.expect(201, { method: 'POST', path: `/api/v1/namespaces/${NAMESPACE}/configmaps`, body: configMapManifest(`cm-${seq}`) });
    },
    { ms: CONFIG.createMs, warmupMs: CONFIG.warmupMs, maxOps: MAX_CREATES },
  );
  const cpu = meter();
  note(
    `configmap creates (${WRITERS} clients, ${connections} TCP connections): ${describeLoop(result)}; ` +
      `server CPU ${ms(cpuPerOp(cpu, result.allOps))} per create; ${describeCpu(cpu)}`,
  );
  writeRows(rows, `configmap creates, ${WRITERS} clients, ${CONFIG.createMs / 1000} s`, result, cpu, false);
}

async function run(server: RunningServer, rows: Row[]): Promise<void> {
  const reader = clients(server.port, server.credentials, 1)[0];
  if (reader === undefined) throw new Error('no client');
  const pool = clients(server.port, server.credentials, WRITERS);
  try {
    await untilReady(reader);
    await pause(CONFIG.settleMs);
    const idle = memoryOf(server.pid);
    note(`idle after startup: ${describeMemory(idle)}`);
    rows.push({ label: 'idle server RSS after startup', value: idle.rss, unit: 'MiB', target: { below: TARGET.idleRssMiB * 1024 * 1024, text: `< ${TARGET.idleRssMiB} MiB` } });

    await reader.expect(201, { method: 'POST', path: '/api/v1/namespaces', body: namespaceManifest(NAMESPACE) });
    await phase('pod creates', () => fillPods(server, pool, rows));
    await pause(CONFIG.settleMs);
    const stored = memoryOf(server.pid);
    note(`with ${count(CONFIG.pods)} pods stored: ${describeMemory(stored)}`);
    rows.push({ label: `server RSS with ${count(CONFIG.pods)} pods stored`, value: stored.rss, unit: 'MiB' });
    await lists(server, reader, rows);
    await pause(CONFIG.settleMs);
    const listed = memoryOf(server.pid);
    note(`with ${count(CONFIG.pods)} pods stored, after the lists: ${describeMemory(listed)}`);
    rows.push({ label: `server RSS with ${count(CONFIG.pods)} pods stored, after the lists`, value: listed.rss, unit: 'MiB' });

    await phase('watch, 1 writer', () => watchRows(server, reader, rows, 1));
    await phase('watch, 10 writers', () => watchRows(server, reader, rows, 10));
    await phase('paced pod creates, 500/s', () => pacedPodCreates(server, pool, rows, PACED_RATE, true));
    await phase('paced pod creates, 1,000/s', () => pacedPodCreates(server, pool, rows, 2 * PACED_RATE, false));
    await phase('configmap creates', () => configMapCreates(server, pool, rows));
    note(`at the end: ${describeMemory(memoryOf(server.pid))}`);
  } finally {
    for (const c of [reader, ...pool]) c.close();
  }
}

async function main(): Promise<void> {
  log(`bench/apiserver${quick ? ' --quick' : ''}: ${serverEntry()}; load average ${loadAverage()}`);
  const started = performance.now();
  const server = await startServer();
  log(`supernetes server: pid ${server.pid} on ${server.url}, data in ${server.dataDir}`);
  const stopOnSignal = (): void => {
    void server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const rows: Row[] = [];
  try {
    await run(server, rows);
  } catch (error) {
    log(`server output:\n${server.output()}`);
    throw error;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await server.stop();
    if (process.env.BENCH_PHASES !== undefined) writeFileSync(process.env.BENCH_PHASES, JSON.stringify(phases, null, 1));
  }
  console.log('');
  console.log(table(rows));
  console.log('');
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadAverage()}`);
  console.log('details:');
  for (const text of notes) console.log(`  ${text}`);
  if (process.argv.includes('--markdown')) {
    console.log('');
    console.log(markdown(rows));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
