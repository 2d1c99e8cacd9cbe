// A tiny Runtime for the superlet server's tests: logs and exec behave as scripted below, and every
// call is recorded; everything else is unused by the server and throws.
import { PassThrough, Readable } from 'node:stream';
import type { ExecOptions, ExecSession, LogOptions, Runtime, RuntimeEvent } from '../../../src/superlet/runtime/runtime.js';
import { RuntimeNotFoundError } from '../../../src/superlet/runtime/runtime.js';

export const STUB_LOG = 'line 1\nline 2\nline 3\n';

function unused(): never {
  throw new Error('not used by the superlet server');
}

/**
 * exec commands: `echo ARGS` prints them; `cat` copies stdin until it ends (`slowcat` too, but
 * starts 200 ms late, as a real runtime takes a while); `fail N` writes to
 * stderr and exits N; `size` prints the first terminal size it is sent. Container "gone" does not
 * exist in the runtime. Logs print STUB_LOG, then (following) "tick N" every 50 ms until aborted.
 */
export class StubRuntime implements Runtime {
  readonly name = 'stub';
  readonly logCalls: { id: string; options: LogOptions }[] = [];
  readonly execCalls: { id: string; options: ExecOptions }[] = [];
  readonly closedSessions: string[] = [];

  version = (): Promise<{ runtimeName: string; runtimeVersion: string }> => Promise.resolve({ runtimeName: 'stub', runtimeVersion: '0' });
  machineInfo = unused;
  imageStatus = unused;
  pullImage = unused;
  runSandbox = unused;
  stopSandbox = unused;
  removeSandbox = unused;
  listSandboxes = unused;
  createContainer = unused;
  startContainer = unused;
  stopContainer = unused;
  removeContainer = unused;
  listContainers = unused;
  containerStatus = unused;
  execSync = unused;
  events(): AsyncIterable<RuntimeEvent> {
    return unused();
  }

  logs(id: string, options: LogOptions): Promise<Readable> {
    this.logCalls.push({ id, options });
    if (id === 'gone') return Promise.reject(new RuntimeNotFoundError(id));
    if (!options.follow) return Promise.resolve(Readable.from([Buffer.from(STUB_LOG)]));
    const out = new PassThrough();
    out.write(STUB_LOG);
    let n = 0;
    const timer = setInterval(() => out.write(`tick ${++n}\n`), 50);
    const stop = (): void => {
      clearInterval(timer);
      out.end();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    out.once('close', stop);
    return Promise.resolve(out);
  }

  async exec(id: string, options: ExecOptions): Promise<ExecSession> {
    this.execCalls.push({ id, options });
    if (id === 'gone') throw new RuntimeNotFoundError(id);
    const [named, ...args] = options.command;
    let program = named;
    if (program === 'slowcat') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      program = 'cat';
    }
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    let exit: (code: number) => void = () => {};
    const exitCode = new Promise<number>((resolve) => (exit = resolve));
    let resized: (size: { width: number; height: number }) => void = () => {};
    const firstSize = new Promise<{ width: number; height: number }>((resolve) => (resized = resolve));
    const done = (code: number): void => {
      stdout.end();
      stderr.end();
      exit(code);
    };
    if (program === 'echo') {
      stdout.write(`${args.join(' ')}\n`);
      done(0);
    } else if (program === 'cat') {
      stdin.on('data', (chunk: Buffer) => stdout.write(chunk));
      stdin.once('end', () => done(0));
    } else if (program === 'fail') {
      stderr.write('failing\n');
      done(Number(args[0] ?? 1));
    } else if (program === 'size') {
      void firstSize.then(({ width, height }) => {
        stdout.write(`${width}x${height}\n`);
        done(0);
      });
    } else {
      stderr.write(`${program ?? ''}: not found\n`);
      done(127);
    }
    const session: ExecSession = {
      resize: (size) => {
        resized(size);
        return Promise.resolve();
      },
      exitCode,
      close: () => {
        this.closedSessions.push(id);
      },
    };
    if (options.stdin) session.stdin = stdin;
    if (options.stdout) session.stdout = stdout;
    else stdout.resume();
    if (options.stderr && !options.tty) session.stderr = stderr;
    else stderr.resume();
    return session;
  }
}
