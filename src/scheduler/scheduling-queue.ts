// The queue of pods waiting for a node (upstream internal/queue PriorityQueue), in three parts:
// - active: ready to try now, highest priority first, then oldest;
// - back-off: failed recently, waiting 1 s, 2 s, 4 s ... up to 10 s before the next try;
// - unschedulable: fit no node; they wait until something changes (a node is added or updated, a
//   bound pod goes) or, at the latest, until they have waited maxUnschedulableMs.
// A pod popped for scheduling is "in flight" until done() or a requeue; a cluster change seen
// meanwhile sends it to back-off instead of unschedulable, so the change is not missed.
import { KeyedHeap } from './heap.js';

export interface QueuedPod {
  readonly key: string;
  uid: string;
  priority: number;
  /** When it last entered the active queue: orders pods of equal priority. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the last attempt failed; back-off counts from here. */
  lastFailure: number;
  /** When it entered the unschedulable pool. */
  unschedulableSince: number;
}

export interface PoppedPod {
  readonly pod: QueuedPod;
  /** The scheduling cycle this attempt belongs to. */
  readonly cycle: number;
}

export interface PodRef {
  readonly key: string;
  readonly uid: string;
  readonly priority: number;
}

export interface SchedulingQueueOptions {
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** The longest a pod stays unschedulable without a retry (upstream: 5 min; here 30 s). */
  readonly maxUnschedulableMs?: number;
  readonly now?: () => number;
}

interface InFlight {
  readonly pod: QueuedPod;
  readonly cycle: number;
  /** Updated (in a way that may change the answer) while in flight. */
  updated: boolean;
  deleted: boolean;
}

export class SchedulingQueue {
  private readonly active = new KeyedHeap<QueuedPod>({
    key: (p) => p.key,
    less: (a, b) => (a.priority !== b.priority ? a.priority > b.priority : a.timestamp < b.timestamp),
  });
  private readonly backoff = new KeyedHeap<QueuedPod>({
    key: (p) => p.key,
    less: (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
  });
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly inFlight = new Map<string, InFlight>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly now: () => number;

  constructor(options: SchedulingQueueOptions = {}) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = options.maxUnschedulableMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** A pod that needs a node; an already known one is updated instead. */
  add(ref: PodRef): void {
    if (this.isKnown(ref.key)) {
      this.update(ref, true);
      return;
    }
    const now = this.now();
    this.pushActive({ ...ref, timestamp: now, attempts: 0, lastFailure: 0, unschedulableSince: 0 });
  }

  /**
   * The pod changed. `relevant` says whether the change could alter where it fits (spec, labels),
   * as opposed to our own status writes: only a relevant change releases an unschedulable pod.
   */
  update(ref: PodRef, relevant: boolean): void {
    const flying = this.inFlight.get(ref.key);
    if (flying !== undefined) {
      flying.updated ||= relevant;
      return;
    }
    const queued = this.active.get(ref.key) ?? this.backoff.get(ref.key) ?? this.unschedulable.get(ref.key);
    if (queued === undefined) {
      this.add(ref);
      return;
    }
    queued.uid = ref.uid;
    queued.priority = ref.priority;
    if (this.active.has(ref.key)) this.active.push(queued);
    else if (this.backoff.has(ref.key)) this.backoff.push(queued);
    else if (relevant) {
      this.unschedulable.delete(ref.key);
      this.activateOrBackoff(queued);
    }
  }

  /** The pod is gone, or no longer ours to schedule. */
  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    const flying = this.inFlight.get(key);
    if (flying !== undefined) flying.deleted = true;
  }

  /** The next pod to schedule; waits for one. undefined once closed or aborted. */
  async pop(signal?: AbortSignal): Promise<PoppedPod | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted === true) return undefined;
      const pod = this.active.pop();
      if (pod !== undefined) {
        pod.attempts++;
        this.schedulingCycle++;
        this.inFlight.set(pod.key, { pod, cycle: this.schedulingCycle, updated: false, deleted: false });
        return { pod, cycle: this.schedulingCycle };
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /** The attempt ended and the pod needs nothing more (bound, or deleted). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** The pod fit no node: it waits for a cluster change, or for back-off if one came meanwhile. */
  requeueUnschedulable(key: string): void {
    const flying = this.takeInFlight(key);
    if (flying === undefined) return;
    const pod = flying.pod;
    pod.lastFailure = this.now();
    if (flying.updated || this.moveRequestCycle >= flying.cycle) {
      this.backoff.push(pod);
    } else {
      pod.unschedulableSince = pod.lastFailure;
      this.unschedulable.set(pod.key, pod);
    }
  }

  /** The attempt failed for another reason (an API error): retry after back-off. */
  requeueAfterError(key: string): void {
    const flying = this.takeInFlight(key);
    if (flying === undefined) return;
    flying.pod.lastFailure = this.now();
    this.backoff.push(flying.pod);
  }

  /** Something changed that may let unschedulable pods fit: retry them all. */
  moveAllToActiveOrBackoff(): void {
    this.moveRequestCycle = this.schedulingCycle;
    const pods = [...this.unschedulable.values()];
    this.unschedulable.clear();
    for (const pod of pods) this.activateOrBackoff(pod);
  }

  /** Moves pods whose back-off has passed to the active queue. */
  flushBackoffCompleted(): void {
    const now = this.now();
    for (let head = this.backoff.peek(); head !== undefined && this.backoffExpiry(head) <= now; head = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(head);
    }
  }

  /** Retries pods that have been unschedulable for maxUnschedulableMs. */
  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const pod of [...this.unschedulable.values()]) {
      if (now - pod.unschedulableSince < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(pod.key);
      this.activateOrBackoff(pod);
    }
  }

  /** Wakes every pop() with undefined. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  lengths(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  /** Where the pod is, for tests and logs. */
  whereIs(key: string): 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    return this.inFlight.has(key) ? 'inFlight' : undefined;
  }

  /** initial * 2^(attempts-1), at most max (upstream calculateBackoffDuration). */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d > this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(pod: QueuedPod): number {
    return pod.lastFailure + this.backoffDuration(pod.attempts);
  }

  private isKnown(key: string): boolean {
    return this.whereIs(key) !== undefined;
  }

  private takeInFlight(key: string): InFlight | undefined {
    const flying = this.inFlight.get(key);
    this.inFlight.delete(key);
    return flying === undefined || flying.deleted ? undefined : flying;
  }

  private activateOrBackoff(pod: QueuedPod): void {
    if (pod.attempts > 0 && this.backoffExpiry(pod) > this.now()) this.backoff.push(pod);
    else this.pushActive(pod);
  }

  private pushActive(pod: QueuedPod): void {
    pod.timestamp = this.now();
    this.active.push(pod);
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
