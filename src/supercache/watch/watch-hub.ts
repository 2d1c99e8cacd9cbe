// Watch fan-out from memory. Committed events are published once and pushed into each matching
// watcher's bounded queue; nothing polls. A watcher that starts in the past first replays history
// (paced by its consumer) while live events wait in a bounded buffer, then joins the live stream.
import type { KeyValue, WatchEvent, WatchOptions } from '../backend.js';
import { CompactedError, WatchOverflowError } from '../errors.js';
import { keyInRange } from '../key-range.js';
import { EventQueue } from '../../util/event-queue.js';

/** A committed change, as the engine publishes it (prevKv always filled when the key existed). */
export interface StoreEvent {
  readonly type: 'put' | 'delete';
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface HistoryPage {
  readonly events: StoreEvent[];
  /** Opaque position to continue after; undefined when the history up to `to` is exhausted. */
  readonly next: number | undefined;
}

/** Where a watcher that starts in the past reads the events it missed. */
export interface HistorySource {
  /** Events with `from <= revision <= to`, after position `after`; prevKv only when asked. */
  history(from: number, to: number, after: number, withPrevKv: boolean): HistoryPage;
  compactRevision(): number;
  headRevision(): number;
}

interface Watcher {
  readonly options: WatchOptions;
  readonly queue: EventQueue<WatchEvent>;
  /** Live events that arrived while history was replaying; undefined once live. */
  pending: StoreEvent[] | undefined;
}

const eventRevision = (event: WatchEvent): number =>
  event.type === 'progress' ? event.revision : event.kv.modRevision;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly source: HistorySource,
    private readonly backlogLimit: number,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    const queue: EventQueue<WatchEvent> = new EventQueue<WatchEvent>(
      this.backlogLimit,
      (oldest) => new WatchOverflowError(eventRevision(oldest)),
      () => this.watchers.delete(watcher),
    );
    const watcher: Watcher = { options, queue, pending: undefined };
    if (options.signal?.aborted) {
      queue.end();
      return queue;
    }
    options.signal?.addEventListener('abort', () => queue.end(), { once: true });

    const head = this.source.headRevision();
    const start = options.startRevision ?? 0;
    if (start > 0 && start < this.source.compactRevision()) {
      queue.fail(new CompactedError(this.source.compactRevision()));
      return queue;
    }
    this.watchers.add(watcher);
    if (start > 0 && start <= head) {
      watcher.pending = [];
      void this.replay(watcher, start, head);
    }
    return queue;
  }

  publish(events: readonly StoreEvent[]): void {
    for (const watcher of this.watchers) {
      if (watcher.pending !== undefined) {
        for (const event of events) {
          if (keyInRange(event.kv.key, watcher.options)) watcher.pending.push(event);
        }
        if (watcher.pending.length > this.backlogLimit) {
          const oldest = watcher.pending[0];
          watcher.queue.fail(new WatchOverflowError(oldest?.kv.modRevision ?? 0));
        }
        continue;
      }
      for (const event of events) deliver(watcher, event);
    }
  }

  /** Tells idle watchers that asked for it how far the store has come (etcd's progress notify). */
  notifyProgress(revision: number): void {
    for (const watcher of this.watchers) {
      if (watcher.options.progressNotify && watcher.pending === undefined && watcher.queue.backlog === 0) {
        watcher.queue.push({ type: 'progress', revision });
      }
    }
  }

  closeAll(error?: unknown): void {
    for (const watcher of [...this.watchers]) {
      if (error === undefined) watcher.queue.end();
      else watcher.queue.fail(error);
    }
  }

  private async replay(watcher: Watcher, from: number, to: number): Promise<void> {
    const { queue, options } = watcher;
    let after = 0;
    let nextRevision = from;
    const room = Math.max(1, this.backlogLimit >> 1);
    for (;;) {
      if (nextRevision < this.source.compactRevision()) {
        queue.fail(new CompactedError(this.source.compactRevision()));
        return;
      }
      const page = this.source.history(from, to, after, options.prevKv === true);
      for (const event of page.events) {
        // Replay at the consumer's pace: history is on disk, only live events must be buffered.
        if (queue.backlog >= room) await queue.whenBelow(room);
        if (queue.closed) return;
        nextRevision = event.kv.modRevision;
        deliver(watcher, event);
      }
      if (page.next === undefined) break;
      after = page.next;
    }
    // Join the live stream: everything published since registration is newer than `to`.
    const pending = watcher.pending ?? [];
    watcher.pending = undefined;
    for (const event of pending) deliver(watcher, event);
  }
}

function deliver(watcher: Watcher, event: StoreEvent): void {
  const { options } = watcher;
  if (!keyInRange(event.kv.key, options)) return;
  if (event.kv.modRevision < (options.startRevision ?? 0)) return;
  if (event.type === 'put' ? options.noPut : options.noDelete) return;
  const { prevKv, ...rest } = event;
  watcher.queue.push(options.prevKv === true && prevKv !== undefined ? { ...rest, prevKv } : rest);
}
