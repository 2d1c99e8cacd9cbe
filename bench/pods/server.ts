// Runs `supernetes server` (the built dist/) as a process of its own, in a temporary data
// directory, on free loopback ports, with its superlet on Docker as node `bench-node`; finds the
// kubeconfig it writes; stops it again with SIGTERM (SIGKILL after a while).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pause } from './stats.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export interface RunningServer {
  readonly pid: number;
  readonly url: string;
  readonly kubeconfigPath: string;
  /** The last lines the server wrote. */
  output(): string;
  /** Warning and error log lines so far: how many, and the first few. */
  warnings(): { count: number; first: string[] };
  /** SIGTERM, then SIGKILL after 20 s; resolves with how long the exit took (ms). */
  stop(): Promise<number>;
}

/** The entry point: BENCH_SUPERNETES (a path to supernetes.js) or this checkout's dist/. */
export function serverEntry(): string {
  return process.env.BENCH_SUPERNETES ?? join(ROOT, 'dist/cmd/supernetes.js');
}

export async function startServer(nodeName: string): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-pods-'));
  const args = [serverEntry(), 'server', '--data-dir', dataDir, '--bind', '127.0.0.1', '--https-port', '0', '--superlet-port', '0', '--node-name', nodeName];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let url: string | undefined;
  let kubeconfigPath: string | undefined;
  let partial = '';
  const warned = { count: 0, first: [] as string[] };
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-8000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!/"level":"(warn|error)"|Warning:/.test(line)) continue;
      warned.count++;
      if (warned.first.length < 3) warned.first.push(line.slice(0, 300));
    }
    url ??= /Supernetes API server on (https:\/\/127\.0\.0\.1:\d+)/.exec(tail)?.[1];
    kubeconfigPath ??= /kubeconfig: (\S+\.yaml)/.exec(tail)?.[1];
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', (code, signal) => {
    tail += `\n[supernetes server exited: code ${code}, signal ${signal}]\n`;
  });
  const stop = stopper(child, dataDir);
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (url === undefined || kubeconfigPath === undefined) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (code ${child.exitCode}, signal ${child.signalCode})`);
      if (Date.now() > deadline) throw new Error(`not serving after ${START_TIMEOUT_MS} ms`);
      await pause(50);
    }
    if (child.pid === undefined) throw new Error('no pid');
    return { pid: child.pid, url, kubeconfigPath, output: () => tail, warnings: () => ({ count: warned.count, first: [...warned.first] }), stop };
  } catch (error) {
    await stop();
    throw new Error(`supernetes server did not start: ${error instanceof Error ? error.message : String(error)}\n${tail}`);
  }
}

function stopper(child: ChildProcess, dataDir: string): () => Promise<number> {
  let stopped: Promise<number> | undefined;
  return () => {
    stopped ??= new Promise<number>((resolveStop) => {
      const start = performance.now();
      const done = (): void => {
        clearTimeout(kill);
        rmSync(dataDir, { recursive: true, force: true });
        resolveStop(performance.now() - start);
      };
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      if (child.exitCode !== null || child.signalCode !== null) {
        done();
        return;
      }
      child.once('exit', done);
      child.kill('SIGTERM');
    });
    return stopped;
  };
}
