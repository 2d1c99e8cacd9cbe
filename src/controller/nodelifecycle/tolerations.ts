// Which NoExecute taints a pod tolerates, and for how long (upstream v1helper.GetMatchingTolerations
// and the taint manager's getMinTolerationTime), plus the tolerations the DefaultTolerationSeconds
// admission plugin gives every pod on kube-apiserver.
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { toleratesTaint } from '../../api/tolerations.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from './taints.js';

/**
 * The pod's tolerations plus, for each of not-ready and unreachable it does not tolerate already,
 * `key Exists NoExecute for seconds` (the DefaultTolerationSeconds plugin; upstream default 300).
 * Supernetes' API server does not add them at admission, so the taint manager applies them here.
 */
export function withDefaultTolerations(tolerations: readonly Readonly<Toleration>[] | undefined, seconds: number): Toleration[] {
  const result = [...(tolerations ?? [])];
  const covers = (key: string): boolean => result.some((t) => (t.key === key || (t.key ?? '') === '') && (t.effect === 'NoExecute' || (t.effect ?? '') === ''));
  for (const key of [TAINT_NOT_READY, TAINT_UNREACHABLE]) {
    if (!covers(key)) result.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  return result;
}

/** Whether every taint is tolerated, and the first toleration that tolerates each. */
export function matchingTolerations(taints: readonly Readonly<Taint>[], tolerations: readonly Readonly<Toleration>[]): { all: boolean; used: Toleration[] } {
  if (taints.length === 0) return { all: true, used: [] };
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (match === undefined) return { all: false, used: [] };
    used.push(match);
  }
  return { all: true, used };
}

/** The shortest tolerationSeconds among them in ms; -1 when they tolerate forever; 0 at once. */
export function minTolerationMs(used: readonly Readonly<Toleration>[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}
