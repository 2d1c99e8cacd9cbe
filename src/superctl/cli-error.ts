// An error meant for the person at the terminal: main prints its message as one line (never a
// stack trace) and exits with its code. Anything else that escapes is turned into one by explain().
import type { Command } from 'commander';
import { ApiError } from '../client/client-errors.js';
import { KubeconfigError } from '../client/kubeconfig.js';

export class CliError extends Error {
  readonly code = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const TRANSPORT_HINTS: Record<string, string> = {
  ECONNREFUSED: 'is the server running? (supernetes server, or check --server and the kubeconfig)',
  ENOTFOUND: 'the server name does not resolve; check --server and the kubeconfig',
  ETIMEDOUT: 'the server did not answer in time',
  ECONNRESET: 'the server closed the connection',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is not trusted; check certificate-authority in the kubeconfig',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate is not trusted; check certificate-authority in the kubeconfig',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not trusted; check certificate-authority in the kubeconfig',
};

/** One line that names the problem and, where we know it, what to do. */
export function explain(error: unknown): string {
  if (error instanceof CliError || error instanceof KubeconfigError) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 401) return 'error: You must be logged in to the server (Unauthorized): check the token or client certificate in the kubeconfig';
    const reason = error.reason === '' ? '' : ` (${error.reason})`;
    return `Error from server${reason}: ${error.message}`;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code in TRANSPORT_HINTS) {
    return `error: cannot reach the server: ${(error as Error).message}: ${TRANSPORT_HINTS[code]}`;
  }
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : 1;
}

/**
 * Usage errors of a command (an unknown flag, a missing argument) as one line: commander's
 * suggestion joins the message instead of following it, and no help hint is added.
 */
export function oneLineUsageErrors(command: Command): Command {
  return command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => write(`${text.trimEnd().replace(/\n+/g, ' ')}\n`),
  });
}
