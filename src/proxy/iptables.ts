// Running iptables-save and iptables-restore. The binary is the `iptables` on PATH unless told
// otherwise, the same one Docker runs (here Debian's alternatives pick the nf_tables or legacy
// backend for both), so our rules and Docker's live in the same tables.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class IptablesError extends Error {
  readonly code = 'IptablesError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IptablesError';
  }
}

export interface IptablesOptions {
  /** The iptables binary (its -save and -restore siblings are found by name beside it). */
  readonly binary?: string;
}

export class Iptables {
  private readonly binary: string;

  constructor(options: IptablesOptions = {}) {
    this.binary = options.binary ?? 'iptables';
  }

  /** `iptables -V`, e.g. "iptables v1.8.9 (nf_tables)". */
  async version(): Promise<string> {
    const { stdout } = await run(this.binary, ['-V']);
    return stdout.trim();
  }

  /** The filter and nat tables as iptables-save prints them. */
  async save(): Promise<string> {
    try {
      const [filter, nat] = await Promise.all(['filter', 'nat'].map((t) => run(`${this.binary}-save`, ['-t', t], { maxBuffer: 64 << 20 })));
      return `${filter?.stdout ?? ''}${nat?.stdout ?? ''}`;
    } catch (error) {
      throw new IptablesError(`${this.binary}-save failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Applies `input` in one transaction per table, leaving chains it does not name alone. */
  async restore(input: string): Promise<void> {
    if (input === '') return;
    await new Promise<void>((resolve, reject) => {
      const child = spawn(`${this.binary}-restore`, ['--noflush', '-w', '5'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('error', (error) => reject(new IptablesError(`${this.binary}-restore: ${error.message}`, { cause: error })));
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new IptablesError(`${this.binary}-restore exited with ${code}: ${stderr.trim().split('\n').slice(0, 3).join('; ')}`));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }
}
