// The cluster a rollout runs on, each part a process of its own so that each one's CPU is its own:
// `supernetes server --disable controller,superlet,proxy` (SuperCache, SuperAPIServer,
// SuperScheduler), SuperController as `supernetes controller --kubeconfig` (with its leader
// election, as it runs in production), and the nodes as `supernetes agent --disable proxy`
// superlets on the fake runtime or on Docker. Everything listens on 127.0.0.1; stop() ends every
// process it started: the controller, then the superlets, then the server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../src/client/client-errors.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { Leases, Nodes } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { startServer, type RunningServer } from '../common/server.js';
import { spawnSupernetes, supernetesEntry, type SupernetesProcess } from '../common/supernetes-process.js';
import { pause } from '../pods/stats.js';
import { summarizeWarnings } from './warnings.js';

export type RuntimeName = 'fake' | 'docker';

const READY_TIMEOUT_MS = 60_000;

export interface Cluster {
  readonly server: RunningServer;
  readonly controller: SupernetesProcess;
  readonly agents: readonly SupernetesProcess[];
  readonly nodeNames: readonly string[];
  readonly client: RestClient;
  /** server start → nodes Ready and the controller's Lease held. */
  readonly readyMs: number;
  /** Warning and error lines logged so far, per process, grouped. */
  warnings(): string;
  /** How many warning and error lines all processes logged so far. */
  warningCount(): number;
  /** Stops the controller, the agents, then the server; returns the ms the controller took to exit. */
  stop(): Promise<number>;
}

async function untilNodesReady(client: RestClient, names: readonly string[]): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let last = '';
  while (performance.now() < deadline) {
    const waiting: string[] = [];
    for (const name of names) {
      try {
        const node = await client.get<Node>(Nodes, name);
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status !== 'True') waiting.push(`${name} Ready=${ready?.status ?? 'none'}`);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        waiting.push(`${name} not registered`);
      }
    }
    if (waiting.length === 0) return;
    last = waiting.join(', ');
    await pause(100);
  }
  throw new Error(`nodes not Ready after ${READY_TIMEOUT_MS} ms: ${last}`);
}

/** SuperController acts only once it holds its Lease: the clock must not start before. */
async function untilLeaseHeld(client: RestClient): Promise<string> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    try {
      const lease = await client.get<Lease>(Leases, 'supernetes-controller', 'kube-system');
      const holder = lease.spec?.holderIdentity;
      if (holder !== undefined && holder !== null && holder !== '') return holder;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    await pause(100);
  }
  throw new Error(`the Lease kube-system/supernetes-controller was not taken within ${READY_TIMEOUT_MS} ms`);
}

/**
 * `--disable proxy` where the build has SuperProxy: no Service is measured here, and two superlets
 * on one host would take turns owning its service rules. Older builds (BENCH_SUPERNETES) lack it.
 */
function withoutProxy(command: 'server' | 'agent', others: readonly string[]): string[] {
  const help = spawnSync(process.execPath, [supernetesEntry(), command, '--help'], { encoding: 'utf8' }).stdout;
  const hasProxy = /--disable <components>[\s\S]*?proxy/.test(help);
  const names = [...others, ...(hasProxy ? ['proxy'] : [])];
  return names.length === 0 ? [] : ['--disable', names.join(',')];
}

export async function startCluster(runtime: RuntimeName, nodeNames: readonly string[]): Promise<Cluster> {
  const start = performance.now();
  const server = await startServer({ dataDirPrefix: 'bench-rollout-', args: withoutProxy('server', ['controller', 'superlet']) });
  const started: SupernetesProcess[] = [server];
  // The controller first (so that it does not react to nodes going), then the superlets while the
  // API server still answers them, then the server.
  const stopAll = async (): Promise<void> => {
    const [first, ...rest] = [...started].reverse();
    const serverLast = rest.filter((p) => p !== server);
    if (first !== undefined && first !== server) await first.stop();
    await Promise.all(serverLast.map((p) => p.stop()));
    await server.stop();
  };
  let client: RestClient | undefined;
  try {
    const token = readFileSync(server.nodeTokenPath, 'utf8').trim();
    const agentDisable = withoutProxy('agent', []);
    const agents = nodeNames.map((nodeName) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-rollout-agent-'));
      const agent = spawnSupernetes(
        `superlet ${nodeName}`,
        ['agent', '--server', server.url, '--token', token, '--node-name', nodeName, '--runtime', runtime, '--superlet-port', '0', '--data-dir', dataDir, ...agentDisable],
        { removeOnStop: [dataDir] },
      );
      started.push(agent);
      return agent;
    });
    const controller = spawnSupernetes('supernetes controller', ['controller', '--kubeconfig', server.kubeconfigPath]);
    started.push(controller);
    await Promise.all([...agents.map((a) => a.waitForLine(/joined/, READY_TIMEOUT_MS)), controller.waitForLine(/SuperController running/, READY_TIMEOUT_MS)]);
    client = new RestClient({ config: await loadKubeconfig(server.kubeconfigPath) });
    await untilNodesReady(client, nodeNames);
    await untilLeaseHeld(client);
    const readyMs = performance.now() - start;
    const readyClient = client;
    return {
      server,
      controller,
      agents,
      nodeNames,
      client: readyClient,
      readyMs,
      warnings: () =>
        started
          .map((p) => {
            const w = p.warnings();
            return w.count === 0 ? '' : `${p.name}: ${w.count} (${summarizeWarnings(w.lines)})`;
          })
          .filter((text) => text !== '')
          .join('; ') || 'none',
      warningCount: () => started.reduce((sum, p) => sum + p.warnings().count, 0),
      stop: async () => {
        readyClient.close();
        const controllerStopMs = await controller.stop();
        await stopAll();
        return controllerStopMs;
      },
    };
  } catch (error) {
    client?.close();
    const output = started.map((p) => `--- ${p.name}:\n${p.output().slice(-1500)}`).join('\n');
    await stopAll();
    throw new Error(`the cluster did not start: ${error instanceof Error ? error.message : String(error)}\n${output}`, { cause: error });
  }
}
