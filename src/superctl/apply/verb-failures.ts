// What the writing verbs share about failing: --dry-run read into a one-line error, and the
// errors of single objects reported after the others' results, as kubectl reports them.
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { parseDryRun, type DryRun } from './object-writes.js';

/** Every line but the last goes to stderr; the last ends the command with exit 1 (main prints it). */
export function failFromLines(ctx: CliContext, failures: readonly string[]): void {
  if (failures.length === 0) return;
  for (const line of failures.slice(0, -1)) ctx.err(`${line}\n`);
  throw new CliError(failures[failures.length - 1] ?? 'error');
}

export function parseDryRunOrFail(value: string | boolean | undefined): DryRun {
  try {
    return parseDryRun(value);
  } catch (error) {
    throw new CliError(`error: ${(error as Error).message}`);
  }
}
