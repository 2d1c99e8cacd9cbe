// Runs `supernetes cache` from the built dist/ as a child process, for tests that need a real
// process boundary: crash tests (SIGKILL at any moment), restarts on the same data dir, CLI tests.
// Readiness is the line the command prints once it serves, awaited with a deadline, never a sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The built entry point; tests run against dist so they exercise exactly what `npm start` runs.
 * $SUPERNETES_BIN points them at another build (e.g. a deliberately broken one, to see a test fail).
 */
export const SUPERNETES_BIN =
  process.env['SUPERNETES_BIN'] ?? fileURLToPath(new URL('../../dist/cmd/supernetes.js', import.meta.url));
const SRC_DIR = fileURLToPath(new URL('../../src', import.meta.url));

const READY_LINE = /^SuperCache serving the etcd v3 API on (\S+):(\d+) /;
const OUTPUT_TAIL_BYTES = 16 * 1024;
// Tests may only ever talk to loopback; refuse anything else before a process is started.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface CacheProcess {
  /** `HOST:PORT` the server listens on, e.g. `127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Settles when the process has exited, however that happened. */
  readonly exited: Promise<ExitStatus>;
  /** SIGTERM (a clean shutdown), then SIGKILL if it has not exited within the stop deadline. Safe to call twice. */
  stop(): Promise<ExitStatus>;
  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /** The last lines the process wrote to stdout and stderr, for failure messages. */
  output(): string;
}

export interface StartCacheOptions {
  readonly dataDir: string;
  /** `host:port` (default `127.0.0.1:0`: a free port, read back from the ready line). */
  readonly listen?: string;
  /** More arguments for `supernetes cache`, e.g. `['--retention', '1h']`. */
  readonly args?: readonly string[];
  /** How long to wait for the ready line (default 20 s). */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL (default 10 s). */
  readonly stopTimeoutMs?: number;
}

let warnedStale = false;

/** Throws a clear error when dist/ is missing; warns (once) when src/ has changed since the last build. */
export function assertBuilt(): void {
  if (!existsSync(SUPERNETES_BIN)) {
    throw new Error(
      `${SUPERNETES_BIN} does not exist: these tests run the built server. Run \`npm run build\` first ` +
        '(`npm test` builds before it runs vitest).',
    );
  }
  if (warnedStale || process.env['SUPERNETES_BIN'] !== undefined) return;
  const built = statSync(SUPERNETES_BIN).mtimeMs;
  const newer = newestSource(SRC_DIR);
  if (newer !== undefined && newer.mtimeMs > built) {
    warnedStale = true;
    // A warning, not a failure: the lead may be editing src/ while tests run; but say so, because
    // the tests then check the previous build.
    console.warn(`warning: ${newer.path} is newer than dist/: run \`npm run build\` to test the current source`);
  }
}

function newestSource(dir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? { path, mtimeMs: statSync(path).mtimeMs }
        : undefined;
    if (candidate !== undefined && (newest === undefined || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

export async function startCache(options: StartCacheOptions): Promise<CacheProcess> {
  assertBuilt();
  const listen = options.listen ?? '127.0.0.1:0';
  const host = listen.replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`startCache: ${listen} is not a loopback address`);

  const args = [SUPERNETES_BIN, 'cache', '--data-dir', options.dataDir, '--listen', listen, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const remember = (chunk: string): void => {
    tail = (tail + chunk).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', remember);

  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure emits 'error' and possibly no 'exit'.
    child.once('error', (error) => {
      remember(`\nspawn error: ${error.message}\n`);
      resolve({ code: null, signal: null });
    });
  });
  // A test runner that dies without stop() must not leave servers behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> => {
    if (isRunning()) child.kill(signal);
    return exited;
  };
  let stopping: Promise<ExitStatus> | undefined;
  const stop = (): Promise<ExitStatus> => {
    stopping ??= (async () => {
      if (!isRunning()) return exited;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), options.stopTimeoutMs ?? 10_000);
      });
      const first = await Promise.race([exited, late]);
      clearTimeout(timer);
      return first === 'late' ? kill('SIGKILL') : first;
    })();
    return stopping;
  };

  let port: number;
  try {
    port = await readyPort(child, exited, options.startTimeoutMs ?? 20_000, remember);
  } catch (error) {
    await kill('SIGKILL');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nsupernetes cache output:\n${tail}`, {
      cause: error,
    });
  }
  return { endpoint: `${host}:${port}`, port, dataDir: options.dataDir, child, exited, stop, kill, output: () => tail };
}

/** Resolves with the port from the ready line; rejects if the process exits or the deadline passes first. */
function readyPort(
  child: ChildProcess & { stdout: NodeJS.ReadableStream },
  exited: Promise<ExitStatus>,
  timeoutMs: number,
  remember: (chunk: string) => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`supernetes cache printed no ready line within ${timeoutMs} ms`))),
      timeoutMs,
    );
    // Keep reading after the ready line so a chatty server never blocks on a full pipe.
    lines.on('line', (line) => {
      remember(`${line}\n`);
      const match = READY_LINE.exec(line);
      if (match !== null) settle(() => resolve(Number(match[2])));
    });
    void exited.then((status) =>
      settle(() =>
        reject(
          new Error(
            `supernetes cache exited (code ${String(status.code)}, signal ${String(status.signal)}) before it was ready`,
          ),
        ),
      ),
    );
  });
}
