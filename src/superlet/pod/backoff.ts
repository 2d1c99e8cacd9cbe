// Per-key exponential back-off, as client-go's flowcontrol.Backoff that the kubelet uses for
// CrashLoopBackOff and ImagePullBackOff: each failure doubles the wait up to a cap, and a key
// that has been quiet for twice the cap starts over.

export interface BackoffOptions {
  /** The first wait (kubelet: 10 s). */
  readonly initialMs: number;
  /** The cap (kubelet: 300 s). */
  readonly maxMs: number;
}

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: BackoffOptions) {}

  /** Records a failure at `now`: the next wait is twice the last (the first is initialMs). */
  next(key: string, now: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined || this.hasExpired(entry, now)) {
      this.entries.set(key, { delayMs: this.options.initialMs, lastUpdate: now });
      return;
    }
    entry.delayMs = Math.min(entry.delayMs * 2, this.options.maxMs);
    entry.lastUpdate = now;
  }

  /** The current wait for the key (0 when it has none). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** True while `now` is within the key's wait counted from `since` (e.g. when the container exited). */
  isInBackOffSince(key: string, since: number, now: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined || this.hasExpired(entry, now)) return false;
    return now - since < entry.delayMs;
  }

  /** How long until the wait counted from `since` ends (0 when it already has). */
  remainingSince(key: string, since: number, now: number): number {
    const entry = this.entries.get(key);
    if (entry === undefined) return 0;
    return Math.max(0, since + entry.delayMs - now);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key that starts with the prefix (a pod that went away). */
  resetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private hasExpired(entry: Entry, now: number): boolean {
    return now - entry.lastUpdate > 2 * this.options.maxMs;
  }
}
