// The NodeAgent against a real in-process API server, with the fake runtime: registration,
// adoption, kubectl's view, the lease heartbeat, writes only on change, and an API server restart.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { isNotFound } from '../../../src/client/client-errors.js';
import { Leases, Nodes } from '../../../src/client/resource-types.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { NodeAgent, type NodeAgentOptions } from '../../../src/superlet/node/node-agent.js';
import { FakeRuntime } from '../../../src/superlet/runtime/fake/fake-runtime.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { Kubectl } from '../../support/kubectl.js';
import { waitFor } from '../../support/wait.js';

const GiB = 1024 ** 3;

interface Harness {
  agent: NodeAgent;
  runtime: FakeRuntime;
  /** Calls of runtime.version(): one per status period. */
  versionCalls: () => number;
  /** Makes the runtime's health check fail (or work again). */
  setRuntimeDown: (down: boolean) => void;
  stop: () => Promise<void>;
}

let cp: TestControlPlane;
let client: RestClient;
const running: Harness[] = [];

function condition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

async function getNode(name: string): Promise<Node> {
  return client.get<Node>(Nodes, name);
}

async function getLease(name: string): Promise<Lease | undefined> {
  try {
    return await client.get<Lease>(Leases, name, 'kube-node-lease');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function startAgent(nodeName: string, extra: Partial<NodeAgentOptions> = {}): Promise<Harness> {
  const runtime = new FakeRuntime({ machine: { cpuCores: 4, memoryBytes: 8 * GiB, kernelVersion: '6.1.0-test', osImage: 'Debian GNU/Linux 12 (bookworm)' } });
  const realVersion = runtime.version.bind(runtime);
  let calls = 0;
  let down = false;
  vi.spyOn(runtime, 'version').mockImplementation(async () => {
    calls++;
    if (down) throw new Error('the runtime is down');
    return realVersion();
  });
  const controller = new AbortController();
  const agent = new NodeAgent({
    client,
    runtime,
    nodeName,
    address: '127.0.0.1',
    port: 10250,
    renewIntervalMs: 200,
    statusUpdateIntervalMs: 100,
    ...extra,
  });
  await agent.start(controller.signal);
  const harness: Harness = {
    agent,
    runtime,
    versionCalls: () => calls,
    setRuntimeDown: (value) => {
      down = value;
    },
    stop: async () => {
      controller.abort();
      await agent.stopped();
    },
  };
  running.push(harness);
  return harness;
}

beforeAll(async () => {
  cp = await startTestControlPlane();
  client = new RestClient({ config: await loadKubeconfig(cp.kubeconfigPath) });
});

afterAll(async () => {
  await Promise.all(running.map((h) => h.stop()));
  client?.close();
  await cp?.stop();
});

describe('NodeAgent', () => {
  it('registers the node with labels, capacity, allocatable, addresses, conditions and nodeInfo', async () => {
    await startAgent('node-a', {
      labels: { 'node-role.kubernetes.io/worker': '' },
      taints: [{ key: 'dedicated', value: 'test', effect: 'NoSchedule' }],
      reservedCpuMillis: 100,
      reservedMemoryBytes: GiB,
      maxPods: 50,
    });
    const node = await getNode('node-a');
    expect(node.metadata?.labels).toMatchObject({
      'kubernetes.io/hostname': 'node-a',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'node-role.kubernetes.io/worker': '',
    });
    expect(node.metadata?.labels?.['node.kubernetes.io/instance-type']).toBeUndefined();
    expect(node.spec?.taints).toEqual([{ key: 'dedicated', value: 'test', effect: 'NoSchedule' }]);
    expect(node.status?.capacity).toMatchObject({ cpu: '4', memory: '8Gi', pods: '50' });
    expect(node.status?.allocatable).toMatchObject({ cpu: '3900m', memory: '7Gi', pods: '50' });
    expect(node.status?.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: 'node-a' },
    ]);
    expect(node.status?.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(node.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(condition(node, 'Ready')?.message).toBe('kubelet is posting ready status');
    expect(condition(node, 'Ready')?.lastHeartbeatTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(node.status?.nodeInfo).toMatchObject({
      kernelVersion: '6.1.0-test',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'fake://0.1.0',
      kubeletVersion: 'v1.30.0-supernetes',
      operatingSystem: 'linux',
      architecture: 'amd64',
    });
    expect(node.status?.nodeInfo?.machineID).toMatch(/^[0-9a-f]{32}$/);
  });

  it('shows as Ready in kubectl get nodes', async () => {
    await startAgent('node-kubectl');
    const out = await new Kubectl(cp.kubeconfigPath).ok(['get', 'nodes', 'node-kubectl', '-o', 'wide']);
    const row = out.split('\n').find((line) => line.startsWith('node-kubectl'));
    expect(row?.split(/\s+/).slice(0, 2)).toEqual(['node-kubectl', 'Ready']);
    expect(row).toContain('v1.30.0-supernetes');
    expect(row).toContain('127.0.0.1');
    expect(row).toContain('fake://0.1.0');
  });

  it('adopts an existing node: fixes the labels it owns, keeps the rest and the uid', async () => {
    const created = await client.create<Node>(Nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-old', labels: { 'kubernetes.io/os': 'windows', 'node.kubernetes.io/instance-type': 'm5.large', team: 'blue' } },
    });
    await startAgent('node-old');
    const node = await getNode('node-old');
    expect(node.metadata?.uid).toBe(created.metadata?.uid);
    expect(node.metadata?.labels).toMatchObject({ 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'node-old', team: 'blue' });
    expect(node.metadata?.labels?.['node.kubernetes.io/instance-type']).toBeUndefined();
    expect(condition(node, 'Ready')?.status).toBe('True');
  });

  it('creates the node lease, owned by the node, and renews it', async () => {
    await startAgent('node-lease', { leaseDurationSeconds: 17 });
    const node = await getNode('node-lease');
    const first = await waitFor(() => getLease('node-lease'), { what: 'the node lease' });
    expect(first.spec).toMatchObject({ holderIdentity: 'node-lease', leaseDurationSeconds: 17 });
    expect(first.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(first.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-lease', uid: node.metadata?.uid }]);
    const renewed = await waitFor(
      async () => {
        const lease = await getLease('node-lease');
        return lease?.spec?.renewTime !== undefined && lease.spec.renewTime > (first.spec?.renewTime ?? '') ? lease : undefined;
      },
      { what: 'the lease renewTime to advance' },
    );
    expect(renewed.spec?.holderIdentity).toBe('node-lease');
  });

  it('writes the status only when it changes, with lastTransitionTime moving only on a transition', async () => {
    const harness = await startAgent('node-quiet');
    const before = await getNode('node-quiet');
    const calls = harness.versionCalls();
    await waitFor(() => harness.versionCalls() >= calls + 10, { what: 'ten status periods' });
    const after = await getNode('node-quiet');
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);

    // A change (the runtime stops answering) is written at once...
    harness.setRuntimeDown(true);
    const notReady = await waitFor(async () => {
      const node = await getNode('node-quiet');
      return condition(node, 'Ready')?.status === 'False' ? node : undefined;
    }, { what: 'Ready to turn False' });
    expect(condition(notReady, 'Ready')).toMatchObject({ reason: 'KubeletNotReady', message: 'container runtime is down' });
    // ...and the conditions that did not change keep their transition time.
    expect(condition(notReady, 'MemoryPressure')?.lastTransitionTime).toBe(condition(before, 'MemoryPressure')?.lastTransitionTime);
    harness.setRuntimeDown(false);
    const ready = await waitFor(async () => {
      const node = await getNode('node-quiet');
      return condition(node, 'Ready')?.status === 'True' ? node : undefined;
    }, { what: 'Ready to turn True again' });
    expect(condition(ready, 'Ready')?.reason).toBe('KubeletReady');
  });

  it('reports an unchanged status again once the report interval has passed', async () => {
    await startAgent('node-report', { statusReportIntervalMs: 1_000 });
    const before = await getNode('node-report');
    const beat = condition(before, 'Ready')?.lastHeartbeatTime ?? '';
    const later = await waitFor(async () => {
      const node = await getNode('node-report');
      return (condition(node, 'Ready')?.lastHeartbeatTime ?? '') > beat ? node : undefined;
    }, { what: 'a newer heartbeat', timeoutMs: 15_000 });
    expect(condition(later, 'Ready')?.lastTransitionTime).toBe(condition(before, 'Ready')?.lastTransitionTime);
  });

  it('registers the node again when someone deletes it', async () => {
    await startAgent('node-deleted');
    const first = await getNode('node-deleted');
    await client.delete(Nodes, 'node-deleted');
    const again = await waitFor(async () => {
      try {
        const node = await getNode('node-deleted');
        return node.metadata?.uid !== first.metadata?.uid && condition(node, 'Ready')?.status === 'True' ? node : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    }, { what: 'the node to come back' });
    expect(again.status?.capacity?.cpu).toBe('4');
  });

  it('keeps renewing the lease and updating the status across an API server restart', async () => {
    const harness = await startAgent('node-restart');
    await waitFor(() => getLease('node-restart'), { what: 'the node lease' });
    await cp.restart();
    const restartedAt = new Date().toISOString();
    await waitFor(async () => {
      const lease = await getLease('node-restart');
      return (lease?.spec?.renewTime ?? '') > restartedAt;
    }, { what: 'a lease renewal after the restart', timeoutMs: 30_000 });
    harness.setRuntimeDown(true);
    await waitFor(async () => condition(await getNode('node-restart'), 'Ready')?.status === 'False', {
      what: 'a status write after the restart',
      timeoutMs: 30_000,
    });
  });
});
