// The taints the node lifecycle controller owns, as pure functions: the NoExecute pair that says a
// node is unreachable or not ready (what evicts pods), and the NoSchedule taints derived from node
// conditions and spec.unschedulable (upstream TaintNodesByCondition), which keep new pods away.
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';

export const NOT_READY_NO_EXECUTE: Readonly<Taint> = { key: TAINT_NOT_READY, effect: 'NoExecute' };
export const UNREACHABLE_NO_EXECUTE: Readonly<Taint> = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };

/** Upstream nodeConditionToTaintKeyStatusMap: condition type → status → NoSchedule taint key. */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** Upstream MatchTaint: the same key and effect (the value is not part of a taint's identity). */
export function sameTaint(a: Readonly<Taint>, b: Readonly<Taint>): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function hasTaint(node: Readonly<Node>, taint: Readonly<Taint>): boolean {
  return (node.spec?.taints ?? []).some((t) => sameTaint(t, taint));
}

export function condition(node: Readonly<Node>, type: string): Readonly<NodeCondition> | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/**
 * doNoScheduleTaintingPass: what to add and remove so the node's condition NoSchedule taints (and
 * the unschedulable one) match its conditions. Taints of other keys are never touched.
 */
export function noScheduleTaintDiff(node: Readonly<Node>): { add: Taint[]; remove: Taint[] } {
  const wanted: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key !== undefined) wanted.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable === true) wanted.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  const owned = (node.spec?.taints ?? []).filter(
    (t) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)),
  );
  return {
    add: wanted.filter((w) => !owned.some((t) => sameTaint(t, w))),
    remove: owned.filter((t) => !wanted.some((w) => sameTaint(t, w))),
  };
}

/**
 * The node's taints after removing `remove` and adding `add` (an existing taint of the same key
 * and effect is replaced). Undefined when nothing changes.
 */
export function swappedTaints(current: readonly Readonly<Taint>[] | undefined, add: readonly Readonly<Taint>[], remove: readonly Readonly<Taint>[]): Taint[] | undefined {
  const before = [...(current ?? [])];
  let after = before.filter((t) => !remove.some((r) => sameTaint(r, t)));
  for (const taint of add) {
    const existing = after.find((t) => sameTaint(t, taint));
    if (existing !== undefined && (existing.value ?? '') === (taint.value ?? '')) continue;
    after = [...after.filter((t) => !sameTaint(t, taint)), { ...taint }];
  }
  const same = after.length === before.length && after.every((t, i) => before[i] === t);
  return same ? undefined : after;
}
