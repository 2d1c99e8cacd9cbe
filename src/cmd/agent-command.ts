// `supernetes agent --server URL --token T`: a superlet that joins a server from another process or
// machine, as `k3s agent` does.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { joinCluster } from '../client/join.js';
import { createLogger } from '../util/log.js';
import { addSuperletOptions, startSuperlet, type SuperletFlags } from './superlet-options.js';

interface AgentFlags extends SuperletFlags {
  server: string;
  token: string;
  caFile?: string;
  dataDir: string;
}

export function registerAgentCommand(program: Command, signal: AbortSignal): void {
  addSuperletOptions(
    program
      .command('agent')
      .description('join a server as a node: runs a superlet')
      .requiredOption('--server <url>', 'the API server, e.g. https://10.0.0.1:6443')
      .requiredOption('--token <token>', "the server's node token (its DATA_DIR/node-token)")
      .option('--ca-file <file>', "the cluster CA, when the token carries no CA hash")
      .option('--data-dir <dir>', 'pod volumes live here', '.data/agent'),
  ).action(async (flags: AgentFlags) => {
    const logger = createLogger('supernetes-agent');
    const caPem = flags.caFile === undefined ? undefined : await readFile(flags.caFile, 'utf8');
    const config = await joinCluster({ server: flags.server, token: flags.token, ...(caPem === undefined ? {} : { caPem }) });
    const superlet = await startSuperlet({ config, flags, dataDir: flags.dataDir, defaultAddress: '127.0.0.1', logger, signal });
    console.log(`node ${flags.nodeName} joined ${flags.server}; superlet API on port ${superlet.apiPort}`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  });
}
