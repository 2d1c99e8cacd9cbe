// The superctl program: kubectl's global flags, then one file per verb under commands/, each
// exporting register(program, ctx), listed in one of the three verb lists (reading, writing,
// workloads).
import { Command } from 'commander';
import { CliContext, type CliStreams, type GlobalOptions } from './cli-context.js';
import { CliError, exitCodeOf, explain } from './cli-error.js';
import { READING_VERBS } from './commands/reading-verbs.js';
import { WORKLOAD_VERBS } from './commands/workload-verbs.js';
import { WRITING_VERBS } from './commands/writing-verbs.js';

export type Register = (program: Command, ctx: CliContext) => void;

const VERBS: Register[] = [...READING_VERBS, ...WRITING_VERBS, ...WORKLOAD_VERBS];

export function buildProgram(streams: CliStreams, env: NodeJS.ProcessEnv = process.env): { program: Command; ctx: CliContext } {
  const program = new Command()
    .name('superctl')
    .description('superctl controls a Supernetes (or any Kubernetes) cluster, with the verbs and flags of kubectl.')
    .option('--kubeconfig <path>', 'path to the kubeconfig file to use')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <name>', 'the namespace scope for this request')
    .option('-s, --server <url>', 'the address and port of the API server')
    .option('--token <token>', 'bearer token for authentication to the API server')
    .option('--insecure-skip-tls-verify', 'do not check the server certificate (insecure)')
    .option('--request-timeout <duration>', 'how long to wait for a single request (0 waits forever)')
    .showSuggestionAfterError(true)
    .enablePositionalOptions(false)
    // Usage errors are one line ("error: unknown option '--fo' (Did you mean --for?)"); verbs
    // registered afterwards inherit this.
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
      outputError: (text, write) => write(`${text.trimEnd().replace(/\n+/g, ' ')}\n`),
    })
    .exitOverride();
  const ctx = new CliContext(() => program.opts<GlobalOptions>(), streams, env);
  for (const register of VERBS) register(program, ctx);
  return { program, ctx };
}

/** Runs superctl with argv (without node and script); resolves with the exit code. */
export async function runSuperctl(argv: string[], streams: CliStreams, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { program, ctx } = buildProgram(streams, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // commander has already printed its own usage errors; --help and --version end with code 0.
    const commanderCode = (error as { code?: unknown }).code;
    if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
      return (error as { exitCode?: number }).exitCode ?? 1;
    }
    streams.stderr.write(`${explain(error)}\n`);
    return exitCodeOf(error);
  } finally {
    ctx.close();
  }
}

export { CliError };
