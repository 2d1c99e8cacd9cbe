// maxSurge and maxUnavailable as numbers of pods (upstream's intstr.GetScaledValueFromIntOrPercent
// and deploymentutil.ResolveFenceposts): a percentage of spec.replicas, surge rounded up and
// unavailable rounded down, so that "25%" of 5 lets 2 extra pods in but only 1 pod out.
import type { Deployment } from 'kubernetes-types/apps/v1.js';

export type IntOrString = number | string;

export class IntOrStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntOrStringError';
  }
}

/** An int as is, a "N%" string as N% of total (rounded up or down); anything else throws. */
export function scaledValueFromIntOrPercent(value: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) throw new IntOrStringError('nil value for IntOrString');
  if (typeof value === 'number') return value;
  if (!value.endsWith('%')) throw new IntOrStringError('invalid type: string is not a percentage');
  const digits = value.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) throw new IntOrStringError(`invalid value for IntOrString: invalid value "${value}"`);
  // Go computes float64(v) * float64(total) / 100 in that order; so does this.
  const scaled = (Number(digits) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * Surge and unavailability for `desired` replicas. Both may not be zero (the rollout could not
 * move); as upstream, when rounding makes both zero, one pod may be unavailable.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  const unavailable = scaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) return { surge, unavailable: 1 };
  return { surge, unavailable };
}

export function isRollingUpdate(d: Readonly<Deployment>): boolean {
  return d.spec?.strategy?.type === 'RollingUpdate';
}

export function desiredReplicas(d: Readonly<Deployment>): number {
  return d.spec?.replicas ?? 1;
}

function fenceposts(d: Readonly<Deployment>): { surge: number; unavailable: number } {
  const rolling = d.spec?.strategy?.rollingUpdate;
  try {
    return resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, desiredReplicas(d));
  } catch {
    // Validation refuses such values upstream; an unparsable one counts as zero, as there.
    return { surge: 0, unavailable: 0 };
  }
}

/** How many pods above spec.replicas a rolling update may run; 0 for Recreate. */
export function maxSurge(d: Readonly<Deployment>): number {
  if (!isRollingUpdate(d)) return 0;
  return fenceposts(d).surge;
}

/** How many of spec.replicas may be unavailable during a rolling update; 0 for Recreate. */
export function maxUnavailable(d: Readonly<Deployment>): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** The fewest available pods a rolling update keeps. */
export function minAvailable(d: Readonly<Deployment>): number {
  if (!isRollingUpdate(d)) return 0;
  return desiredReplicas(d) - maxUnavailable(d);
}
