// A whole test cluster in this process: the control plane on a loopback port, SuperScheduler, and
// one or more superlets on the real Docker daemon (or the fake runtime), each with a node name of
// its own so that several share one daemon. Every component reaches the API server over HTTPS
// through src/client, as it would in `supernetes server`; superlets join with the node token.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { joinCluster } from '../../src/client/join.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import { allControllers } from '../../src/controller/all-controllers.js';
import { ControllerManager } from '../../src/controller/controller-manager.js';
import { dockerBridgeGateway } from '../../src/proxy/dns/bridge-address.js';
import { SuperProxy } from '../../src/proxy/super-proxy.js';
import { SuperScheduler } from '../../src/scheduler/scheduler.js';
import { DockerRuntime } from '../../src/superlet/runtime/docker/docker-runtime.js';
import { LABEL } from '../../src/superlet/runtime/docker/labels.js';
import { FakeRuntime } from '../../src/superlet/runtime/fake/fake-runtime.js';
import type { Runtime } from '../../src/superlet/runtime/runtime.js';
import { Superlet } from '../../src/superlet/superlet.js';
import { createLogger, silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from './control-plane.js';
import { Kubectl } from './kubectl.js';

export interface TestNode {
  readonly name: string;
  readonly runtime: Runtime;
  superlet: Superlet;
  /** Stops this node's superlet (its containers keep running, as after a crash). */
  stop(): void;
  /** Starts a new superlet for the node (after stop()). */
  restart(): Promise<void>;
}

export interface TestCluster {
  readonly plane: TestControlPlane;
  /** The host's SuperProxy, with cluster DNS on the Docker bridge gateway (only with options.proxy). */
  readonly proxy?: SuperProxy;
  /** An admin client. */
  readonly client: RestClient;
  readonly kubectl: Kubectl;
  readonly nodes: TestNode[];
  /** Adds a node (a superlet) to the running cluster. */
  addNode(options?: { runtime?: 'docker' | 'fake'; labels?: Record<string, string> }): Promise<TestNode>;
  stop(): Promise<void>;
}

export interface TestClusterOptions {
  readonly nodes?: number;
  readonly runtime?: 'docker' | 'fake';
  /** CrashLoopBackOff / ImagePullBackOff bounds; tests shorten them (default 1 s doubling to 8 s). */
  readonly backoff?: { initialMs: number; maxMs: number };
  readonly scheduler?: boolean;
  /** Run SuperController's controllers (all of them, no leader election); default false. */
  readonly controllers?: boolean;
  /**
   * Run one SuperProxy for the host (its nodes share one Docker daemon, so one set of rules) with
   * cluster DNS on the bridge gateway, port 53, which the superlets give ClusterFirst pods; default
   * false. stop() waits until the proxy has removed its rules.
   */
  readonly proxy?: boolean;
}

const VERBOSE = process.env.SUPERNETES_TEST_LOG === '1';

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const plane = await startTestControlPlane();
  const everything = new AbortController();
  const logger = VERBOSE ? createLogger('test-cluster', 'debug') : silentLogger;
  const adminConfig = await loadKubeconfig(plane.kubeconfigPath);
  const client = new RestClient({ config: adminConfig });
  const nodes: TestNode[] = [];
  const clusterId = randomBytes(3).toString('hex');
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 8000 };

  if (options.scheduler !== false) {
    await new SuperScheduler({ client: new RestClient({ config: adminConfig }), logger: logger.child('scheduler') }).start(everything.signal);
  }

  if (options.controllers === true) {
    await new ControllerManager({
      client: new RestClient({ config: { ...adminConfig, userAgent: 'supernetes-controller' } }),
      controllers: allControllers(),
      leaderElection: false,
      logger: logger.child('controller'),
    }).start(everything.signal);
  }

  let proxy: SuperProxy | undefined;
  let dnsAddress: string | undefined;
  if (options.proxy === true) {
    dnsAddress = await dockerBridgeGateway();
    const config = await joinCluster({ server: plane.url, token: plane.current.nodeToken.token });
    proxy = new SuperProxy({
      client: new RestClient({ config }),
      nodeName: `node-${clusterId}-1`,
      minSyncIntervalMs: 50,
      dns: { addresses: [dnsAddress], port: 53 },
      logger: logger.child('proxy'),
    });
    await proxy.start(everything.signal);
  }

  const addNode = async (nodeOptions: { runtime?: 'docker' | 'fake'; labels?: Record<string, string> } = {}): Promise<TestNode> => {
    const name = `node-${clusterId}-${nodes.length + 1}`;
    const runtime: Runtime = (nodeOptions.runtime ?? options.runtime ?? 'docker') === 'docker' ? new DockerRuntime({}) : new FakeRuntime({});
    const config = await joinCluster({ server: plane.url, token: plane.current.nodeToken.token });
    let stopNode = new AbortController();
    const make = (): Superlet => new Superlet({
      client: new RestClient({ config }),
      runtime,
      nodeName: name,
      address: '127.0.0.1',
      bind: '127.0.0.1',
      port: 0,
      rootDir: join(plane.dataDir, 'superlet', name),
      caPem: config.caPem ?? '',
      crashBackoff: backoff,
      imageBackoff: backoff,
      leaseRenewIntervalMs: 2000,
      logger: logger.child(name),
      ...(dnsAddress === undefined ? {} : { clusterDns: [dnsAddress] }),
      ...(nodeOptions.labels === undefined ? {} : { labels: nodeOptions.labels }),
    });
    const start = async (superlet: Superlet): Promise<void> => {
      stopNode = new AbortController();
      everything.signal.addEventListener('abort', () => stopNode.abort(), { once: true });
      await superlet.start(stopNode.signal);
    };
    const node: TestNode = {
      name,
      runtime,
      superlet: make(),
      stop: () => stopNode.abort(),
      restart: async () => {
        node.superlet = make();
        await start(node.superlet);
      },
    };
    await start(node.superlet);
    nodes.push(node);
    return node;
  };

  try {
    for (let i = 0; i < (options.nodes ?? 1); i++) await addNode();
  } catch (error) {
    everything.abort();
    await proxy?.stopped();
    await plane.stop();
    throw error;
  }

  return {
    plane,
    ...(proxy === undefined ? {} : { proxy }),
    client,
    kubectl: new Kubectl(plane.kubeconfigPath),
    nodes,
    addNode,
    stop: async () => {
      everything.abort();
      await proxy?.stopped();
      await removeContainersOf(nodes.filter((n) => n.runtime.name === 'docker').map((n) => n.name));
      await plane.stop();
    },
  };
}

/** Removes every Docker container the test nodes made, running or not. */
export async function removeContainersOf(nodeNames: string[]): Promise<void> {
  if (nodeNames.length === 0) return;
  const docker = new Dockerode();
  for (const node of nodeNames) {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.node}=${node}`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
}
