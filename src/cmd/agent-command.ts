// `supernetes agent --server URL --token T`: a superlet that joins a server from another process or
// machine, as `k3s agent` does.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { joinCluster } from '../client/join.js';
import type { SuperProxy } from '../proxy/super-proxy.js';
import { createLogger } from '../util/log.js';
import { addProxyOptions, startProxy, type ProxyFlags } from './proxy-options.js';
import { addSuperletOptions, startSuperlet, type SuperletFlags } from './superlet-options.js';

interface AgentFlags extends SuperletFlags, ProxyFlags {
  disable: string;
  server: string;
  token: string;
  caFile?: string;
  dataDir: string;
}

export function registerAgentCommand(program: Command, signal: AbortSignal): void {
  addProxyOptions(addSuperletOptions(
    program
      .command('agent')
      .description('join a server as a node: runs a superlet and SuperProxy')
      .requiredOption('--server <url>', 'the API server, e.g. https://10.0.0.1:6443')
      .requiredOption('--token <token>', "the server's node token (its DATA_DIR/node-token)")
      .option('--ca-file <file>', "the cluster CA, when the token carries no CA hash")
      .option('--data-dir <dir>', 'pod volumes live here', '.data/agent')
      .option('--disable <components>', 'comma-separated components not to run (proxy)', ''),
  )).action(async (flags: AgentFlags) => {
    const disabled = flags.disable.split(',').map((n) => n.trim()).filter((n) => n !== '');
    for (const name of disabled) if (name !== 'proxy') throw new Error(`unknown component "${name}" in --disable: choose from proxy`);
    const logger = createLogger('supernetes-agent');
    const caPem = flags.caFile === undefined ? undefined : await readFile(flags.caFile, 'utf8');
    const config = await joinCluster({ server: flags.server, token: flags.token, ...(caPem === undefined ? {} : { caPem }) });
    let clusterDns = flags.clusterDns;
    let proxy: SuperProxy | undefined;
    if (!disabled.includes('proxy')) {
      const started = await startProxy({ config, flags, nodeName: flags.nodeName, clusterDomain: flags.clusterDomain, logger, signal });
      proxy = started.proxy;
      if (flags.dnsPort === '53') clusterDns ??= started.dnsAddress;
    }
    const superletFlags = { ...flags, ...(clusterDns === undefined ? {} : { clusterDns }) };
    const superlet = await startSuperlet({ config, flags: superletFlags, dataDir: flags.dataDir, defaultAddress: '127.0.0.1', logger, signal });
    console.log(`node ${flags.nodeName} joined ${flags.server}; superlet API on port ${superlet.apiPort}`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    // The proxy removes its rules before the process ends.
    await proxy?.stopped();
  });
}
