// Zones and disruption (upstream handleDisruption and the zone NoExecute tainters): nodes are
// grouped by region and zone labels; each zone taints its unreachable nodes at a limited rate,
// slower (or not at all, in small clusters) when a large share of the zone is down, and when every
// node of every zone is down the controller assumes the fault is its own (it cannot see the
// nodes) and taints nothing at all ("master disruption mode") instead of evicting every pod.
import type { Node } from 'kubernetes-types/core/v1.js';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

const LABEL_ZONE = 'topology.kubernetes.io/zone';
const LABEL_REGION = 'topology.kubernetes.io/region';
const LABEL_BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const LABEL_BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
/** Nodes with this label are left out of the zone health counts. */
export const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

/** Upstream GetZoneKey: "region:\0:zone", or "" for a node without either label. */
export function zoneKey(node: Readonly<Node>): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels[LABEL_REGION] ?? labels[LABEL_BETA_REGION] ?? '';
  const zone = labels[LABEL_ZONE] ?? labels[LABEL_BETA_ZONE] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

export interface DisruptionOptions {
  /** Nodes tainted per second in a healthy zone (upstream --node-eviction-rate, 0.1). */
  readonly evictionQps: number;
  /** In a partly disrupted zone of a large cluster (--secondary-node-eviction-rate, 0.01). */
  readonly secondaryEvictionQps: number;
  /** At most this many nodes is a small cluster, where a partly disrupted zone stops tainting (50). */
  readonly largeClusterThreshold: number;
  /** The share of not-ready nodes (with more than 2) that makes a zone partly disrupted (0.55). */
  readonly unhealthyZoneThreshold: number;
}

/** A token bucket of burst 1 (upstream's NewTokenBucketRateLimiter(qps, 1)); qps 0 never admits. */
export class TokenBucket {
  private tokens = 1;
  private at: number | undefined;

  constructor(readonly qps: number) {}

  tryAccept(nowMs: number): boolean {
    if (this.qps <= 0) return false;
    if (this.at !== undefined) this.tokens = Math.min(1, this.tokens + ((nowMs - this.at) * this.qps) / 1000);
    this.at = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export function computeZoneState(readyStatuses: readonly string[], unhealthyThreshold: number): { notReady: number; state: ZoneState } {
  const ready = readyStatuses.filter((s) => s === 'True').length;
  const notReady = readyStatuses.length - ready;
  if (ready === 0 && notReady > 0) return { notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / readyStatuses.length >= unhealthyThreshold) return { notReady, state: 'PartialDisruption' };
  return { notReady, state: 'Normal' };
}

export interface DisruptionOutcome {
  /** Entered master disruption mode in this pass: every node's NoExecute taints must go. */
  readonly enteredFullDisruption: boolean;
  /** Left it in this pass: every node gets a fresh grace period. */
  readonly exitedFullDisruption: boolean;
}

export class DisruptionTracker {
  private readonly states = new Map<string, ZoneState>();
  private readonly limiters = new Map<string, TokenBucket>();

  constructor(private readonly options: DisruptionOptions) {}

  /** True while every zone is fully disrupted: no tainting at all. */
  get allFullyDisrupted(): boolean {
    return this.states.size > 0 && [...this.states.values()].every((s) => s === 'FullDisruption');
  }

  stateOf(zone: string): ZoneState | undefined {
    return this.states.get(zone);
  }

  /** May a node of this zone be tainted NoExecute now? Spends a token when it may. */
  admit(zone: string, nowMs: number): boolean {
    if (this.allFullyDisrupted) return false;
    let limiter = this.limiters.get(zone);
    if (limiter === undefined) {
      limiter = new TokenBucket(this.options.evictionQps);
      this.limiters.set(zone, limiter);
    }
    return limiter.tryAccept(nowMs);
  }

  /** One pass over the Ready statuses of every (not excluded) node, by zone. */
  update(zones: ReadonlyMap<string, readonly string[]>): DisruptionOutcome {
    const next = new Map<string, ZoneState>();
    let allAre = true;
    for (const [zone, statuses] of zones) {
      const { state } = computeZoneState(statuses, this.options.unhealthyZoneThreshold);
      if (state !== 'FullDisruption') allAre = false;
      next.set(zone, state);
      if (!this.states.has(zone)) this.states.set(zone, 'Initial');
    }
    let allWere = true;
    for (const [zone, state] of [...this.states]) {
      if (!zones.has(zone)) {
        this.states.delete(zone);
        this.limiters.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') allWere = false;
    }
    if (allAre && allWere) return { enteredFullDisruption: false, exitedFullDisruption: false };
    if (allAre) {
      for (const zone of this.states.keys()) this.states.set(zone, 'FullDisruption');
      return { enteredFullDisruption: true, exitedFullDisruption: false };
    }
    for (const [zone, state] of next) {
      if (this.states.get(zone) === state && !allWere) continue;
      this.states.set(zone, state);
      this.limiters.set(zone, new TokenBucket(this.qpsFor(state, zones.get(zone)?.length ?? 0)));
    }
    return { enteredFullDisruption: false, exitedFullDisruption: allWere };
  }

  // Upstream setLimiterInZone with ReducedQPSFunc (by the zone's size) and HealthyQPSFunc.
  private qpsFor(state: ZoneState, zoneSize: number): number {
    if (state === 'PartialDisruption') return zoneSize <= this.options.largeClusterThreshold ? 0 : this.options.secondaryEvictionQps;
    return this.options.evictionQps;
  }
}
