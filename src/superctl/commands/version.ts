// superctl version: the client's version, and the server's from /version (kubectl's layout).
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { oneLineUsageErrors } from '../cli-error.js';

const CLIENT_VERSION = 'v1.30.0-supernetes.0.1.0';

export function register(program: Command, ctx: CliContext): void {
  oneLineUsageErrors(program.command('version'))
    .description('Print the client and server version information')
    .option('--client', 'the client version only (no server needed)')
    .option('-o, --output <format>', 'yaml or json')
    .action(async (options: { client?: boolean; output?: string }) => {
      const client = { gitVersion: CLIENT_VERSION, platform: `${process.platform}/${process.arch}` };
      let server: Record<string, unknown> | undefined;
      if (options.client !== true) {
        const response = await (await ctx.client()).request('GET', '/version');
        server = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
      }
      if (options.output === 'json') {
        ctx.out(`${JSON.stringify({ clientVersion: client, ...(server ? { serverVersion: server } : {}) }, null, 2)}\n`);
        return;
      }
      ctx.out(`Client Version: ${client.gitVersion}\n`);
      if (server !== undefined) ctx.out(`Server Version: ${String(server.gitVersion)}\n`);
    });
}
