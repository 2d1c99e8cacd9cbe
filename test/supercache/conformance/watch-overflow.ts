// A watcher whose consumer stops reading is cut off with WatchOverflowError once its backlog passes
// the limit, and says where to resume; writers and other watchers are not held back, and a consumer
// that reads is never cut off, not even while it catches up on a history longer than the limit.
// Runs on its own backend, opened with a small backlog limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../../src/supercache/backend.js';
import { WatchOverflowError } from '../../../src/supercache/errors.js';
import { withTimeout } from '../../support/wait.js';
import { ConformanceFixture, type OpenBackend, type TestScope } from './fixture.js';

const BACKLOG_LIMIT = 50;
const WRITES = BACKLOG_LIMIT * 3;

const revisionOf = (event: WatchEvent): number => (event.type === 'progress' ? -event.revision : event.kv.modRevision);
const revisions = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

/** A consumer that reads `count` events from `startRevision` as fast as they come. */
class Collector {
  readonly first: Promise<void>;
  readonly events: Promise<WatchEvent[]>;
  private readonly controller = new AbortController();

  constructor(s: TestScope, count: number, startRevision: number) {
    let onFirst = (): void => {};
    this.first = new Promise((resolve) => {
      onFirst = resolve;
    });
    const run = async (): Promise<WatchEvent[]> => {
      const events: WatchEvent[] = [];
      for await (const event of s.backend.watch({ ...s.range(), startRevision, signal: this.controller.signal })) {
        events.push(event);
        onFirst();
        if (events.length === count) break;
      }
      return events;
    };
    this.events = withTimeout(run(), 20_000, `${count} events`).finally(() => this.controller.abort());
    // The test awaits `events`; a failure before that must not count as unhandled.
    void this.events.catch(() => undefined);
  }
}

async function writeMany(s: TestScope, count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) last = (await s.put(`k${String(i).padStart(4, '0')}`, String(i))).revision;
  return last;
}

export function watchOverflowConformance(open: OpenBackend): void {
  describe(`watch overflow (backlog limit ${BACKLOG_LIMIT})`, () => {
    const fixture = new ConformanceFixture(open, { watchBacklogLimit: BACKLOG_LIMIT });
    beforeAll(() => fixture.setUp());
    afterAll(() => fixture.tearDown());

    it('a consumer that keeps reading live events gets every one', async () => {
      const s = fixture.scope();
      const start = (await s.put('first', '0')).revision;
      const reader = new Collector(s, WRITES + 1, start);
      await withTimeout(reader.first, 10_000, 'the first event');
      const last = await writeMany(s, WRITES);
      expect((await reader.events).map(revisionOf)).toEqual(revisions(start, last - start + 1));
    });

    it('a consumer that keeps reading catches up on a history longer than the limit', async () => {
      const s = fixture.scope();
      const start = (await s.put('first', '0')).revision;
      const last = await writeMany(s, WRITES);
      const reader = new Collector(s, WRITES + 1, start);
      expect((await reader.events).map(revisionOf)).toEqual(revisions(start, last - start + 1));
    });

    it('a consumer that stops reading gets WatchOverflowError with the revision to resume from; others are unaffected', async () => {
      const s = fixture.scope();
      const start = (await s.put('first', '0')).revision;
      const slow = s.watch({ ...s.range(), startRevision: start });
      expect(s.describe(await slow.next())).toBe(`put first=0@${start}`);
      // A watcher that keeps up; once it has every event, the slow one has been sent them too.
      const fast = new Collector(s, WRITES + 1, start);
      await withTimeout(fast.first, 10_000, 'the first event of the fast watcher');
      const last = await writeMany(s, WRITES);
      expect((await fast.events).map(revisionOf)).toEqual(revisions(start, last - start + 1));

      // The slow watcher may hand over some buffered events first, but at most the limit.
      const delivered: number[] = [];
      let error: unknown;
      for (;;) {
        const result = await slow.result().catch((failure: unknown) => ({ failure }));
        if ('failure' in result) {
          error = result.failure;
          break;
        }
        if (result.done === true) break;
        delivered.push(revisionOf(result.value));
      }
      expect(error).toBeInstanceOf(WatchOverflowError);
      expect(delivered.length).toBeLessThanOrEqual(BACKLOG_LIMIT);
      expect(delivered).toEqual(revisions(start + 1, delivered.length));
      const nextRevision = (error as WatchOverflowError).nextRevision;
      expect(nextRevision).toBe((delivered.at(-1) ?? start) + 1);

      // Resuming from nextRevision yields the rest, with no gap.
      const rest = new Collector(s, last - nextRevision + 1, nextRevision);
      expect((await rest.events).map(revisionOf)).toEqual(revisions(nextRevision, last - nextRevision + 1));
    });
  });
}
