// The control plane of `supernetes server`: SuperCache (embedded, or a real etcd), the resource
// registry with its watch caches, and SuperAPIServer on HTTPS with a CA of its own and an admin
// kubeconfig. Later issues add the controllers, the scheduler and a superlet here.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../supercache/backend.js';
import { EtcdBackend } from '../supercache/etcd/etcd-backend.js';
import { SqliteEngine } from '../supercache/sqlite/sqlite-engine.js';
import type { Logger } from '../util/log.js';
import { silentLogger } from '../util/log.js';
import { BearerTokenAuthenticator, ClientCertificateAuthenticator, loadTokenFile, UnionAuthenticator } from './authn/index.js';
import type { Authenticator } from './authn/types.js';
import { bootstrapCluster } from './bootstrap.js';
import { ApiServer } from './http/api-server.js';
import { ensurePki } from '../pki/index.js';
import { writeKubeconfig } from '../pki/kubeconfig.js';
import { ensureNodeToken, type NodeTokenFile } from '../pki/node-token.js';
import { builtInResources } from './registry/resources/index.js';
import { Registry } from './registry/registry.js';

export interface ControlPlaneOptions {
  readonly dataDir: string;
  readonly bind?: string;
  /** 0 picks a free port (tests). */
  readonly httpsPort?: number;
  /** "sqlite" (default) or "etcd://host:port[,host:port]". */
  readonly store?: string;
  readonly logger?: Logger;
  /** Watch bookmark interval (tests shorten it). */
  readonly bookmarkIntervalMs?: number;
  readonly maxInFlight?: number;
}

export interface ControlPlane {
  readonly url: string;
  readonly port: number;
  readonly kubeconfigPath: string;
  readonly backend: Backend;
  readonly registry: Registry;
  readonly apiServer: ApiServer;
  /** The token superlets join with (`supernetes agent --token`), also in DIR/node-token. */
  readonly nodeToken: NodeTokenFile;
  /** The cluster CA, PEM. */
  readonly caPem: string;
  stop(): Promise<void>;
}

function openStore(store: string, dataDir: string): Backend {
  if (store === 'sqlite') return new SqliteEngine({ dataDir: join(dataDir, 'supercache') });
  const match = /^etcd:\/\/(.+)$/.exec(store);
  if (match?.[1] === undefined) throw new Error(`unknown --store "${store}": use sqlite or etcd://host:port`);
  return new EtcdBackend({ endpoints: match[1].split(',') });
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const logger = options.logger ?? silentLogger;
  const bind = options.bind ?? '127.0.0.1';
  const backend = openStore(options.store ?? 'sqlite', options.dataDir);
  if (backend instanceof SqliteEngine) await backend.start();
  const stop = new AbortController();
  // Every watch cache and open watch listens on it: dozens of listeners are expected.
  setMaxListeners(0, stop.signal);
  try {
    const pki = await ensurePki({ dir: options.dataDir, ips: [bind] });
    const tokenFile = join(options.dataDir, 'tokens.csv');
    const nodeToken = await ensureNodeToken(options.dataDir, pki.caPem);
    const tokens = [
      ...(existsSync(tokenFile) ? (await loadTokenFile(tokenFile)).tokens : []),
      // Nodes joining with the node token act as the superlet group does upstream.
      { token: nodeToken.bearer, name: 'system:node:supernetes', groups: ['system:nodes', 'system:authenticated'] },
    ];
    const authenticator: Authenticator = new UnionAuthenticator({
      authenticators: [new ClientCertificateAuthenticator({}), new BearerTokenAuthenticator({ tokens })],
    });
    const registry = new Registry(builtInResources(), backend);
    await registry.start(stop.signal);
    await bootstrapCluster(registry);
    const apiServer = new ApiServer({
      registry,
      authenticator,
      tls: { key: pki.serving.keyPem, cert: pki.serving.certPem, clientCa: pki.caPem },
      superletCredentials: { certPem: pki.superletClient.certPem, keyPem: pki.superletClient.keyPem },
      host: bind,
      port: options.httpsPort ?? 6443,
      logger: logger.child('apiserver'),
      ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
      ...(options.bookmarkIntervalMs === undefined ? {} : { watch: { bookmarkIntervalMs: options.bookmarkIntervalMs, maxTimeoutSeconds: 1800 } }),
    });
    await apiServer.start();
    await bootstrapCluster(registry, { ip: bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind, port: apiServer.port });
    apiServer.markReady();
    const host = bind === '0.0.0.0' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;
    const url = `https://${host}:${apiServer.port}`;
    const kubeconfigPath = join(options.dataDir, 'kubeconfig.yaml');
    await writeKubeconfig({ path: kubeconfigPath, server: url, caPem: pki.caPem, clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem });
    logger.info('SuperAPIServer serving', { url, kubeconfig: kubeconfigPath });
    return {
      url,
      port: apiServer.port,
      kubeconfigPath,
      backend,
      registry,
      apiServer,
      nodeToken,
      caPem: pki.caPem,
      stop: async () => {
        stop.abort();
        await apiServer.stop();
        await backend.close();
      },
    };
  } catch (error) {
    stop.abort();
    await backend.close();
    throw error;
  }
}
