// bench/pods: time to start 50 pods on one Docker daemon, Supernetes against the `docker run -d`
// floor and Docker Swarm, each run several times in rotating order; the table gives medians.
//
//   npm run bench:pods                                      # builds, then 3 runs of each
//   npx tsx bench/pods/run.ts --runs=5 --only=supernetes    # or BENCH_PODS_RUNS=5
//   npx tsx bench/pods/run.ts --pods=20 --markdown          # or BENCH_PODS=20
//
// BENCH_SUPERNETES=/path/to/dist/cmd/supernetes.js measures another build.
import type Docker from 'dockerode';
import { dockerClient, IMAGE } from './docker.js';
import { cleanFloor, runFloor, type FloorResult } from './floor.js';
import { backgroundCores, describeLoad, dockerDaemons, loadAverage, machineCpuPer, meterLoad, type LoadUse, type StartMeter } from './load.js';
import { markdown, table, type Row } from './report.js';
import { supernetesEntry } from '../common/supernetes-process.js';
import { median, ms, percentile } from './stats.js';
import { cleanNode, runSupernetes, type PodTimeline, type SupernetesResult } from './supernetes.js';
import { cleanSwarmService, joinSwarm, runSwarm, type SwarmResult } from './swarm.js';

type Kind = 'supernetes' | 'floor' | 'swarm';
const KINDS: readonly Kind[] = ['supernetes', 'floor', 'swarm'];

function option(name: string, env: string): string | undefined {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  return flag === undefined ? process.env[env] : flag.slice(name.length + 3);
}

