// Runs `supernetes server` (the built dist/) as a process of its own, on a free port on 127.0.0.1
// in a temporary data directory, so that its RSS and CPU time are the server's alone; reads the
// admin credentials from the kubeconfig it writes; stops it again (SIGTERM, so a --cpu-prof
// profile gets written; SIGKILL after a while).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { cpuSecondsOf, machineBusySeconds, memoryOf, type Memory } from '../common/proc.js';

export { cpuSecondsOf, memoryOf, type Memory };

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface Credentials {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface RunningServer {
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly kubeconfigPath: string;
  readonly credentials: Credentials;
  /** The last lines the server wrote. */
  output(): string;
  stop(): Promise<void>;
}

/** The entry point: BENCH_SUPERNETES (a path to supernetes.js) or this checkout's dist/. */
export function serverEntry(): string {
  return process.env.BENCH_SUPERNETES ?? join(ROOT, 'dist/cmd/supernetes.js');
}

/** Extra node flags for the server, e.g. BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
function nodeFlags(): string[] {
  const flags = process.env.BENCH_SERVER_NODE_FLAGS;
  return flags === undefined || flags.trim() === '' ? [] : flags.trim().split(/\s+/);
}

interface KubeconfigFile {
  clusters?: { cluster?: { 'certificate-authority-data'?: string } }[];
  users?: { user?: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

function credentialsOf(kubeconfigPath: string): Credentials {
  const config = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const ca = config.clusters?.[0]?.cluster?.['certificate-authority-data'];
  const user = config.users?.[0]?.user;
  const cert = user?.['client-certificate-data'];
  const key = user?.['client-key-data'];
  if (ca === undefined || cert === undefined || key === undefined) throw new Error(`${kubeconfigPath}: no CA or client certificate`);
  const decode = (data: string): string => Buffer.from(data, 'base64').toString('utf8');
  return { ca: decode(ca), cert: decode(cert), key: decode(key) };
}

export async function startServer(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-apiserver-'));
  const child = spawn(process.execPath, [...nodeFlags(), serverEntry(), 'server', '--data-dir', dataDir, '--https-port', '0', '--bind', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let url: string | undefined;
  let kubeconfigPath: string | undefined;
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-6000);
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
      await new Promise((r) => setTimeout(r, 50));
    }
    if (child.pid === undefined) throw new Error('no pid');
    const port = Number(new URL(url).port);
    return { pid: child.pid, url, port, dataDir, kubeconfigPath, credentials: credentialsOf(kubeconfigPath), output: () => tail, stop };
  } catch (error) {
    await stop();
    throw new Error(`supernetes server did not start: ${error instanceof Error ? error.message : String(error)}\n${tail}`);
  }
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
      // Long enough for a --cpu-prof profile to be written on the way out.
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

export interface CpuUse {
  readonly seconds: number;
  /** Cores the server kept busy on average. */
  readonly serverCores: number;
  /** Cores this benchmark process (the clients) kept busy. */
  readonly clientCores: number;
  /** Cores everything else on the machine kept busy (other people's tests, builds ...). */
  readonly otherCores: number;
}

/** Starts a CPU meter; the returned function reads it. */
export function meterCpu(serverPid: number): () => CpuUse {
  const server0 = cpuSecondsOf(serverPid);
  const client0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  const start = performance.now();
  return () => {
    const seconds = (performance.now() - start) / 1000;
    const server = cpuSecondsOf(serverPid) - server0;
    const used = process.cpuUsage(client0);
    const client = (used.user + used.system) / 1e6;
    const others = Math.max(0, machineBusySeconds() - busy0 - server - client);
    return { seconds, serverCores: server / seconds, clientCores: client / seconds, otherCores: others / seconds };
  };
}

export function describeCpu(cpu: CpuUse): string {
  return `CPU: server ${cpu.serverCores.toFixed(2)} cores, bench clients ${cpu.clientCores.toFixed(2)}, other processes ${cpu.otherCores.toFixed(2)}`;
}
