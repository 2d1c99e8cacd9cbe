// superctl exec: runs a command in a container over the pods/exec WebSocket (remotecommand v5,
// else v4). -i sends stdin; -t asks for a terminal: the local one goes raw, its size is sent at
// the start and on every resize. Exits with the command's exit code, as kubectl does.
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { runRemoteCommand } from '../remote/exec-session.js';
import { pickContainer, pickPod } from '../remote/pod-picker.js';

interface ExecOptions {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

type TtyIn = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
type TtyOut = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

export function register(program: Command, ctx: CliContext): void {
  program
    .command('exec')
    .description('Execute a command in a container: exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]')
    .argument('<pod>', 'a pod name, or TYPE/NAME of a workload (its first pod is used)')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('-c, --container <name>', 'the container (default: the annotated default, else the first)')
    .option('-i, --stdin', 'pass stdin to the container')
    .option('-t, --tty', 'stdin is a TTY')
    .option('-q, --quiet', 'print only what the remote command prints')
    .action(async (podArg: string, command: string[], options: ExecOptions) => {
      if (command.length === 0) throw new CliError('error: you must specify at least one command for the container (exec POD -- COMMAND [args...])');
      const pod = await pickPod(ctx, podArg);
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') throw new CliError(`error: cannot exec into a container in a completed pod; current phase is ${phase}`);
      const container = pickContainer(ctx, pod, options.container, options.quiet === true);
      const stdin = ctx.streams.stdin as TtyIn;
      const stdout = ctx.streams.stdout as TtyOut;
      let tty = options.tty === true;
      if (tty && options.stdin !== true) {
        if (options.quiet !== true) ctx.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
        tty = false;
      } else if (tty && stdin.isTTY !== true) {
        if (options.quiet !== true) ctx.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
        tty = false;
      }
      const raw = tty && typeof stdin.setRawMode === 'function';
      if (raw) stdin.setRawMode?.(true);
      let code: number;
      try {
        code = await runRemoteCommand(await ctx.config(), {
          namespace: pod.metadata?.namespace ?? (await ctx.namespace()),
          pod: pod.metadata?.name ?? '',
          container,
          command,
          ...(options.stdin === true ? { stdin: ctx.streams.stdin } : {}),
          stdout: ctx.streams.stdout,
          stderr: ctx.streams.stderr,
          tty,
          terminalSize: () => (stdout.isTTY === true && stdout.columns !== undefined && stdout.rows !== undefined ? { width: stdout.columns, height: stdout.rows } : undefined),
          onResize: (listener) => {
            stdout.on('resize', listener);
            return () => stdout.off('resize', listener);
          },
        });
      } finally {
        if (raw) stdin.setRawMode?.(false);
      }
      if (code !== 0) throw new CliError(`command terminated with exit code ${code}`, code);
    });
}