function positiveInt(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: expected a positive integer, got "${text}"`);
  return n;
}

const RUNS = positiveInt(option('runs', 'BENCH_PODS_RUNS'), 3, '--runs / BENCH_PODS_RUNS');
const PODS = positiveInt(option('pods', 'BENCH_PODS'), 50, '--pods / BENCH_PODS');
const ONLY = (option('only', 'BENCH_PODS_ONLY') ?? KINDS.join(',')).split(',').map((k) => k.trim()) as Kind[];
for (const k of ONLY) if (!KINDS.includes(k)) throw new Error(`--only: unknown "${k}"; choose from ${KINDS.join(', ')}`);
const RUN_TIMEOUT_MS = 180_000;
const TARGET = { floorRatio: 1.5, swarmRatio: 0.5, p99Ms: 1_000 };

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
const notes: string[] = [];
const note = (text: string): void => {
  notes.push(text);
  log(`  ${text}`);
};

interface Results {
  supernetes: SupernetesResult[];
  floor: FloorResult[];
  swarm: SwarmResult[];
  failures: string[];
  /** Time to all running per round and kind, for the ratios of one round. */
  byRound: Map<number, Partial<Record<Kind, number>>>;
}

const diffs = (pods: readonly PodTimeline[], from: keyof PodTimeline, to: keyof PodTimeline): number[] =>
  pods.map((p) => (p[to] as number) - (p[from] as number)).filter((v) => Number.isFinite(v));

/** Core-ms per pod (or container) of Docker's work: dockerd and containerd (with what they reaped) over the timed span, plus the containers' shims, runc runs and processes. */
function dockerCpuPer(load: LoadUse, containersCpu: number): number {
  const daemons = ((load.processCores.get('dockerd') ?? 0) + (load.processCores.get('containerd') ?? 0)) * load.seconds;
  return ((daemons + containersCpu) * 1000) / PODS;
}

const serverCpuPer = (load: LoadUse): number => ((load.processCores.get('supernetes server') ?? 0) * load.seconds * 1000) / PODS;

const cpuNote = (load: LoadUse, containersCpu: number): string =>
  `CPU per pod: Docker's ${ms(dockerCpuPer(load, containersCpu))} (of which shims, runc and containers ${ms((containersCpu * 1000) / PODS)}), ` +
  `the machine's ${ms(machineCpuPer(load, PODS))}; `;

function describeSupernetes(r: SupernetesResult): string {
  const pods = r.pods;
  const startup = diffs(pods, 'created', 'runningSeen');
  const step = (label: string, from: keyof PodTimeline, to: keyof PodTimeline): string => `${label} ${ms(median(diffs(pods, from, to)))}`;
  return (
    `all Running ${ms(r.allRunningMs)} (creates all answered at ${ms(r.createsAnsweredMs)}); ` +
    `per pod (create answered → Running seen) p50 ${ms(percentile(startup, 0.5))} p99 ${ms(percentile(startup, 0.99))}, ` +
    `from its create sent p50 ${ms(percentile(diffs(pods, 'sent', 'runningSeen'), 0.5))}; ` +
    `medians of the steps: ${step('create answered → bound seen', 'created', 'scheduledSeen')}, ` +
    `${step('→ sandbox created', 'scheduledSeen', 'sandboxCreated')}, ${step('sandbox created → started', 'sandboxCreated', 'sandboxStarted')}, ` +
    `${step('→ app created', 'sandboxStarted', 'appCreated')}, ${step('app created → started', 'appCreated', 'appStarted')}, ` +
    `${step('→ Running seen', 'appStarted', 'runningSeen')}; ` +
    `${r.extraContainers} extra containers; node Ready ${ms(r.nodeReadyMs)} after start; delete all ${ms(r.deleteMs)}; ` +
    `server stop ${ms(r.stopMs)}; containers left on the node after the stop: ${r.leftovers}; ${cpuNote(r.load, r.containersCpu)}${describeLoad(r.load)}; ` +
    `server warnings: ${r.serverWarnings.count}${r.serverWarnings.first.map((w) => `\n      ${w}`).join('')}`
  );
}

function describeFloor(r: FloorResult): string {
  return (
    `all running ${ms(r.allRunningMs)}; per container (first create sent → its start answered) p50 ${ms(percentile(r.perContainerMs, 0.5))} ` +
    `p99 ${ms(percentile(r.perContainerMs, 0.99))}; Docker's Created → StartedAt p50 ${ms(percentile(r.createToStartMs, 0.5))}; ` +
    `removing them ${ms(r.removeMs)}; ${cpuNote(r.load, r.containersCpu)}${describeLoad(r.load)}`
  );
}

function describeSwarm(r: SwarmResult): string {
  return (
    `all running ${ms(r.allRunningMs)} (${r.polls} polls; create answered at ${ms(r.createAnsweredMs)}); per task (create sent → task's running timestamp) ` +
    `p50 ${ms(percentile(r.perTaskMs, 0.5))} p99 ${ms(percentile(r.perTaskMs, 0.99))}; Docker's Created → StartedAt p50 ${ms(percentile(r.createToStartMs, 0.5))}; ` +
    `${r.failedTasks} failed tasks; removing the service ${ms(r.removeMs)}; ${cpuNote(r.load, r.containersCpu)}${describeLoad(r.load)}`
  );
}

async function runOne(docker: Docker, kind: Kind, round: number, results: Results, startMeter: StartMeter): Promise<void> {
  const background = await backgroundCores();
  const prefix = `run ${round + 1} ${kind}: background ${background.toFixed(2)} cores before;`;
  const record = (value: number): void => {
    results.byRound.set(round, { ...results.byRound.get(round), [kind]: value });
  };
  try {
    if (kind === 'floor') {
      const r = await runFloor(docker, PODS, startMeter);
      results.floor.push(r);
      record(r.allRunningMs);
      note(`${prefix} ${describeFloor(r)}`);
    } else if (kind === 'swarm') {
      const session = await joinSwarm(docker);
      try {
        const r = await runSwarm(docker, PODS, RUN_TIMEOUT_MS, startMeter);
        results.swarm.push(r);
        record(r.allRunningMs);
        note(`${prefix} ${describeSwarm(r)}${session.created ? '' : ' (in an existing swarm)'}`);
      } finally {
        await session.leave();
      }
    } else {
      const r = await runSupernetes(docker, PODS, RUN_TIMEOUT_MS, startMeter);
      results.supernetes.push(r);
      record(r.allRunningMs);
      note(`${prefix} ${describeSupernetes(r)}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.failures.push(`run ${round + 1} ${kind}: ${message}`);
    note(`${prefix} FAILED: ${message}`);
  }
}

function rows(results: Results): Row[] {
  const s = results.supernetes;
  const sn = median(s.map((r) => r.allRunningMs));
  const floor = median(results.floor.map((r) => r.allRunningMs));
  const swarm = median(results.swarm.map((r) => r.allRunningMs));
  const startups = s.map((r) => diffs(r.pods, 'created', 'runningSeen'));
  const p50 = median(startups.map((v) => percentile(v, 0.5)));
  const p99 = median(startups.map((v) => percentile(v, 0.99)));
  const sandbox = median(s.map((r) => percentile(diffs(r.pods, 'sandboxCreated', 'sandboxStarted'), 0.5)));
  const app = median(s.map((r) => percentile(diffs(r.pods, 'appCreated', 'appStarted'), 0.5)));
  const n = (list: readonly unknown[]): string => `median of ${list.length}`;
  return [
    { label: `time to all ${PODS} running: Supernetes (${n(s)})`, value: sn, unit: 'ms' },
    { label: `time to all ${PODS} running: docker run -d floor (${n(results.floor)})`, value: floor, unit: 'ms' },
    { label: `time to all ${PODS} running: Docker Swarm (${n(results.swarm)})`, value: swarm, unit: 'ms' },
    { label: 'Supernetes ÷ docker run floor', value: sn / floor, unit: 'ratio', target: { limit: TARGET.floorRatio, inclusive: true, text: `≤ ${TARGET.floorRatio}` } },
    { label: 'Supernetes ÷ Docker Swarm', value: sn / swarm, unit: 'ratio', target: { limit: TARGET.swarmRatio, text: `< ${TARGET.swarmRatio}` } },
    { label: 'per-pod startup p50 (created → Running seen in a watch)', value: p50, unit: 'ms' },
    { label: 'per-pod startup p99 (created → Running seen in a watch)', value: p99, unit: 'ms', target: { limit: TARGET.p99Ms, text: `< ${TARGET.p99Ms / 1000} s` } },
    { label: 'sandbox container: Docker Created → StartedAt, p50', value: sandbox, unit: 'ms' },
    { label: 'sandbox p50 as a share of per-pod startup p50', value: sandbox / p50, unit: '%' },
    { label: 'app container: Docker Created → StartedAt, p50', value: app, unit: 'ms' },
    { label: "Docker's CPU per pod until all running: Supernetes", value: median(s.map((r) => dockerCpuPer(r.load, r.containersCpu))), unit: 'ms' },
    { label: "Docker's CPU per container until all running: floor", value: median(results.floor.map((r) => dockerCpuPer(r.load, r.containersCpu))), unit: 'ms' },
    { label: "Docker's CPU per task until all running: Swarm", value: median(results.swarm.map((r) => dockerCpuPer(r.load, r.containersCpu))), unit: 'ms' },
    { label: 'supernetes server CPU per pod until all running', value: median(s.map((r) => serverCpuPer(r.load))), unit: 'ms' },
  ];
}

async function cleanAll(docker: Docker): Promise<void> {
  await cleanFloor(docker);
  await cleanSwarmService(docker);
  await cleanNode(docker);
}

async function main(): Promise<void> {
  const docker = dockerClient();
  try {
    await docker.ping();
    await docker.getImage(IMAGE).inspect();
  } catch (error) {
    throw new Error(`Docker or the image ${IMAGE} is missing (run scripts/setup-docker.sh): ${error instanceof Error ? error.message : String(error)}`);
  }
  const version = (await docker.version()) as { Version?: string };
  log(`bench/pods: ${PODS} pods × ${RUNS} runs of ${ONLY.join(', ')}; ${supernetesEntry()}; Docker ${version.Version ?? '?'}; load average ${loadAverage()}`);
  const started = performance.now();
  await cleanAll(docker);
  const daemons = dockerDaemons();
  const startMeter: StartMeter = (extra = []) => meterLoad([...daemons, ...extra]);
  const stopOnSignal = (): void => {
    void cleanAll(docker).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const results: Results = { supernetes: [], floor: [], swarm: [], failures: [], byRound: new Map() };
  try {
    for (let round = 0; round < RUNS; round++) {
      // Rotate the order so that each kind runs first, second and third as often as the others.
      const order = ONLY.map((_, i) => ONLY[(i + round) % ONLY.length] as Kind);
      for (const kind of order) await runOne(docker, kind, round, results, startMeter);
    }
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await cleanAll(docker);
  }
  const table_ = rows(results);
  console.log('');
  console.log(table(table_));
  console.log('');
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadAverage()}`);
  console.log('details:');
  for (const text of notes) console.log(`  ${text}`);
  for (const [round, times] of results.byRound) {
    const ratio = (other: number | undefined): string => (times.supernetes === undefined || other === undefined ? 'n/a' : `${(times.supernetes / other).toFixed(2)}x`);
    console.log(`  run ${round + 1}: Supernetes ÷ floor ${ratio(times.floor)}, Supernetes ÷ Swarm ${ratio(times.swarm)}`);
  }
  if (results.failures.length > 0) {
    console.log('failures:');
    for (const f of results.failures) console.log(`  ${f.split('\n')[0] ?? ''}`);
    process.exitCode = 1;
  }
  if (process.argv.includes('--markdown')) {
    console.log('');
    console.log(markdown(table_));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
