// Running the real kubectl (a client nobody here wrote) against a test server.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Every kubectl version on this machine: Google Cloud SDK's dispatcher ships kubectl.1.27 ... 1.33
 * beside it; elsewhere just `kubectl`.
 */
export function kubectlVersions(): { version: string; binary: string }[] {
  const dir = '/usr/lib/google-cloud-sdk/bin';
  const found = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^kubectl\.1\.\d+$/.test(f))
        .map((f) => ({ version: f.slice('kubectl.'.length), binary: join(dir, f) }))
        .sort((a, b) => Number(a.version.split('.')[1]) - Number(b.version.split('.')[1]))
    : [];
  return found.length > 0 ? found : [{ version: 'default', binary: 'kubectl' }];
}

export class Kubectl {
  constructor(
    private readonly kubeconfigPath: string,
    private readonly binary = 'kubectl',
  ) {}

  /** Runs kubectl; resolves with its exit code and output (never rejects on a non-zero exit). */
  run(args: readonly string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(this.binary, ['--kubeconfig', this.kubeconfigPath, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`kubectl could not run (${error.message}); install it (Debian: apt-get install kubernetes-client)`));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  /** Runs kubectl and returns stdout; a non-zero exit fails with what kubectl said. */
  async ok(args: readonly string[], input?: string): Promise<string> {
    const result = await this.run(args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  /** A long-running kubectl (get -w); the caller kills it. */
  spawn(args: readonly string[]): ChildProcessWithoutNullStreams {
    return spawn(this.binary, ['--kubeconfig', this.kubeconfigPath, ...args]);
  }
}
