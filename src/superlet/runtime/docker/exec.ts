// `docker exec` over a hijacked connection: stdin written straight to the socket (ending it
// half-closes, so the command sees EOF), stdout/stderr demultiplexed unless there is a tty, and
// the exit code read from exec inspect once the stream ends.
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ExecOptions, ExecResult, ExecSession } from '../runtime.js';
import { demuxInto } from './streams.js';

/** Output kept per stream by execSync (probes and hooks print little; a runaway must not eat memory). */
const MAX_SYNC_OUTPUT = 1024 * 1024;
/** The exit code reported for a command that ran past its timeout, as timeout(1) does. */
export const TIMEOUT_EXIT_CODE = 124;

async function exitCodeOf(exec: Dockerode.Exec, closed: AbortSignal): Promise<number> {
  // The stream can end a moment before the daemon records the exit: ask until it has.
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    if (closed.aborted) throw new Error('exec closed before the command exited');
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

export async function startExec(container: Dockerode.Container, options: ExecOptions): Promise<ExecSession> {
  const exec = await container.exec({
    Cmd: options.command,
    AttachStdin: options.stdin,
    AttachStdout: options.stdout,
    AttachStderr: options.stderr,
    Tty: options.tty,
  });
  const socket = (await exec.start({ hijack: true, stdin: options.stdin, Tty: options.tty }));

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (options.tty) {
    socket.pipe(stdout);
    stderr.end();
  } else {
    demuxInto(socket, stdout, stderr);
  }
  // A broken connection only ends the session: the exit code (or its failure) tells the rest.
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => {
    socket.once('end', () => {
      // The daemon is done once it ends its side; close ours too, stdin or not.
      socket.end();
      resolve();
    });
    socket.once('close', () => resolve());
  });
  const closed = new AbortController();
  const exitCode = ended.then(() => exitCodeOf(exec, closed.signal));
  // The caller may never ask for the exit code; a failure to read it must not crash the process.
  exitCode.catch(() => {});

  const session: ExecSession = {
    resize: async ({ width, height }) => {
      await exec.resize({ w: width, h: height });
    },
    exitCode,
    close: () => {
      closed.abort();
      socket.destroy();
    },
  };
  if (options.stdin) {
    const stdin = new PassThrough();
    stdin.pipe(socket);
    session.stdin = stdin;
  }
  if (options.stdout) session.stdout = stdout;
  else stdout.resume();
  if (options.stderr && !options.tty) session.stderr = stderr;
  else stderr.resume();
  return session;
}

function collect(stream: NodeJS.ReadableStream | undefined): { text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  stream?.on('data', (chunk: Buffer) => {
    if (size >= MAX_SYNC_OUTPUT) return;
    chunks.push(chunk.subarray(0, MAX_SYNC_OUTPUT - size));
    size += chunk.length;
  });
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function execSync(container: Dockerode.Container, command: string[], timeoutMs: number): Promise<ExecResult> {
  const session = await startExec(container, { command, stdin: false, stdout: true, stderr: true, tty: false });
  const stdout = collect(session.stdout);
  const stderr = collect(session.stderr);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([session.exitCode, timedOut]);
    if (outcome === 'timeout') {
      // Docker cannot kill an exec'd process; like the kubelet, we stop waiting for it.
      session.close?.();
      return { exitCode: TIMEOUT_EXIT_CODE, stdout: stdout.text(), stderr: stderr.text(), timedOut: true };
    }
    // The exit code arrives after the stream ended, so the output is complete here.
    return { exitCode: outcome, stdout: stdout.text(), stderr: stderr.text(), timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}
