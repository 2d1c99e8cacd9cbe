// Watches: history replay then live events without gaps or duplicates, prevKv, filters, key
// ranges, the shape of delete events, fan-out to several watchers, and ending by abort.
import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../../src/supercache/backend.js';
import { ALL_FROM_KEY } from '../../../src/supercache/key-range.js';
import { AsyncReader } from '../../support/async-reader.js';
import { TimeoutError } from '../../support/wait.js';
import { bytes, plain, type ConformanceFixture, type TestScope } from './fixture.js';

/** A key written last in a test: the next event must be it, which proves nothing came in between. */
async function expectNextIsSentinel(s: TestScope, reader: AsyncReader<WatchEvent>, name = 'zz-sentinel'): Promise<void> {
  const put = await s.put(name, 'end');
  expect(s.describe(await reader.next())).toBe(`put ${name}=end@${put.revision}`);
}

export function watchConformance(fixture: ConformanceFixture): void {
  describe('watch', () => {
    it('replays history from startRevision, then continues live with no gap and no duplicate', async () => {
      const s = fixture.scope();
      const r1 = (await s.put('a', '1')).revision;
      await s.put('b', '1');
      await s.put('a', '2');
      const reader = s.watch({ ...s.range(), startRevision: r1 });
      expect(await s.events(reader, 3)).toEqual([`put a=1@${r1}`, `put b=1@${r1 + 1}`, `put a=2@${r1 + 2}`]);
      await s.backend.delete({ key: s.key('b') });
      await s.put('c', '1');
      expect(await s.events(reader, 2)).toEqual([`delete b@${r1 + 3}`, `put c=1@${r1 + 4}`]);
      await expectNextIsSentinel(s, reader);
    });

    it('starts exactly at startRevision in the middle of the history', async () => {
      const s = fixture.scope();
      const r1 = (await s.put('a', '1')).revision;
      await s.put('a', '2');
      await s.put('a', '3');
      const reader = s.watch({ key: s.key('a'), startRevision: r1 + 1 });
      expect(await s.events(reader, 2)).toEqual([`put a=2@${r1 + 1}`, `put a=3@${r1 + 2}`]);
      await s.put('a', '4');
      const event = await reader.next();
      expect(plain(event.type === 'progress' ? undefined : event.kv)).toEqual({
        key: s.key('a'),
        value: '4',
        createRevision: r1,
        modRevision: r1 + 3,
        version: 4,
        lease: '0',
      });
    });

    it('a start revision in the future waits for it', async () => {
      const s = fixture.scope();
      const head = await s.head();
      const reader = s.watch({ ...s.range(), startRevision: head + 3 });
      await s.put('a', '1');
      await s.put('a', '2');
      await s.put('a', '3');
      expect(await s.events(reader, 1)).toEqual([`put a=3@${head + 3}`]);
    });

    it('without startRevision delivers only events after the watch began', async () => {
      const s = fixture.scope();
      await s.put('before', 'x');
      const reader = s.watch(s.range());
      // The watch is established asynchronously: write until one of these writes arrives.
      let first: WatchEvent | undefined;
      for (let attempt = 0; attempt < 50 && first === undefined; attempt++) {
        await s.put(`after-${String(attempt).padStart(2, '0')}`, 'y');
        first = await reader.next(200).catch((error: unknown) => {
          if (error instanceof TimeoutError) return undefined;
          throw error;
        });
      }
      expect(first === undefined ? 'nothing' : s.describe(first)).toMatch(/^put after-\d\d=y@\d+$/);
    });

    it('delete events carry the key, the deleting revision, version 0 and nothing else', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      const created = await s.put('a', 'value', { lease: lease.id });
      const reader = s.watch({ key: s.key('a'), startRevision: created.revision + 1 });
      const deleted = await s.backend.delete({ key: s.key('a') });
      const event = await reader.next();
      expect(event.type).toBe('delete');
      expect(event.type === 'progress' ? undefined : plain(event.kv)).toEqual({
        key: s.key('a'),
        value: '',
        createRevision: 0,
        modRevision: deleted.revision,
        version: 0,
        lease: '0',
      });
      expect(event.type === 'progress' ? 'progress' : event.prevKv).toBeUndefined();
    });

    it('prevKv gives the previous value on updates and deletes, and none on creation', async () => {
      const s = fixture.scope();
      const head = await s.head();
      const reader = s.watch({ ...s.range(), startRevision: head + 1, prevKv: true });
      const created = await s.put('a', '1');
      const updated = await s.put('a', '2');
      await s.backend.delete({ key: s.key('a') });
      const [onCreate, onUpdate, onDelete] = await reader.take(3);
      expect(onCreate?.type === 'put' ? onCreate.prevKv : 'not a put').toBeUndefined();
      expect(onUpdate?.type === 'put' ? plain(onUpdate.prevKv) : 'not a put').toEqual({
        key: s.key('a'),
        value: '1',
        createRevision: created.revision,
        modRevision: created.revision,
        version: 1,
        lease: '0',
      });
      expect(onDelete?.type === 'delete' ? plain(onDelete.prevKv) : 'not a delete').toEqual({
        key: s.key('a'),
        value: '2',
        createRevision: created.revision,
        modRevision: updated.revision,
        version: 2,
        lease: '0',
      });
    });

    it('without prevKv, events carry no previous value', async () => {
      const s = fixture.scope();
      const first = await s.put('a', '1');
      await s.put('a', '2');
      await s.backend.delete({ key: s.key('a') });
      const reader = s.watch({ key: s.key('a'), startRevision: first.revision });
      const events = await reader.take(3);
      expect(events.map((event) => (event.type === 'progress' ? 'progress' : event.prevKv))).toEqual([undefined, undefined, undefined]);
    });

    it('noPut delivers only deletes, noDelete only puts', async () => {
      const s = fixture.scope();
      const head = await s.head();
      const deletes = s.watch({ ...s.range(), startRevision: head + 1, noPut: true });
      const puts = s.watch({ ...s.range(), startRevision: head + 1, noDelete: true });
      await s.put('a', '1');
      await s.put('a', '2');
      await s.backend.delete({ key: s.key('a') });
      await s.put('b', '1');
      await s.backend.delete({ key: s.key('b') });
      expect(await s.events(deletes, 2)).toEqual([`delete a@${head + 3}`, `delete b@${head + 5}`]);
      expect(await s.events(puts, 3)).toEqual([`put a=1@${head + 1}`, `put a=2@${head + 2}`, `put b=1@${head + 4}`]);
    });

    it('delivers only keys in the watched range', async () => {
      const s = fixture.scope();
      const base = s.prefix.slice(0, -1);
      const head = await s.head();
      const single = s.watch({ key: s.key('b'), startRevision: head + 1 });
      const halfOpen = s.watch({ key: s.key('b'), rangeEnd: s.key('c'), startRevision: head + 1 });
      const fromKey = s.watch({ key: `${base}0`, rangeEnd: ALL_FROM_KEY, startRevision: head + 1 });
      for (const name of ['a', 'b', 'ba', 'c']) await s.put(name, 'x');
      await s.backend.put(`${base}0`, bytes('x'));
      expect(await s.events(single, 1)).toEqual([`put b=x@${head + 2}`]);
      expect(await s.events(halfOpen, 2)).toEqual([`put b=x@${head + 2}`, `put ba=x@${head + 3}`]);
      expect(await s.events(fromKey, 1)).toEqual([`put ${base}0=x@${head + 5}`]);
      // The next event of the single-key and half-open watches is the sentinel: nothing else leaked in.
      const sentinel = await s.put('b', 'end');
      expect(await s.events(single, 1)).toEqual([`put b=end@${sentinel.revision}`]);
      expect(await s.events(halfOpen, 1)).toEqual([`put b=end@${sentinel.revision}`]);
    });

    it('events of one txn share its revision, in the order of the ops; a range delete gives one event per key', async () => {
      const s = fixture.scope();
      await s.put('x', '1');
      const head = (await s.put('y', '1')).revision;
      const reader = s.watch({ ...s.range(), startRevision: head + 1 });
      await s.backend.txn({
        compare: [],
        success: [
          { type: 'put', key: s.key('b'), value: bytes('1') },
          { type: 'put', key: s.key('a'), value: bytes('1') },
        ],
        failure: [],
      });
      await s.backend.delete({ key: s.key('x'), rangeEnd: s.key('z') });
      expect(await s.events(reader, 4)).toEqual([`put b=1@${head + 1}`, `put a=1@${head + 1}`, `delete x@${head + 2}`, `delete y@${head + 2}`]);
    });

    it('several watchers of one range get the same events', async () => {
      const s = fixture.scope();
      const head = await s.head();
      const readers = [1, 2, 3].map(() => s.watch({ ...s.range(), startRevision: head + 1 }));
      await s.put('a', '1');
      await s.put('b', '1');
      await s.backend.delete({ key: s.key('a') });
      const expected = [`put a=1@${head + 1}`, `put b=1@${head + 2}`, `delete a@${head + 3}`];
      for (const reader of readers) expect(await s.events(reader, 3)).toEqual(expected);
    });

    it('aborting the signal ends the iterator, also while a read is waiting', async () => {
      const s = fixture.scope();
      const head = (await s.put('a', '1')).revision;
      const controller = new AbortController();
      const reader = new AsyncReader(s.backend.watch({ ...s.range(), startRevision: head, signal: controller.signal }));
      expect(s.describe(await reader.next())).toBe(`put a=1@${head}`);
      const waiting = reader.ended();
      controller.abort();
      await waiting;
      await s.put('b', '1');
      await reader.ended();
    });

    it('a watch whose signal is already aborted ends at once', async () => {
      const s = fixture.scope();
      const head = (await s.put('a', '1')).revision;
      const reader = new AsyncReader(s.backend.watch({ ...s.range(), startRevision: head, signal: AbortSignal.abort() }));
      await reader.ended();
    });

    it('breaking out of for-await ends the watch', async () => {
      const s = fixture.scope();
      const head = (await s.put('a', '1')).revision;
      await s.put('b', '1');
      const iterable = s.backend.watch({ ...s.range(), startRevision: head });
      const seen: string[] = [];
      for await (const event of iterable) {
        seen.push(s.describe(event));
        break;
      }
      expect(seen).toEqual([`put a=1@${head}`]);
      // A fresh watch still works after the first one was closed.
      const reader = s.watch({ ...s.range(), startRevision: head });
      expect(await s.events(reader, 2)).toEqual([`put a=1@${head}`, `put b=1@${head + 1}`]);
    });
  });
}
