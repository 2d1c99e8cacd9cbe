// One `supernetes` process (the built dist/, or BENCH_SUPERNETES) started by a benchmark: a process
// of its own so that its CPU and RSS are its own; its output kept (the last lines, warnings), lines
// awaited by pattern, and stopped with SIGTERM (SIGKILL after a while, so a --cpu-prof profile still
// gets written on a slow exit), removing its temporary directories.
import { createWriteStream } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TAIL_CHARS = 8000;
/** Lines kept from the start: what a process prints once it serves is among them. */
const EARLY_LINES = 200;

/** Every process started here and not yet exited, so that a benchmark can stop them all on failure or a signal. */
const live = new Set<SupernetesProcess>();
const children = new Set<ChildProcess>();

// Last resort: a benchmark that exits without stopping them leaves no server behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Stops every process started here that is still running (each as its stop() does). */
export async function stopAllSupernetes(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

/** The entry point: BENCH_SUPERNETES (a path to supernetes.js) or this checkout's dist/. */
export function supernetesEntry(): string {
  return process.env.BENCH_SUPERNETES ?? join(ROOT, 'dist/cmd/supernetes.js');
}

/** Extra node flags for the servers, e.g. BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
export function serverNodeFlags(): string[] {
  const flags = process.env.BENCH_SERVER_NODE_FLAGS;
  return flags === undefined || flags.trim() === '' ? [] : flags.trim().split(/\s+/);
}

export interface SupernetesProcess {
  readonly pid: number;
  /** What the benchmark calls it in messages, e.g. "supernetes server". */
  readonly name: string;
  /** The last lines it wrote. */
  output(): string;
  /** Warning and error log lines so far: how many, the first few, and up to the first 1,000 (`lines`). */
  warnings(): { count: number; first: string[]; lines: string[] };
  hasExited(): boolean;
  /** The first line matching `pattern` (already written or to come); fails if it exits or `timeoutMs` passes first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after the stop timeout; resolves with how long the exit took (ms). Idempotent. */
  stop(): Promise<number>;
}

export interface SpawnOptions {
  /** Node flags before the entry point. */
  readonly nodeFlags?: readonly string[];
  /** Removed once the process has exited. */
  readonly removeOnStop?: readonly string[];
  /** SIGKILL this long after SIGTERM; default 20 s. */
  readonly stopTimeoutMs?: number;
}

/** Starts `node [nodeFlags] supernetes.js ...args`. */
export function spawnSupernetes(name: string, args: readonly string[], options: SpawnOptions = {}): SupernetesProcess {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), supernetesEntry(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: no pid (spawn failed)`);
  const pid = child.pid;
  children.add(child);
  let tail = '';
  let partial = '';
  const early: string[] = [];
  const warned = { count: 0, lines: [] as string[] };
  const waiters = new Set<(line: string) => void>();
  const exitWaiters = new Set<() => void>();
  let exited = false;
  // BENCH_SERVER_LOG=FILE keeps the whole output (with --trace-gc in BENCH_SERVER_NODE_FLAGS, say).
  const logFile = process.env.BENCH_SERVER_LOG === undefined ? undefined : createWriteStream(process.env.BENCH_SERVER_LOG, { flags: 'a' });
  child.once('exit', () => logFile?.end());
  const onData = (chunk: Buffer): void => {
    logFile?.write(chunk);
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_CHARS);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (early.length < EARLY_LINES) early.push(line);
      if (/"level":"(warn|error)"|Warning:/.test(line)) {
        warned.count++;
        if (warned.lines.length < 1000) warned.lines.push(line.slice(0, 600));
      }
      for (const waiter of waiters) waiter(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', (code, signal) => {
    exited = true;
    children.delete(child);
    live.delete(handle);
    tail += `\n[${name} exited: code ${code}, signal ${signal}]\n`;
    for (const onExit of exitWaiters) onExit();
  });

  let stopped: Promise<number> | undefined;
  const stop = (): Promise<number> => {
    stopped ??= new Promise<number>((resolveStop) => {
      const start = performance.now();
      const done = (): void => {
        clearTimeout(kill);
        for (const dir of options.removeOnStop ?? []) rmSync(dir, { recursive: true, force: true });
        resolveStop(performance.now() - start);
      };
      const kill = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 20_000);
      if (exited) {
        done();
        return;
      }
      child.once('exit', done);
      child.kill('SIGTERM');
    });
    return stopped;
  };

  const waitForLine = (pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> => {
    for (const line of [...early, ...tail.split('\n')]) {
      const match = pattern.exec(line);
      if (match !== null) return Promise.resolve(match);
    }
    return new Promise<RegExpExecArray>((resolveLine, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        waiters.delete(onLine);
        exitWaiters.delete(onExit);
      };
      const onLine = (line: string): void => {
        const match = pattern.exec(line);
        if (match === null) return;
        finish();
        resolveLine(match);
      };
      const onExit = (): void => {
        finish();
        reject(new Error(`${name} exited before writing ${pattern.source}`));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${name} did not write ${pattern.source} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(onLine);
      exitWaiters.add(onExit);
      if (exited) onExit();
    });
  };

  const handle: SupernetesProcess = {
    pid,
    name,
    output: () => tail,
    warnings: () => ({ count: warned.count, first: warned.lines.slice(0, 3).map((line) => line.slice(0, 300)), lines: [...warned.lines] }),
    hasExited: () => exited,
    waitForLine,
    stop,
  };
  live.add(handle);
  return handle;
}
