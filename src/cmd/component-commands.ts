// `supernetes superlet` and `supernetes scheduler`: one component alone, reaching the API server
// through a kubeconfig like any client.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { allControllers } from '../controller/all-controllers.js';
import { ControllerManager } from '../controller/controller-manager.js';
import { SuperScheduler } from '../scheduler/scheduler.js';
import { createLogger } from '../util/log.js';
import { addProxyOptions, startProxy, type ProxyFlags } from './proxy-options.js';
import { addSuperletOptions, startSuperlet, type SuperletFlags } from './superlet-options.js';

interface KubeconfigFlags {
  kubeconfig: string;
  context?: string;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function registerComponentCommands(program: Command, signal: AbortSignal): void {
  addSuperletOptions(
    program
      .command('superlet')
      .description('run a superlet alone (the node agent)')
      .requiredOption('--kubeconfig <file>', 'how to reach the API server')
      .option('--context <name>', 'kubeconfig context')
      .option('--data-dir <dir>', 'pod volumes live here', '.data/superlet'),
  ).action(async (flags: SuperletFlags & KubeconfigFlags & { dataDir: string }) => {
    const config = await loadKubeconfig(flags.kubeconfig, flags.context);
    const superlet = await startSuperlet({ config, flags, dataDir: flags.dataDir, defaultAddress: '127.0.0.1', logger: createLogger('supernetes'), signal });
    console.log(`superlet for node ${flags.nodeName} running; API on port ${superlet.apiPort}`);
    await waitForAbort(signal);
  });

  addProxyOptions(
    program
      .command('proxy')
      .description('run SuperProxy alone: the service rules (iptables) of this node and cluster DNS')
      .requiredOption('--kubeconfig <file>', 'how to reach the API server')
      .option('--context <name>', 'kubeconfig context')
      .option('--node-name <name>', 'this node (its endpoints are the local ones)', hostname().toLowerCase())
      .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local'),
  ).action(async (flags: ProxyFlags & KubeconfigFlags & { nodeName: string; clusterDomain: string }) => {
    const config = await loadKubeconfig(flags.kubeconfig, flags.context);
    const { proxy, dnsAddress } = await startProxy({ config, flags, nodeName: flags.nodeName, clusterDomain: flags.clusterDomain, logger: createLogger('supernetes'), signal });
    console.log(`SuperProxy running for node ${flags.nodeName}${dnsAddress === undefined ? '' : `; cluster DNS on ${dnsAddress}:${flags.dnsPort}`}`);
    await waitForAbort(signal);
    await proxy.stopped();
  });

  program
    .command('scheduler')
    .description('run SuperScheduler alone')
    .requiredOption('--kubeconfig <file>', 'how to reach the API server')
    .option('--context <name>', 'kubeconfig context')
    .action(async (flags: KubeconfigFlags) => {
      const config = await loadKubeconfig(flags.kubeconfig, flags.context);
      const scheduler = new SuperScheduler({ client: new RestClient({ config }), logger: createLogger('supernetes').child('scheduler') });
      await scheduler.start(signal);
      console.log('SuperScheduler running');
      await waitForAbort(signal);
    });

  program
    .command('controller')
    .description('run SuperController alone: the reconcile loops (one leader among several processes)')
    .requiredOption('--kubeconfig <file>', 'how to reach the API server')
    .option('--context <name>', 'kubeconfig context')
    .option('--no-leader-elect', 'act at once, without taking the supernetes-controller Lease (only one process may run)')
    .action(async (flags: KubeconfigFlags & { leaderElect: boolean }) => {
      const config = await loadKubeconfig(flags.kubeconfig, flags.context);
      const logger = createLogger('supernetes').child('controller');
      const manager = new ControllerManager({
        client: new RestClient({ config: { ...config, userAgent: 'supernetes-controller' } }),
        controllers: allControllers(),
        leaderElection: flags.leaderElect ? {} : false,
        logger,
      });
      await manager.start(signal);
      console.log(flags.leaderElect ? 'SuperController running (waiting for the lease kube-system/supernetes-controller)' : 'SuperController running');
      await waitForAbort(signal);
    });
}
