// The node's heartbeat: a coordination.k8s.io/v1 Lease named after the node in kube-node-lease,
// renewed on a short period, so the control plane learns the node is alive without a status
// write each time. The twin of the kubelet's nodelease controller: update from the lease last
// written (no GET on the happy path), fall back to get-or-create with back-off, re-read on
// conflict, and point the lease's owner at the Node so deleting the node deletes its lease.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { sleep } from '../../client/backoff.js';
import { isConflict, isNotFound } from '../../client/client-errors.js';
import { Leases, Nodes } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const MAX_UPDATE_RETRIES = 5;
const ENSURE_FIRST_DELAY_MS = 100;
const ENSURE_MAX_DELAY_MS = 7_000;

/** metav1.MicroTime: RFC 3339 with microseconds (JavaScript knows milliseconds: the rest is zeros). */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface NodeLeaseOptions {
  client: RestClient;
  nodeName: string;
  leaseDurationSeconds: number;
  logger: Logger;
  namespace?: string;
  now?: () => Date;
}

export class NodeLease {
  private latest: Lease | undefined;
  private readonly namespace: string;
  private readonly now: () => Date;

  constructor(private readonly options: NodeLeaseOptions) {
    this.namespace = options.namespace ?? NODE_LEASE_NAMESPACE;
    this.now = options.now ?? ((): Date => new Date());
  }

  /** The lease as last written. */
  get lease(): Lease | undefined {
    return this.latest;
  }

  /** One renewal. Never throws: a failure is logged and the next period tries again. */
  async renew(signal: AbortSignal): Promise<void> {
    try {
      if (this.latest !== undefined && (await this.retryUpdate(this.latest, signal))) return;
      const ensured = await this.backoffEnsure(signal);
      if (ensured === undefined || ensured.created) return;
      await this.retryUpdate(ensured.lease, signal);
    } catch (error) {
      this.options.logger.warn('node lease renewal failed', { error });
    }
  }

  private leaseFrom(base: Lease | undefined): Lease {
    const { nodeName, leaseDurationSeconds } = this.options;
    const lease: Lease =
      base === undefined
        ? {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: nodeName, namespace: this.namespace },
            spec: { holderIdentity: nodeName, leaseDurationSeconds },
          }
        : structuredClone(base);
    lease.spec = { ...lease.spec, renewTime: microTime(this.now()) };
    return lease;
  }

  /** Sets the Node as owner when the lease has none yet; a node not registered yet is no error. */
  private async withOwner(lease: Lease): Promise<Lease> {
    if ((lease.metadata?.ownerReferences?.length ?? 0) > 0) return lease;
    try {
      const node = await this.options.client.get<Node>(Nodes, this.options.nodeName);
      const uid = node.metadata?.uid;
      if (uid === undefined) return lease;
      return {
        ...lease,
        metadata: { ...lease.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.options.nodeName, uid }] },
      };
    } catch (error) {
      if (!isNotFound(error)) this.options.logger.debug('cannot read the node for the lease owner', { error });
      return lease;
    }
  }

  /** True once updated; on conflict re-reads and tries again, up to upstream's 5 attempts. */
  private async retryUpdate(base: Lease, signal: AbortSignal): Promise<boolean> {
    let current = base;
    for (let attempt = 0; attempt < MAX_UPDATE_RETRIES && !signal.aborted; attempt++) {
      try {
        this.latest = await this.options.client.update<Lease>(Leases, await this.withOwner(this.leaseFrom(current)));
        return true;
      } catch (error) {
        this.options.logger.debug('node lease update failed', { error, attempt });
        if (!isConflict(error) && !isNotFound(error)) continue;
        const ensured = await this.backoffEnsure(signal);
        if (ensured === undefined) return false;
        if (ensured.created) return true;
        current = ensured.lease;
      }
    }
    return false;
  }

  /** Gets the lease or creates it, retrying with back-off until one works or the signal aborts. */
  private async backoffEnsure(signal: AbortSignal): Promise<{ lease: Lease; created: boolean } | undefined> {
    let delay = ENSURE_FIRST_DELAY_MS;
    while (!signal.aborted) {
      try {
        return await this.ensure();
      } catch (error) {
        delay = Math.min(2 * delay, ENSURE_MAX_DELAY_MS);
        this.options.logger.warn('cannot ensure the node lease exists; retrying', { error, retryInMs: delay });
        await sleep(delay, signal);
      }
    }
    return undefined;
  }

  private async ensure(): Promise<{ lease: Lease; created: boolean }> {
    const { client, nodeName } = this.options;
    try {
      const lease = await client.get<Lease>(Leases, nodeName, this.namespace);
      this.latest = lease;
      return { lease, created: false };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const lease = await client.create<Lease>(Leases, await this.withOwner(this.leaseFrom(undefined)));
    this.latest = lease;
    return { lease, created: true };
  }
}
