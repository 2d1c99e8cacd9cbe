// A hand-driven node for node lifecycle tests: a Node with kubelet-like conditions and its Lease in
// kube-node-lease, renewed by the test until it "dies", and brought back like a restarted kubelet.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { Leases, Nodes } from '../../../src/client/resource-types.js';
import type { RestClient } from '../../../src/client/rest-client.js';

const seconds = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');
const micro = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class NodeSim {
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: RestClient,
    readonly name: string,
    private readonly renewEveryMs = 200,
  ) {}

  /** Registers the node (Ready, no pressure) and its lease, and starts renewing. */
  async start(labels: Record<string, string> = {}): Promise<void> {
    await this.client.create<Node>(Nodes, { metadata: { name: this.name, labels: { 'kubernetes.io/hostname': this.name, ...labels } } });
    await this.postStatus('True');
    await this.client.create<Lease>(Leases, {
      metadata: { name: this.name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: this.name, leaseDurationSeconds: 40, renewTime: micro(new Date()) },
    });
    this.resume();
  }

  /** The kubelet's status: Ready as given, no pressure, fresh heartbeats. */
  async postStatus(ready: NodeCondition['status'], extra: NodeCondition[] = []): Promise<void> {
    const now = seconds(new Date());
    const node = await this.client.get<Node>(Nodes, this.name);
    const previous = (type: string): NodeCondition | undefined => node.status?.conditions?.find((c) => c.type === type);
    const make = (type: string, status: string, reason: string): NodeCondition => ({
      type,
      status,
      reason,
      message: `${reason} (test)`,
      lastHeartbeatTime: now,
      lastTransitionTime: previous(type)?.status === status ? (previous(type)?.lastTransitionTime ?? now) : now,
    });
    const conditions = [
      make('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
      make('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
      make('PIDPressure', 'False', 'KubeletHasSufficientPID'),
      make('Ready', ready, ready === 'True' ? 'KubeletReady' : 'KubeletNotReady'),
    ].map((c) => extra.find((e) => e.type === c.type) ?? c);
    await this.client.patch(Nodes, this.name, undefined, { status: { conditions } }, 'merge', { subresource: 'status' });
  }

  /** Stops the heartbeat, as a dead superlet. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
  }

  /** Renews the lease every period again. */
  resume(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.renewing = this.client
        .patch(Leases, this.name, 'kube-node-lease', { spec: { renewTime: micro(new Date()) } }, 'merge')
        .catch(() => undefined);
    }, this.renewEveryMs);
  }

  async node(): Promise<Node> {
    return this.client.get<Node>(Nodes, this.name);
  }
}

export function readyOf(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}
