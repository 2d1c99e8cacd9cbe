// The reading side of the crash test: watchers that record every event they are sent, and the checks
// that compare what the store kept after a crash with what was acknowledged and what was watched.
import type { Etcd3, IKeyValue, IWatchResponse } from 'etcd3';
import { connect, type Ack } from './crash-workload.js';

export interface HistoryEvent {
  readonly revision: number;
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly version: number;
}

export interface StoredKey {
  readonly value: string;
  readonly modRevision: number;
  readonly createRevision: number;
  readonly version: number;
}

const describeEvent = (e: HistoryEvent | undefined): string =>
  e === undefined ? 'nothing' : `${e.type} ${e.key} @${e.revision} (v${e.version}, ${e.value.slice(0, 24)})`;

/** A watch on a prefix that survives server restarts by resuming from the revision after the last event. */
export class PrefixWatch {
  readonly events: HistoryEvent[] = [];
  private readonly seenKeys = new Set<string>();
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private client: Etcd3 | undefined;

  constructor(readonly prefix: string) {}

  get lastRevision(): number {
    return this.events[this.events.length - 1]?.revision ?? 0;
  }

  /** Watches from `fromRevision` on (default: after the last event seen) on the server at `endpoint`. */
  async attach(endpoint: string, fromRevision = this.lastRevision + 1): Promise<void> {
    this.failure = undefined;
    const client = connect(endpoint);
    this.client = client;
    const watcher = await client.watch().prefix(this.prefix).startRevision(String(fromRevision)).create();
    watcher.on('data', (response: IWatchResponse) => {
      for (const event of response.events) {
        const kv = event.kv;
        this.events.push({
          revision: Number(kv.mod_revision),
          type: event.type === 'Put' ? 'put' : 'delete',
          key: kv.key.toString(),
          value: kv.value.toString(),
          createRevision: Number(kv.create_revision),
          version: Number(kv.version),
        });
        this.seenKeys.add(kv.key.toString());
      }
      this.wake?.();
    });
    // A watch the server cancels (e.g. for falling behind) is resumed at the next attach; the
    // events before the failure stay valid, so only waits that depend on it fail.
    watcher.on('error', (error: Error) => {
      if (this.client !== client) return;
      this.failure = error;
      this.wake?.();
    });
  }

  /** Closes the connection; events seen so far are kept. */
  detach(): void {
    const client = this.client;
    this.client = undefined;
    client?.close();
  }

  /** Resolves once an event for `key` has been seen. */
  async waitForKey(key: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.seenKeys.has(key)) {
      if (this.failure !== undefined) throw new Error(`watch on ${this.prefix} failed while waiting for ${key}`, { cause: this.failure });
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `watch on ${this.prefix} saw no event for ${key} within ${timeoutMs} ms (${this.events.length} events, last ${describeEvent(this.events[this.events.length - 1])})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/** Problems with the revision sequence: it must run 1, 2, ... head with every revision present once. */
export function revisionProblems(history: readonly HistoryEvent[], head: number): string[] {
  const problems: string[] = [];
  const keysInRevision = new Set<string>();
  let previous = 0;
  for (const [i, event] of history.entries()) {
    if (event.revision === previous) {
      if (keysInRevision.has(event.key)) problems.push(`revision ${event.revision} has ${event.key} twice (event ${i})`);
    } else if (event.revision === previous + 1) {
      keysInRevision.clear();
    } else {
      problems.push(`event ${i} jumps from revision ${previous} to ${event.revision}: ${describeEvent(event)}`);
      keysInRevision.clear();
    }
    keysInRevision.add(event.key);
    previous = event.revision;
  }
  if (previous !== head) problems.push(`history ends at revision ${previous}, the head is ${head}`);
  return problems.slice(0, 10);
}

/** Problems with acknowledged writes: each must be in the history, exactly, at its own revision. */
export function ackProblems(history: readonly HistoryEvent[], acks: readonly Ack[]): string[] {
  const problems: string[] = [];
  const byRevision = new Map<number, HistoryEvent[]>();
  for (const event of history) {
    const list = byRevision.get(event.revision) ?? [];
    list.push(event);
    byRevision.set(event.revision, list);
  }
  const owner = new Map<number, string>();
  for (const ack of acks) {
    const other = owner.get(ack.revision);
    if (other !== undefined) problems.push(`revision ${ack.revision} acknowledged twice: ${other} and ${ack.what}`);
    owner.set(ack.revision, ack.what);
    const events = byRevision.get(ack.revision) ?? [];
    const got = events.map((e) => `${e.type} ${e.key}${e.type === 'put' ? `=${e.value}` : ''}`).sort();
    const want = ack.ops.map((op) => `${op.type} ${op.key}${op.type === 'put' ? `=${op.value}` : ''}`).sort();
    if (got.join('\n') !== want.join('\n')) {
      problems.push(`${ack.what} was acknowledged at revision ${ack.revision}, which holds [${got.map((s) => s.slice(0, 60)).join('; ')}]`);
    }
  }
  return problems.slice(0, 10);
}

/** The state the history leads to: what a read at the head must return. */
export function replay(history: readonly HistoryEvent[]): Map<string, StoredKey> {
  const state = new Map<string, StoredKey>();
  for (const e of history) {
    if (e.type === 'delete') state.delete(e.key);
    else state.set(e.key, { value: e.value, modRevision: e.revision, createRevision: e.createRevision, version: e.version });
  }
  return state;
}

export function toStoredKeys(kvs: readonly IKeyValue[]): Map<string, StoredKey> {
  return new Map(
    kvs.map((kv) => [
      kv.key.toString(),
      {
        value: kv.value.toString(),
        modRevision: Number(kv.mod_revision),
        createRevision: Number(kv.create_revision),
        version: Number(kv.version),
      },
    ]),
  );
}

/** Problems with the current state: it must be what the history leads to, key for key. */
export function stateProblems(stored: ReadonlyMap<string, StoredKey>, expected: ReadonlyMap<string, StoredKey>): string[] {
  const problems: string[] = [];
  for (const [key, want] of expected) {
    const got = stored.get(key);
    if (got === undefined) problems.push(`${key} is missing; the history says ${JSON.stringify({ ...want, value: want.value.slice(0, 24) })}`);
    else if (got.value !== want.value || got.modRevision !== want.modRevision || got.createRevision !== want.createRevision || got.version !== want.version) {
      problems.push(`${key} is ${JSON.stringify({ ...got, value: got.value.slice(0, 24) })}, the history says ${JSON.stringify({ ...want, value: want.value.slice(0, 24) })}`);
    }
  }
  for (const key of stored.keys()) if (!expected.has(key)) problems.push(`${key} exists but the history deleted it or never wrote it`);
  return problems.slice(0, 10);
}

/** Where a watcher's events first differ from the part of the full history it should have seen. */
export function watchDifference(seen: readonly HistoryEvent[], history: readonly HistoryEvent[], prefix: string): string | undefined {
  const expected = history.filter((e) => e.key.startsWith(prefix));
  const same = (a: HistoryEvent, b: HistoryEvent): boolean =>
    a.revision === b.revision && a.type === b.type && a.key === b.key && a.value === b.value && a.version === b.version;
  const length = Math.max(seen.length, expected.length);
  for (let i = 0; i < length; i++) {
    const a = seen[i];
    const b = expected[i];
    if (a === undefined || b === undefined || !same(a, b)) {
      return `watch on ${prefix}: event ${i} is ${describeEvent(a)}, the history has ${describeEvent(b)} (seen ${seen.length}, history ${expected.length})`;
    }
  }
  return undefined;
}
