// Whether a toleration tolerates a taint (upstream v1helper.ToleratesTaint): shared by the
// scheduler's filters and the node lifecycle controller's evictions.
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

export function toleratesTaint(toleration: Readonly<Toleration>, taint: Readonly<Taint>): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  // An empty key with Exists tolerates every key.
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerated(tolerations: readonly Readonly<Toleration>[] | undefined, taint: Readonly<Taint>): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

