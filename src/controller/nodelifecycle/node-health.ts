// When a node was last heard from (upstream nodeHealthMap and tryUpdateNodeHealth), measured on
// this controller's own clock: a node is alive while its Ready condition's lastHeartbeatTime or its
// Lease's renewTime keeps *changing*; the values are never compared with our clock, so a node
// whose clock is off is judged fairly. A restarted controller has no history and gives every node
// a fresh grace period, as upstream does: it delays a verdict, never repeats an action.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { condition } from './taints.js';

/** The conditions the controller turns Unknown (not NetworkUnavailable: the control plane owns it). */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

interface Saved {
  /** The Ready condition as last seen (undefined: the node had none). */
  ready: Readonly<NodeCondition> | undefined;
  probeMs: number;
  readyTransitionMs: number;
  leaseRenewMs: number | undefined;
}

export interface HealthVerdict {
  /** The grace period the node is entitled to (startup grace while it never posted Ready). */
  readonly gracePeriodMs: number;
  /** When the node was last heard from, on the controller's clock. */
  readonly probeMs: number;
  /** True when that was longer ago than the grace period. */
  readonly stale: boolean;
}

export interface NodeHealthOptions {
  readonly gracePeriodMs: number;
  readonly startupGracePeriodMs: number;
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export class NodeHealthTracker {
  private readonly saved = new Map<string, Saved>();

  constructor(private readonly options: NodeHealthOptions) {}

  /** Updates what is known of the node from its latest object and lease; says whether it is stale. */
  observe(node: Readonly<Node>, lease: Readonly<Lease> | undefined, nowMs: number): HealthVerdict {
    const name = node.metadata?.name ?? '';
    const ready = condition(node, 'Ready');
    let saved = this.saved.get(name);
    let gracePeriodMs = this.options.gracePeriodMs;
    if (ready === undefined) {
      // Never posted: count from creation, with the (longer) startup grace.
      gracePeriodMs = this.options.startupGracePeriodMs;
      const created = parseTime(node.metadata?.creationTimestamp) ?? nowMs;
      if (saved === undefined) saved = { ready: undefined, probeMs: created, readyTransitionMs: created, leaseRenewMs: undefined };
      else saved = { ...saved, ready: undefined };
    } else if (saved === undefined || saved.ready === undefined) {
      saved = { ready, probeMs: nowMs, readyTransitionMs: nowMs, leaseRenewMs: saved?.leaseRenewMs };
    } else if (saved.ready.lastHeartbeatTime !== ready.lastHeartbeatTime) {
      const transitioned = saved.ready.lastTransitionTime !== ready.lastTransitionTime;
      saved = { ready, probeMs: nowMs, readyTransitionMs: transitioned ? nowMs : saved.readyTransitionMs, leaseRenewMs: saved.leaseRenewMs };
    }
    // A renewed lease is a heartbeat too (the kubelet's cheap one).
    const renew = parseTime(lease?.spec?.renewTime);
    if (renew !== undefined && (saved.leaseRenewMs === undefined || saved.leaseRenewMs < renew)) {
      saved = { ...saved, leaseRenewMs: renew, probeMs: nowMs };
    }
    this.saved.set(name, saved);
    return { gracePeriodMs, probeMs: saved.probeMs, stale: nowMs > saved.probeMs + gracePeriodMs };
  }

  /** After the controller itself wrote the node's status: remember it, so it is not mistaken for a heartbeat. */
  wrote(node: Readonly<Node>, nowMs: number): void {
    const saved = this.saved.get(node.metadata?.name ?? '');
    if (saved !== undefined) this.saved.set(node.metadata?.name ?? '', { ...saved, ready: condition(node, 'Ready'), readyTransitionMs: nowMs });
  }

  /** Leaving master disruption mode: every node gets a fresh grace period (upstream does the same). */
  resetProbes(nowMs: number): void {
    for (const [name, saved] of this.saved) this.saved.set(name, { ...saved, probeMs: nowMs, readyTransitionMs: nowMs });
  }

  forget(name: string): void {
    this.saved.delete(name);
  }
}

/**
 * The status conditions of a node nobody heard from within its grace period: Ready and the
 * pressure conditions become Unknown ("Kubelet stopped posting node status."), missing ones are
 * added ("Kubelet never posted node status."). Undefined when the Ready condition would not change.
 */
export function unknownConditions(node: Readonly<Node>, now: string): NodeCondition[] | undefined {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of MONITORED_CONDITIONS) {
    const existing = conditions.find((c) => c.type === type);
    if (existing === undefined) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        ...(node.metadata?.creationTimestamp === undefined ? {} : { lastHeartbeatTime: node.metadata.creationTimestamp }),
        lastTransitionTime: now,
      });
    } else if (existing.status !== 'Unknown') {
      existing.status = 'Unknown';
      existing.reason = 'NodeStatusUnknown';
      existing.message = 'Kubelet stopped posting node status.';
      existing.lastTransitionTime = now;
    }
  }
  // Upstream writes only when Ready itself changes; the pressure conditions ride along.
  const before = condition(node, 'Ready');
  const after = conditions.find((c) => c.type === 'Ready');
  const same = before !== undefined && JSON.stringify(before) === JSON.stringify(after);
  return same ? undefined : conditions;
}
