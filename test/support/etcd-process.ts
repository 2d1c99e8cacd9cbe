// Starts a real single-member etcd for tests: loopback only, fresh data dir, free ports, and a
// readiness check against /health instead of a fixed sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdProcess {
  /** `127.0.0.1:PORT` of the client URL. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** Kills etcd and removes its data dir; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** The etcd binary (default: $ETCD_BIN or /usr/bin/etcd). */
  readonly binary?: string;
  /** How long to wait for etcd to answer /health (default 30 s). */
  readonly startTimeoutMs?: number;
  /** etcd's --experimental-watch-progress-notify-interval (etcd's default is 10 min; ours 1 s so tests see progress events). */
  readonly watchProgressNotifyIntervalMs?: number;
  /** Parent folder of the temp data dir (default: the OS temp dir). */
  readonly dataDirParent?: string;
  readonly extraArgs?: readonly string[];
}

const HOST = '127.0.0.1';
const DEFAULT_BINARY = '/usr/bin/etcd';
const STDERR_TAIL_BYTES = 8 * 1024;
// A port picked by binding :0 can be taken by someone else before etcd binds it; retry then.
const PORT_RACE_ATTEMPTS = 3;

export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdProcess> {
  const binary = options.binary ?? process.env['ETCD_BIN'] ?? DEFAULT_BINARY;
  try {
    await access(binary, fsConstants.X_OK);
  } catch (cause) {
    throw new Error(`etcd binary not found at ${binary}: install it with \`apt-get install etcd-server\``, { cause });
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_RACE_ATTEMPTS; attempt++) {
    try {
      return await startOnce(binary, options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof EtcdStartError) || !error.portInUse) throw error;
    }
  }
  throw lastError;
}

class EtcdStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

async function startOnce(binary: string, options: StartEtcdOptions): Promise<EtcdProcess> {
  const [clientPort, peerPort] = await freePorts(2);
  if (clientPort === undefined || peerPort === undefined) throw new Error('could not pick free ports');
  const dataDir = await mkdtemp(join(options.dataDirParent ?? tmpdir(), 'supernetes-etcd-'));
  const name = `test-${process.pid}-${clientPort}`;
  const clientUrl = `http://${HOST}:${clientPort}`;
  const peerUrl = `http://${HOST}:${peerPort}`;
  const progressMs = options.watchProgressNotifyIntervalMs ?? 1000;
  const args = [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${name}=${peerUrl}`,
    '--initial-cluster-state=new',
    `--initial-cluster-token=${name}`,
    `--experimental-watch-progress-notify-interval=${progressMs}ms`,
    '--logger=zap',
    '--log-outputs=stderr',
    '--log-level=warn',
    ...(options.extraArgs ?? []),
  ];
  // Drop inherited ETCD_* variables: etcd reads them as flags and they could move it off loopback.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ETCD_')));
  const child = spawn(binary, args, { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  // If the test runner dies without calling stop(), do not leave etcd behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      await killChild(child, exited);
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitHealthy(clientUrl, exited, options.startTimeoutMs ?? 30_000, () => stderrTail);
  } catch (error) {
    await stop();
    if (error instanceof EtcdStartError) throw error;
    throw new EtcdStartError(`${String(error)}\netcd stderr:\n${stderrTail}`, false);
  }
  return { endpoint: `${HOST}:${clientPort}`, dataDir, stop };
}

async function killChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 5_000);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

async function waitHealthy(
  clientUrl: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      const tail = stderr();
      throw new EtcdStartError(`etcd exited with code ${String(exitCode)} before it was ready:\n${tail}`, /address already in use/i.test(tail));
    }
    if (await healthy(clientUrl)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new EtcdStartError(`etcd did not answer ${clientUrl}/health within ${timeoutMs} ms:\n${stderr()}`, false);
}

async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
    if (!response.ok) return false;
    const body = (await response.json()) as { health?: unknown };
    return body.health === 'true' || body.health === true;
  } catch {
    return false;
  }
}

/** Ports the OS reports free on 127.0.0.1, all held open at once so they are distinct. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, HOST, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address for a listening socket');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}
