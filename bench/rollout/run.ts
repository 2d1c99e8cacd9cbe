// bench/rollout: a Deployment's life under SuperController, run as its own process: time to
// Available and to a complete rolling update (default strategy, 25 % / 25 %), and the CPU each
// process used in each phase. 100 pods on the fake runtime (two fake nodes: a node takes 110 pods,
// a rollout of 100 needs 125 at once), 20 on Docker, with Docker's own time to start 20
// containers (sequentially and at once) and to replace them as the reference.
//
//   npm run bench:rollout                          # builds, then fake, docker, floor: 4-7 minutes
//   npx tsx bench/rollout/run.ts --quick           # 30 fake pods, 6 on Docker, no idle phase
//   npx tsx bench/rollout/run.ts --only=fake       # some of fake, docker, floor
//   npx tsx bench/rollout/run.ts --fake-pods=200 --docker-pods=10 --markdown
//
// BENCH_SUPERNETES=/path/to/dist/cmd/supernetes.js measures another build.
import type Docker from 'dockerode';
import { stopAllSupernetes, supernetesEntry } from '../common/supernetes-process.js';
import { dockerClient, IMAGE, removeByLabel } from '../pods/docker.js';
import { dockerDaemons, loadAverage } from '../pods/load.js';
import { markdown, table, type Row } from '../pods/report.js';
import { cleanFloor, runFloor, type FloorResult } from './docker-floor.js';
import { runCase, type CaseResult, type Phase } from './scenario.js';

type Part = 'fake' | 'docker' | 'floor';
const PARTS: readonly Part[] = ['fake', 'docker', 'floor'];

function option(name: string): string | undefined {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3);
}

