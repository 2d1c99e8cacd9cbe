// Controller expectations, as upstream's ControllerExpectations and UIDTrackingControllerExpectations
// (pkg/controller/controller_utils.go). A controller that just asked the API server to create N
// pods must not count pods again before its informer has shown it those N creates: the cache lags
// the writes, and a sync run meanwhile would see too few pods and create them a second time. So a
// controller records what it expects (adds, dels) before acting, each informer event lowers the
// count, and syncs that would create or delete are skipped until the count reaches zero. If an
// event is lost the expectation expires after five minutes, so a controller can never sleep
// forever. Expectations live only in memory: a restarted controller starts with none and trusts
// its freshly listed caches, which already hold everything the previous instance wrote.
//
// Usable by every controller that creates or deletes what it owns (ReplicaSet, Job, DaemonSet...).
// Keys are the controller object's key ("namespace/name"); one instance per controller kind,
// since the keys of two kinds could collide.

/** How long unmet expectations hold a controller back (upstream ExpectationsTimeout). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

/** What one controlled object still waits to see. */
export interface ControlleeExpectations {
  readonly add: number;
  readonly del: number;
  /** When the expectations were set (ms since the epoch). */
  readonly timestamp: number;
}

export interface ControllerExpectationsOptions {
  /** The clock, for tests of expiry; default Date.now. */
  readonly now?: () => number;
  /** Default EXPECTATIONS_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

interface Entry {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(options: ControllerExpectationsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? EXPECTATIONS_TIMEOUT_MS;
  }

  getExpectations(key: string): ControlleeExpectations | undefined {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : { ...entry };
  }

  /**
   * True when the controller may sync (create or delete): no expectations recorded (a new or
   * restarted controller), all of them observed, or they expired because an event was lost.
   */
  satisfiedExpectations(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return true;
    if (entry.add <= 0 && entry.del <= 0) return true;
    return this.now() - entry.timestamp > this.timeoutMs;
  }

  /** Forgets the key (its object was deleted). */
  deleteExpectations(key: string): void {
    this.entries.delete(key);
  }

  /** Replaces whatever was expected before with these counts, timestamped now. */
  setExpectations(key: string, add: number, del: number): void {
    this.entries.set(key, { add, del, timestamp: this.now() });
  }

  expectCreations(key: string, adds: number): void {
    this.setExpectations(key, adds, 0);
  }

  expectDeletions(key: string, dels: number): void {
    this.setExpectations(key, 0, dels);
  }

  /** Raises the counts of existing expectations (none recorded: nothing to raise, as upstream). */
  raiseExpectations(key: string, add: number, del: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.add += add;
    entry.del += del;
  }

  lowerExpectations(key: string, add: number, del: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.add -= add;
    entry.del -= del;
  }

  /** The informer showed one of the expected creates (or a create was given up). */
  creationObserved(key: string): void {
    this.lowerExpectations(key, 1, 0);
  }

  /** The informer showed one of the expected deletes (or a delete was given up). */
  deletionObserved(key: string): void {
    this.lowerExpectations(key, 0, 1);
  }
}

/**
 * Expectations that also remember which objects are expected to go (upstream
 * UIDTrackingControllerExpectations; it tracks pod keys despite its name). A pod deleted
 * gracefully is seen twice, once when its deletionTimestamp is set and once when it is gone;
 * upstream counts the first as the deletion, and the set makes sure the second is not counted
 * again against a later expectation.
 */
export class UIDTrackingControllerExpectations extends ControllerExpectations {
  private readonly expectedDeletes = new Map<string, Set<string>>();

  getUIDs(key: string): ReadonlySet<string> | undefined {
    return this.expectedDeletes.get(key);
  }

  /** Expects the deletion of exactly these object keys ("namespace/name"). */
  expectDeletionsOf(key: string, deletedKeys: readonly string[]): void {
    const expected = new Set(deletedKeys);
    this.expectedDeletes.set(key, expected);
    this.expectDeletions(key, expected.size);
  }

  /** Counts a deletion only for an object that was expected to go, and only once. */
  deletionOf(key: string, deletedKey: string): void {
    const expected = this.expectedDeletes.get(key);
    if (expected === undefined || !expected.has(deletedKey)) return;
    expected.delete(deletedKey);
    this.deletionObserved(key);
  }

  override deleteExpectations(key: string): void {
    super.deleteExpectations(key);
    this.expectedDeletes.delete(key);
  }
}
