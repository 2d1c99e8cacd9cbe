// Starts the two stores the benchmark compares, each on free loopback ports in its own temporary data
// directory, and stops them again: `supernetes cache` (the built dist/, SQLite, durable) and Debian's
// etcd 3.4 with its defaults (also durable: the WAL is fsynced before a write is acknowledged).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { memoryOf, type Memory } from '../common/proc.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';

export type ServerName = 'supernetes' | 'etcd';

export interface RunningServer {
  readonly name: ServerName;
  /** host:port of the etcd v3 gRPC API. */
  readonly endpoint: string;
  readonly pid: number;
  readonly dataDir: string;
  /** The last lines the server wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
// BENCH_SUPERNETES=/other/checkout/dist/cmd/supernetes.js measures another build (to A/B a patch).
const SUPERNETES = process.env.BENCH_SUPERNETES ?? join(ROOT, 'dist/cmd/supernetes.js');
const ETCD = process.env.ETCD_BIN ?? '/usr/bin/etcd';
const START_TIMEOUT_MS = 20_000;

/** A port the kernel just handed out on 127.0.0.1 (free at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Keeps the tail of a child's stdout+stderr. */
function capture(child: ChildProcess): { text: () => string; lines: (listener: (line: string) => void) => void } {
  let tail = '';
  const listeners: ((line: string) => void)[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-4000);
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) for (const listener of listeners) listener(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { text: () => tail, lines: (listener) => listeners.push(listener) };
}

function stopper(child: ChildProcess, dataDir: string): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= new Promise<void>((resolveStop) => {
      const done = (): void => {
        clearTimeout(kill);
        rmSync(dataDir, { recursive: true, force: true });
        resolveStop();
      };
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
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

function exited(child: ChildProcess): Promise<never> {
  return new Promise((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`exited early (code ${code}, signal ${signal})`)));
    child.once('error', reject);
  });
}

function timeout(ms: number, what: string): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not ready after ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

export async function startSupernetes(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-supernetes-'));
  const child = spawn(process.execPath, [...nodeFlags(), SUPERNETES, 'cache', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = capture(child);
  const stop = stopper(child, dataDir);
  const ready = new Promise<string>((resolveReady) => {
    out.lines((line) => {
      const match = /serving the etcd v3 API on (127\.0\.0\.1:\d+)/.exec(line);
      if (match?.[1] !== undefined) resolveReady(match[1]);
    });
  });
  const limit = timeout(START_TIMEOUT_MS, 'supernetes cache');
  try {
    const endpoint = await Promise.race([ready, exited(child), limit.promise]);
    return { name: 'supernetes', endpoint, pid: pidOf(child), dataDir, output: out.text, stop };
  } catch (error) {
    await stop();
    throw new Error(`supernetes cache did not start: ${String(error)}\n${out.text()}`);
  } finally {
    limit.clear();
  }
}

/** Extra node flags for the server, e.g. BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
function nodeFlags(): string[] {
  const flags = process.env.BENCH_SERVER_NODE_FLAGS;
  return flags === undefined || flags.trim() === '' ? [] : flags.trim().split(/\s+/);
}

export async function startEtcd(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-etcd-'));
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  // Defaults everywhere else (snapshot-count, quota, fsync): only the addresses and the data dir.
  const args = [
    '--name', 'bench',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `bench=${peer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-level', 'warn',
  ];
  const child = spawn(ETCD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = capture(child);
  const stop = stopper(child, dataDir);
  const endpoint = `127.0.0.1:${clientPort}`;
  const limit = timeout(START_TIMEOUT_MS, 'etcd');
  try {
    await Promise.race([untilServing(endpoint), exited(child), limit.promise]);
    return { name: 'etcd', endpoint, pid: pidOf(child), dataDir, output: out.text, stop };
  } catch (error) {
    await stop();
    throw new Error(`etcd did not start: ${String(error)}\n${out.text()}`);
  } finally {
    limit.clear();
  }
}

/** Polls with a write until the server has a leader and accepts it. */
async function untilServing(endpoint: string): Promise<void> {
  const client = new Etcd3({ hosts: `http://${endpoint}`, dialTimeout: 1000 });
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        await client.put('bench/ready').value('1');
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`no answer on ${endpoint}`);
  } finally {
    client.close();
  }
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('child has no pid');
  return child.pid;
}

export { memoryOf, type Memory };
