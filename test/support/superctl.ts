// Running the built superctl (dist/cmd/superctl.js, from `npm run build`, which pretest runs) as a
// user would: a child process with its own environment. HOME points at an empty directory unless
// given, so a developer's ~/.kube/config never leaks into a test.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SUPERCTL = fileURLToPath(new URL('../../dist/cmd/superctl.js', import.meta.url));

export interface SuperctlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Superctl {
  /** kubeconfigPath undefined: no --kubeconfig flag (tests of KUBECONFIG and ~/.kube/config). */
  constructor(
    private readonly kubeconfigPath: string | undefined,
    private readonly env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent' },
  ) {
    if (!existsSync(SUPERCTL)) throw new Error(`${SUPERCTL} is missing: run npm run build`);
  }

  private args(args: readonly string[]): string[] {
    return this.kubeconfigPath === undefined ? [SUPERCTL, ...args] : [SUPERCTL, '--kubeconfig', this.kubeconfigPath, ...args];
  }

  /** Runs superctl; resolves with its exit code and output (never rejects on a non-zero exit). */
  run(args: readonly string[], input?: string): Promise<SuperctlResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(process.execPath, this.args(args), { timeout: 60_000, env: this.env }, (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`superctl could not run: ${error.message}`));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      });
      child.stdin?.end(input ?? '');
    });
  }

  /** Runs superctl and returns stdout; a non-zero exit fails with what it said. */
  async ok(args: readonly string[], input?: string): Promise<string> {
    const result = await this.run(args, input);
    if (result.code !== 0) throw new Error(`superctl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  /** A long-running superctl (get -w, logs -f); the caller kills it. */
  spawn(args: readonly string[]): ChildProcessWithoutNullStreams {
    return spawn(process.execPath, this.args(args), { env: this.env });
  }
}
