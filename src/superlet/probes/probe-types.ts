// What one probe run says, in the kubelet's terms (pkg/probe): success, a warning that still
// counts as success, failure, or unknown (the probe itself broke: then `error` says why).

export type ProbeOutcomeResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeOutcomeResult;
  /** The probe's output: the exec command's stdout+stderr, the HTTP body or failure text, the dial error. */
  output: string;
  /** Why the probe could not run (result 'unknown'); the kubelet words it "... probe errored: <error>". */
  error?: string;
}

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** The kubelet caps what it keeps of a probe's output at 10 KiB. */
export const MAX_OUTPUT_BYTES = 10 * 1024;

export function truncateOutput(data: Buffer): string {
  return data.subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
}

/** host:port as Go's net.JoinHostPort writes it (IPv6 in brackets). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A Node socket error in the words Go's net package uses, which kubelet messages carry. */
export function goNetError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connect: connection refused';
    case 'EHOSTUNREACH':
      return 'connect: no route to host';
    case 'ENETUNREACH':
      return 'connect: network is unreachable';
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'ETIMEDOUT':
      return 'i/o timeout';
    case 'EADDRNOTAVAIL':
      return 'connect: cannot assign requested address';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
