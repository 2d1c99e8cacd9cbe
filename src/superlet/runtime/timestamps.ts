// Log line times as the kubelet prints them: Go's RFC3339Nano in UTC, trailing zeros dropped.

/** A Date (millisecond precision) as RFC3339Nano in UTC. */
export function formatRfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z');
}
