// `supernetes server` in a fresh temporary data directory on free loopback ports (--https-port 0,
// --bind 127.0.0.1), started the same way by every benchmark; it is ready once it prints its URL,
// its kubeconfig and its node token. The data directory goes when it stops.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSupernetes, type SupernetesProcess } from './supernetes-process.js';

export interface RunningServer extends SupernetesProcess {
  readonly url: string;
  readonly kubeconfigPath: string;
  /** The node token file `supernetes agent --token` needs (its contents). */
  readonly nodeTokenPath: string;
  readonly dataDir: string;
}

export interface ServerOptions {
  /** Prefix of the temporary data directory, e.g. "bench-pods-". */
  readonly dataDirPrefix: string;
  /** More `supernetes server` flags, e.g. ["--node-name", "n", "--superlet-port", "0"] or ["--disable", "controller"]. */
  readonly args?: readonly string[];
  readonly nodeFlags?: readonly string[];
  /** Default 60 s. */
  readonly startTimeoutMs?: number;
  /** SIGKILL this long after SIGTERM; default 20 s. */
  readonly stopTimeoutMs?: number;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), options.dataDirPrefix));
  const args = ['server', '--data-dir', dataDir, '--bind', '127.0.0.1', '--https-port', '0', ...(options.args ?? [])];
  const server = spawnSupernetes('supernetes server', args, {
    ...(options.nodeFlags === undefined ? {} : { nodeFlags: options.nodeFlags }),
    removeOnStop: [dataDir],
    stopTimeoutMs: options.stopTimeoutMs ?? 20_000,
  });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  try {
    // Printed in this order once every component has started.
    const url = (await server.waitForLine(/Supernetes API server on (https:\/\/127\.0\.0\.1:\d+)/, timeoutMs))[1] ?? '';
    const kubeconfigPath = (await server.waitForLine(/kubeconfig: (\S+\.yaml)/, timeoutMs))[1] ?? '';
    const nodeTokenPath = (await server.waitForLine(/node token \(for supernetes agent --token\): (\S+)/, timeoutMs))[1] ?? '';
    return { ...server, url, kubeconfigPath, nodeTokenPath, dataDir };
  } catch (error) {
    await server.stop();
    throw new Error(`supernetes server did not start: ${error instanceof Error ? error.message : String(error)}\n${server.output()}`);
  }
}
