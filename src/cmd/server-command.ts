// `supernetes server`: the whole control plane in one process, like `k3s server`.
import type { Command } from 'commander';
import { startControlPlane } from '../apiserver/control-plane.js';
import { createLogger } from '../util/log.js';

interface ServerCommandOptions {
  dataDir: string;
  bind: string;
  httpsPort: string;
  store: string;
  disable: string;
}

export function registerServerCommand(program: Command, signal: AbortSignal): void {
  program
    .command('server')
    .description('run the control plane: SuperCache and SuperAPIServer (more components arrive with later issues)')
    .option('--data-dir <dir>', 'state, certificates and kubeconfig live here', process.env.SUPERNETES_DATA_DIR ?? '.data/server')
    .option('--bind <address>', 'address to serve HTTPS on', '127.0.0.1')
    .option('--https-port <port>', 'HTTPS port (0 picks a free one)', '6443')
    .option('--store <store>', 'sqlite (embedded) or etcd://host:port', 'sqlite')
    .option('--disable <components>', 'comma-separated components not to run', '')
    .action(async (options: ServerCommandOptions) => {
      const port = Number(options.httpsPort);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --https-port "${options.httpsPort}"`);
      const logger = createLogger('supernetes');
      const plane = await startControlPlane({ dataDir: options.dataDir, bind: options.bind, httpsPort: port, store: options.store, logger });
      console.log(`Supernetes API server on ${plane.url}`);
      console.log(`kubeconfig: ${plane.kubeconfigPath}`);
      console.log(`try: kubectl --kubeconfig ${plane.kubeconfigPath} get namespaces`);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await plane.stop();
    });
}
