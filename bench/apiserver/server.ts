// `supernetes server` for this benchmark, started by bench/common/server.ts (a process of its own,
// so that its RSS and CPU time are the server's alone; SIGTERM on stop so a --cpu-prof profile gets
// written), with the admin credentials of the kubeconfig it writes for the HTTPS clients.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { cpuSecondsOf, machineBusySeconds, memoryOf, type Memory } from '../common/proc.js';
import { startServer as startSupernetesServer, type RunningServer as Server } from '../common/server.js';
import { serverNodeFlags, supernetesEntry } from '../common/supernetes-process.js';

export { cpuSecondsOf, memoryOf, type Memory };
export const serverEntry = supernetesEntry;

export interface Credentials {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface RunningServer extends Server {
  readonly port: number;
  readonly credentials: Credentials;
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
  // The API server alone: the other components would act on the benchmark's pods (the pod GC
  // deletes pods bound to nodes that do not exist) and spend the same process's CPU on their watches.
  const server = await startSupernetesServer({
    dataDirPrefix: 'bench-apiserver-',
    args: ['--disable', 'controller,scheduler,superlet,proxy'],
    nodeFlags: serverNodeFlags(),
    startTimeoutMs: 30_000,
    stopTimeoutMs: 15_000,
  });
  try {
    return { ...server, port: Number(new URL(server.url).port), credentials: credentialsOf(server.kubeconfigPath) };
  } catch (error) {
    await server.stop();
    throw error;
  }
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