function positiveInt(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: expected a positive integer, got "${text}"`);
  return n;
}

const QUICK = process.argv.includes('--quick');
const FAKE_PODS = positiveInt(option('fake-pods'), QUICK ? 30 : 100, '--fake-pods');
const DOCKER_PODS = positiveInt(option('docker-pods'), QUICK ? 6 : 20, '--docker-pods');
const IDLE_MS = QUICK ? 0 : 10_000;
const ONLY = (option('only') ?? PARTS.join(',')).split(',').map((p) => p.trim()) as Part[];
for (const p of ONLY) if (!PARTS.includes(p)) throw new Error(`--only: unknown "${p}"; choose from ${PARTS.join(', ')}`);
const PHASE_TIMEOUT_MS = 240_000;
/** A node takes 110 pods; a rolling update needs replicas + 25 % at once, and terminating pods still hold their place. */
const FAKE_NODES = Math.max(1, Math.ceil((FAKE_PODS * 1.5) / 110));
const DOCKER_NODE = 'bench-rollout-docker';
const DOCKER_SELECTOR = `io.supernetes.node=${DOCKER_NODE}`;

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
const notes: string[] = [];
const note = (text: string): void => {
  notes.push(text);
  log(text);
};

const cpuMs = (phase: Phase | undefined, name: string): number => (phase === undefined ? Number.NaN : (phase.cpu.byName.get(name) ?? Number.NaN) * 1000);

function caseRows(label: string, r: CaseResult, docker: boolean): Row[] {
  const rows: Row[] = [
    { label: `${label}: create → Available`, value: r.available.ms, unit: 'ms' },
    { label: `${label}: rolling update → complete`, value: r.rollout.ms, unit: 'ms' },
  ];
  for (const [name, title] of [
    ['controller', 'SuperController CPU'],
    ['server', 'server CPU (API + scheduler)'],
    ['superlets', 'superlets CPU'],
  ] as const) {
    rows.push({ label: `${label}: ${title}, create → Available`, value: cpuMs(r.available, name), unit: 'ms' });
    rows.push({ label: `${label}: ${title}, rolling update`, value: cpuMs(r.rollout, name), unit: 'ms' });
  }
  if (r.idle !== undefined) rows.push({ label: `${label}: SuperController CPU, ${(r.idle.ms / 1000).toFixed(0)} s idle`, value: cpuMs(r.idle, 'controller'), unit: 'ms' });
  if (docker) {
    const daemons = (phase: Phase): number => cpuMs(phase, 'dockerd') + cpuMs(phase, 'containerd');
    rows.push({ label: `${label}: dockerd + containerd CPU, create → Available`, value: daemons(r.available), unit: 'ms' });
    rows.push({ label: `${label}: dockerd + containerd CPU, rolling update`, value: daemons(r.rollout), unit: 'ms' });
  }
  return rows;
}

function describeCase(r: CaseResult, pods: number): string {
  const perPod = (phase: Phase): string => `${(cpuMs(phase, 'controller') / pods).toFixed(1)} ms`;
  return (
    `SuperController CPU per pod: ${perPod(r.available)} creating, ${perPod(r.rollout)} replacing; ` +
    `warnings logged: ${r.available.warnings} creating, ${r.rollout.warnings} rolling; ` +
    `cluster ready in ${Math.round(r.clusterReadyMs)} ms; strategy as defaulted: ${r.strategy}; ` +
    `rollout: old pods gone from the API at ${Math.round(r.oldPodsGoneMs)} ms, at most ${r.peakPods} pods at once ` +
    `(${r.peakPodsWithTerminating} with the terminating), at least ${r.fewestReady} Ready; delete → all gone ${Math.round(r.deleted.ms)} ms ` +
    `(SuperController CPU ${Math.round(cpuMs(r.deleted, 'controller'))} ms); controller exit after SIGTERM ${Math.round(r.controllerStopMs)} ms; ` +
    `warnings: ${r.warnings}`
  );
}

async function cleanDocker(docker: Docker): Promise<void> {
  await cleanFloor(docker);
  await removeByLabel(docker, DOCKER_SELECTOR);
}

async function main(): Promise<void> {
  const needsDocker = ONLY.includes('docker') || ONLY.includes('floor');
  const docker = dockerClient();
  if (needsDocker) {
    try {
      await docker.ping();
      await docker.getImage(IMAGE).inspect();
    } catch (error) {
      throw new Error(`Docker or the image ${IMAGE} is missing (run scripts/setup-docker.sh): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  log(
    `bench/rollout${QUICK ? ' --quick' : ''}: ${ONLY.join(', ')}; ${FAKE_PODS} fake pods on ${FAKE_NODES} node${FAKE_NODES === 1 ? '' : 's'}, ${DOCKER_PODS} on Docker; ` +
      `${supernetesEntry()}; load average ${loadAverage()}`,
  );
  const started = performance.now();
  const cleanUp = async (): Promise<void> => {
    await stopAllSupernetes();
    if (needsDocker) await cleanDocker(docker);
  };
  const onSignal = (): void => {
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const rows: Row[] = [];
  const failures: string[] = [];
  let dockerCase: CaseResult | undefined;
  let floor: FloorResult | undefined;
  try {
    if (needsDocker) await cleanDocker(docker);
    if (ONLY.includes('fake')) {
      log(`fake runtime, ${FAKE_PODS} pods:`);
      try {
        const r = await runCase({
          runtime: 'fake',
          replicas: FAKE_PODS,
          nodeNames: Array.from({ length: FAKE_NODES }, (_, i) => `bench-rollout-fake-${i + 1}`),
          idleMs: IDLE_MS,
          timeoutMs: PHASE_TIMEOUT_MS,
          daemons: [],
          log: note,
        });
        rows.push(...caseRows(`fake, ${FAKE_PODS} pods`, r, false));
        note(`  fake: ${describeCase(r, FAKE_PODS)}; load average ${loadAverage()}`);
      } catch (error) {
        failures.push(`fake: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (ONLY.includes('docker')) {
      log(`Docker, ${DOCKER_PODS} pods:`);
      try {
        dockerCase = await runCase({
          runtime: 'docker',
          replicas: DOCKER_PODS,
          nodeNames: [DOCKER_NODE],
          idleMs: IDLE_MS,
          timeoutMs: PHASE_TIMEOUT_MS,
          daemons: dockerDaemons(),
          log: note,
        });
        rows.push(...caseRows(`Docker, ${DOCKER_PODS} pods`, dockerCase, true));
        note(`  Docker: ${describeCase(dockerCase, DOCKER_PODS)}; load average ${loadAverage()}`);
      } catch (error) {
        failures.push(`docker: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await removeByLabel(docker, DOCKER_SELECTOR);
      }
    }
    if (ONLY.includes('floor')) {
      log(`docker run -d floor, ${DOCKER_PODS} containers:`);
      try {
        floor = await runFloor(docker, DOCKER_PODS);
        rows.push(
          { label: `docker run -d ×${DOCKER_PODS}, one after another`, value: floor.sequentialMs, unit: 'ms' },
          { label: `docker run -d ×${DOCKER_PODS}, all at once`, value: floor.parallelMs, unit: 'ms' },
          { label: `replace ${DOCKER_PODS} (run ${DOCKER_PODS} new, stop -t 1 + rm ${DOCKER_PODS} old, all at once)`, value: floor.replaceMs, unit: 'ms' },
        );
        note(`  floor: sequential ${Math.round(floor.sequentialMs)} ms, parallel ${Math.round(floor.parallelMs)} ms, replace ${Math.round(floor.replaceMs)} ms; load average ${loadAverage()}`);
      } catch (error) {
        failures.push(`floor: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (dockerCase !== undefined && floor !== undefined) {
      rows.push(
        { label: 'Docker create → Available ÷ docker run -d all at once', value: dockerCase.available.ms / floor.parallelMs, unit: 'ratio' },
        { label: 'Docker create → Available ÷ docker run -d one after another', value: dockerCase.available.ms / floor.sequentialMs, unit: 'ratio' },
        { label: 'Docker rolling update ÷ replace all at once', value: dockerCase.rollout.ms / floor.replaceMs, unit: 'ratio' },
      );
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
  console.log('');
  console.log(table(rows));
  console.log('');
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadAverage()}`);
  console.log('details:');
  for (const text of notes) console.log(text);
  if (failures.length > 0) {
    console.log('failures:');
    for (const f of failures) console.log(`  ${f}`);
    process.exitCode = 1;
  }
  if (process.argv.includes('--markdown')) {
    console.log('');
    console.log(markdown(rows));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
