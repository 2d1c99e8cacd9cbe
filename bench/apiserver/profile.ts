// Summarises a V8 .cpuprofile of the server (BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"),
// phase by phase when run.ts wrote the phases (BENCH_PHASES=FILE): the functions with the most self
// time, the functions of src/ with the most inclusive time, and self time per file.
//
//   npx tsx bench/apiserver/profile.ts DIR/CPU.*.cpuprofile [FILE] [--top N]
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Phase {
  readonly name: string;
  /** CLOCK_MONOTONIC microseconds, the clock of V8's profile timestamps. */
  readonly startUs: number;
  readonly endUs: number;
}

/** Now on CLOCK_MONOTONIC in microseconds (what V8 stamps profile samples with on Linux). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function shortUrl(url: string): string {
  const at = url.indexOf('/dist/');
  if (at !== -1) return url.slice(at + 1);
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + 1);
  return url.replace(/^file:\/\//, '');
}

function label(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  return frame.url === '' ? name : `${name}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

interface Summary {
  readonly totalMs: number;
  readonly self: Map<string, number>;
  readonly inclusive: Map<string, number>;
  readonly files: Map<string, number>;
}

function summarise(profile: CpuProfile, fromUs: number, toUs: number): Summary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number): void => {
    map.set(key, (map.get(key) ?? 0) + us);
  };
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) continue;
    // The sample's weight: the time to the next sample (V8's convention).
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i] ?? -1);
    if (node === undefined) continue;
    total += us;
    add(self, label(node.callFrame), us);
    add(files, node.callFrame.url === '' ? `(${node.callFrame.functionName})` : shortUrl(node.callFrame.url), us);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (frame === undefined || !frame.url.includes('/dist/')) continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, us);
    }
  }
  return { totalMs: total / 1000, self, inclusive, files };
}

function top(map: Map<string, number>, n: number, totalMs: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / 1000 / totalMs) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const n = topAt === -1 ? 25 : Number(args[topAt + 1]);
  const files = args.filter((a, i) => !a.startsWith('--') && (topAt === -1 || i !== topAt + 1));
  const [profileFile, phasesFile] = files;
  if (profileFile === undefined) throw new Error('usage: profile.ts CPU.cpuprofile [phases.json] [--top N]');
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const phases: Phase[] =
    phasesFile === undefined
      ? [{ name: 'whole run', startUs: profile.startTime, endUs: profile.endTime }]
      : (JSON.parse(readFileSync(phasesFile, 'utf8')) as Phase[]);
  for (const phase of phases) {
    const s = summarise(profile, phase.startUs, phase.endUs);
    const wall = (phase.endUs - phase.startUs) / 1000;
    console.log(`\n=== ${phase.name}: ${wall.toFixed(0)} ms of wall time, ${s.totalMs.toFixed(0)} ms sampled on the main thread (idle included)`);
    console.log('--- self time, by function');
    for (const line of top(s.self, n, s.totalMs)) console.log(line);
    console.log('--- inclusive time, functions of dist/ (src/)');
    for (const line of top(s.inclusive, n, s.totalMs)) console.log(line);
    console.log('--- self time, by file');
    for (const line of top(s.files, Math.min(n, 15), s.totalMs)) console.log(line);
  }
}

if (process.argv[1]?.endsWith('profile.ts') === true) main();
