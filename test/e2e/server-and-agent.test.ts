// `supernetes server` as users run it (the built CLI, its own process) runs the scheduler and a
// superlet for its machine; `supernetes agent --server URL --token T` joins a second node with the
// node token the server wrote. Both nodes use the fake runtime here, so the test needs no Docker
// and shows what the CLI wires together; the Docker paths are covered by the other e2e tests. The
// service proxy is off (--disable proxy): fake pods have nothing to route to, and the host's rules
// belong to the proxy tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import { Nodes, Pods } from '../../src/client/resource-types.js';
import { isRunningAndReady, waitForPod } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

const CLI = join(import.meta.dirname, '../../dist/cmd/supernetes.js');
const children: ChildProcess[] = [];
let dir: string;
let client: RestClient;
let serverUrl: string;

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function nodeReady(name: string): Promise<Node> {
  return waitFor(async () => {
    const node = await client.get<Node>(Nodes, name).catch(() => undefined);
    return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true ? node : undefined;
  }, { what: `node ${name} Ready`, timeoutMs: 60_000, intervalMs: 200 });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supernetes-cli-'));
  const server = run(['server', '--data-dir', join(dir, 'server'), '--https-port', '0', '--node-name', 'cli-server', '--runtime', 'fake', '--superlet-port', '0', '--disable', 'proxy']);
  const url = await waitFor(() => /Supernetes API server on (https:\/\/\S+)/.exec(server.output())?.[1], { what: `the server to start; it said: ${server.output()}`, timeoutMs: 60_000, intervalMs: 100 });
  serverUrl = url;
  client = new RestClient({ config: await loadKubeconfig(join(dir, 'server', 'kubeconfig.yaml')) });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('supernetes server and agent', { timeout: 180_000 }, () => {
  it('runs a node of its own, and schedules and runs pods on it', async () => {
    await nodeReady('cli-server');
    await client.create(Pods, { metadata: { name: 'on-server', namespace: 'default' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'cli-server' }, containers: [{ name: 'c', image: 'supernetes.local/busybox:latest' }] } });
    const pod = await waitForPod(client, 'on-server', isRunningAndReady, 'Running');
    expect(pod.spec?.nodeName).toBe('cli-server');
  });

  it('lets an agent join with the node token, and runs pods there', async () => {
    const token = (await readFile(join(dir, 'server', 'node-token'), 'utf8')).trim();
    expect(token).toMatch(/^K10[0-9a-f]{64}::node:[0-9a-f]{32}$/);
    run(['agent', '--server', serverUrl, '--token', token, '--node-name', 'cli-agent', '--runtime', 'fake', '--disable', 'proxy', '--superlet-port', '0', '--data-dir', join(dir, 'agent')]);
    await nodeReady('cli-agent');
    await client.create(Pods, { metadata: { name: 'on-agent', namespace: 'default' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'cli-agent' }, containers: [{ name: 'c', image: 'supernetes.local/busybox:latest' }] } });
    const pod = await waitForPod(client, 'on-agent', isRunningAndReady, 'Running');
    expect(pod.spec?.nodeName).toBe('cli-agent');
  });

  it('refuses to join with a token whose CA hash does not match, saying why', async () => {
    const token = (await readFile(join(dir, 'server', 'node-token'), 'utf8')).trim();
    const forged = `K10${'0'.repeat(64)}${token.slice(67)}`;
    const agent = run(['agent', '--server', serverUrl, '--token', forged, '--node-name', 'cli-forged', '--runtime', 'fake', '--disable', 'proxy', '--superlet-port', '0', '--data-dir', join(dir, 'forged')]);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toMatch(/does not match the token's hash: refusing to join/);
    expect(await client.get<Node>(Nodes, 'cli-forged').catch(() => undefined)).toBeUndefined();
  });

  it('refuses a wrong secret with a clear error', async () => {
    const token = (await readFile(join(dir, 'server', 'node-token'), 'utf8')).trim();
    const wrong = `${token.slice(0, token.indexOf('::'))}::node:${'f'.repeat(32)}`;
    const agent = run(['agent', '--server', serverUrl, '--token', wrong, '--node-name', 'cli-wrong', '--runtime', 'fake', '--disable', 'proxy', '--superlet-port', '0', '--data-dir', join(dir, 'wrong')]);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toMatch(/Unauthorized/);
  });

  it('does not list pods of other nodes on a node', async () => {
    const pods = await client.list<Pod>(Pods, { namespace: 'default', fieldSelector: 'spec.nodeName=cli-agent' });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['on-agent']);
  });
});
