// `supernetes server`: the whole cluster in one process, like `k3s server`: the control plane
// (SuperCache and SuperAPIServer), SuperScheduler and a superlet for this machine. The scheduler and
// the superlet reach the API server over HTTPS like any client; the superlet joins with the node
// token exactly as a remote `supernetes agent` would.
import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { startControlPlane } from '../apiserver/control-plane.js';
import { joinCluster } from '../client/join.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { allControllers } from '../controller/all-controllers.js';
import { ControllerManager } from '../controller/controller-manager.js';
import { SuperScheduler } from '../scheduler/scheduler.js';
import { createLogger } from '../util/log.js';
import { addProxyOptions, startProxy, type ProxyFlags } from './proxy-options.js';
import { addSuperletOptions, startSuperlet, type SuperletFlags } from './superlet-options.js';

interface ServerCommandOptions extends SuperletFlags, ProxyFlags {
  dataDir: string;
  bind: string;
  httpsPort: string;
  store: string;
  disable: string;
}

/** Components `--disable` may name. */
const OPTIONAL_COMPONENTS = ['controller', 'scheduler', 'superlet', 'proxy'] as const;

function parseDisable(text: string): Set<string> {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  for (const name of names) {
    if (!(OPTIONAL_COMPONENTS as readonly string[]).includes(name)) {
      throw new Error(`unknown component "${name}" in --disable: choose from ${OPTIONAL_COMPONENTS.join(', ')}`);
    }
  }
  return new Set(names);
}

export function registerServerCommand(program: Command, signal: AbortSignal): void {
  addProxyOptions(addSuperletOptions(
    program
      .command('server')
      .description('run a whole cluster: SuperCache, SuperAPIServer, SuperController, SuperScheduler and a superlet for this machine')
      .option('--data-dir <dir>', 'state, certificates and kubeconfig live here', process.env.SUPERNETES_DATA_DIR ?? '.data/server')
      .option('--bind <address>', 'address to serve HTTPS on', '127.0.0.1')
      .option('--https-port <port>', 'HTTPS port (0 picks a free one)', '6443')
      .option('--store <store>', 'sqlite (embedded) or etcd://host:port', 'sqlite')
      .option('--disable <components>', `comma-separated components not to run (${OPTIONAL_COMPONENTS.join(', ')})`, ''),
  )).action(async (options: ServerCommandOptions) => {
    const port = Number(options.httpsPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --https-port "${options.httpsPort}"`);
    const disabled = parseDisable(options.disable);
    const logger = createLogger('supernetes');
    const plane = await startControlPlane({ dataDir: options.dataDir, bind: options.bind, httpsPort: port, store: options.store, logger });
    const components = new AbortController();
    // Every informer, queue and watch of every component listens on it.
    setMaxListeners(0, components.signal);
    signal.addEventListener('abort', () => components.abort(), { once: true });
    const stopping: (() => Promise<void>)[] = [];
    try {
      const adminConfig = await loadKubeconfig(plane.kubeconfigPath);
      if (!disabled.has('controller')) {
        // Elected like a separate `supernetes controller`, so more servers may share one store.
        const manager = new ControllerManager({
          client: new RestClient({ config: { ...adminConfig, userAgent: 'supernetes-controller' } }),
          controllers: allControllers(),
          logger: logger.child('controller'),
        });
        await manager.start(components.signal);
        stopping.push(() => manager.stopped());
      }
      if (!disabled.has('scheduler')) {
        const scheduler = new SuperScheduler({ client: new RestClient({ config: adminConfig }), logger: logger.child('scheduler') });
        await scheduler.start(components.signal);
        stopping.push(() => scheduler.stopped());
      }
      const config = await joinCluster({ server: plane.url, token: plane.nodeToken.token });
      let clusterDns = options.clusterDns;
      if (!disabled.has('proxy')) {
        // The node's proxy (and cluster DNS) with the node's credentials, as a remote agent's.
        const { proxy, dnsAddress } = await startProxy({ config, flags: options, nodeName: options.nodeName, clusterDomain: options.clusterDomain, logger, signal: components.signal });
        if (options.dnsPort === '53') clusterDns ??= dnsAddress;
        stopping.push(() => proxy.stopped());
      }
      if (!disabled.has('superlet')) {
        const loopback = options.bind === '0.0.0.0' || options.bind === '::' ? '127.0.0.1' : options.bind;
        const flags = { ...options, ...(clusterDns === undefined ? {} : { clusterDns }) };
        const superlet = await startSuperlet({ config, flags, dataDir: options.dataDir, defaultAddress: loopback, logger, signal: components.signal });
        stopping.push(() => superlet.stopped());
      }
    } catch (error) {
      components.abort();
      await plane.stop();
      throw error;
    }
    console.log(`Supernetes API server on ${plane.url}`);
    console.log(`kubeconfig: ${plane.kubeconfigPath}`);
    console.log(`node token (for supernetes agent --token): ${plane.nodeToken.path}`);
    console.log(`try: kubectl --kubeconfig ${plane.kubeconfigPath} get nodes`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    // The components finish what they are doing (and release the controller Lease) while the API
    // server still answers; then the control plane stops.
    await Promise.race([Promise.allSettled(stopping.map((stop) => stop())), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    await plane.stop();
  });
}
