// Small statistics and formatting helpers for the pod startup benchmark.

/** The q-quantile (0..1) of the values, nearest-rank on a sorted copy; NaN when there are none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The median of the finite values (the mean of the middle two for an even count); NaN when none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? (finite[mid] ?? Number.NaN) : ((finite[mid - 1] ?? 0) + (finite[mid] ?? 0)) / 2;
}

export const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');

/** Milliseconds since the epoch with sub-millisecond precision, on the clock Docker's timestamps use. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A Docker timestamp (RFC 3339 with nanoseconds, e.g. 2024-05-01T10:00:00.123456789Z) in epoch
 * milliseconds, keeping the microseconds Date.parse would drop; NaN for Docker's zero time.
 */
export function dockerTime(text: string | undefined): number {
  if (text === undefined || text.startsWith('0001-')) return Number.NaN;
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (match === null) return Date.parse(text);
  const whole = Date.parse(`${match[1]}${match[3]}`);
  const fraction = match[2] === undefined ? 0 : Number(`0.${match[2]}`) * 1000;
  return whole + fraction;
}

export const pause = (msToWait: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msToWait));
