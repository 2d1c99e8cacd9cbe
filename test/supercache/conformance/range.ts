// Reads: prefix, from-key and half-open ranges, limit/more/count, keysOnly, countOnly, and reads
// at past and future revisions.
import { describe, expect, it } from 'vitest';
import { ALL_FROM_KEY } from '../../../src/supercache/key-range.js';
import { expectStoreError, plain, type ConformanceFixture } from './fixture.js';

export function rangeConformance(fixture: ConformanceFixture): void {
  describe('range', () => {
    it('a prefix range returns exactly the keys with the prefix, in key order', async () => {
      const s = fixture.scope();
      for (const name of ['b', 'a/2', 'c', 'a/1']) await s.put(name, name);
      // Neighbours just outside the prefix: the prefix without its '/', and the prefix's successor.
      const outsideBefore = s.prefix.slice(0, -1);
      const outsideAfter = `${s.prefix.slice(0, -1)}0`;
      await s.backend.put(outsideBefore, Buffer.from('out'));
      await s.backend.put(outsideAfter, Buffer.from('out'));
      const result = await s.backend.range(s.range());
      expect(result.kvs.map((kv) => s.name(kv.key))).toEqual(['a/1', 'a/2', 'b', 'c']);
      expect(result.count).toBe(4);
      expect(result.more).toBe(false);
    });

    it("rangeEnd '\\0' reads every key from the key on", async () => {
      const s = fixture.scope();
      const base = s.prefix.slice(0, -1);
      // base+'0' sorts after every key under base+'/', and no other test's key lies in between.
      for (const key of [`${base}/a`, `${base}/b`, `${base}0`]) await s.backend.put(key, Buffer.from('x'));
      const result = await s.backend.range({ key: `${base}/b`, rangeEnd: ALL_FROM_KEY, limit: 2 });
      expect(result.kvs.map((kv) => kv.key)).toEqual([`${base}/b`, `${base}0`]);
      expect(result.count).toBeGreaterThanOrEqual(2);
      expect(result.more).toBe(result.count > 2);
      const all = await s.backend.range({ key: ALL_FROM_KEY, rangeEnd: ALL_FROM_KEY, keysOnly: true });
      expect(all.kvs.map((kv) => kv.key)).toEqual(expect.arrayContaining([`${base}/a`, `${base}/b`, `${base}0`]));
      expect(all.count).toBe(all.kvs.length);
    });

    it('[key, rangeEnd) includes key and excludes rangeEnd', async () => {
      const s = fixture.scope();
      for (const name of ['a', 'b', 'ba', 'c']) await s.put(name, name);
      const result = await s.backend.range({ key: s.key('b'), rangeEnd: s.key('c') });
      expect(result.kvs.map((kv) => s.name(kv.key))).toEqual(['b', 'ba']);
      const empty = await s.backend.range({ key: s.key('c'), rangeEnd: s.key('c') });
      expect(empty.kvs).toEqual([]);
    });

    it('a single-key range does not match longer keys', async () => {
      const s = fixture.scope();
      await s.put('a', '1');
      await s.put('ab', '2');
      const result = await s.backend.range({ key: s.key('a') });
      expect(result.kvs.map((kv) => s.name(kv.key))).toEqual(['a']);
      expect(result.count).toBe(1);
    });

    it('a missing key gives no kvs, count 0 and the current revision', async () => {
      const s = fixture.scope();
      const put = await s.put('a', '1');
      const result = await s.backend.range({ key: s.key('missing') });
      expect(result).toEqual({ revision: put.revision, kvs: [], more: false, count: 0 });
    });

    it('limit returns the first keys, more = true, and count of all matches', async () => {
      const s = fixture.scope();
      for (const name of ['d', 'a', 'c', 'b', 'e']) await s.put(name, name);
      const limited = await s.backend.range({ ...s.range(), limit: 2 });
      expect(limited.kvs.map((kv) => s.name(kv.key))).toEqual(['a', 'b']);
      expect(limited.more).toBe(true);
      expect(limited.count).toBe(5);
      const exact = await s.backend.range({ ...s.range(), limit: 5 });
      expect(exact.kvs).toHaveLength(5);
      expect(exact.more).toBe(false);
      const unlimited = await s.backend.range({ ...s.range(), limit: 0 });
      expect(unlimited.kvs).toHaveLength(5);
      expect(unlimited.more).toBe(false);
      expect(unlimited.count).toBe(5);
    });

    it('keysOnly returns empty values and every other field', async () => {
      const s = fixture.scope();
      const put = await s.put('a', 'value');
      await s.put('a', 'value2');
      const result = await s.backend.range({ key: s.key('a'), keysOnly: true });
      expect(result.kvs.map(plain)).toEqual([
        { key: s.key('a'), value: '', createRevision: put.revision, modRevision: put.revision + 1, version: 2, lease: '0' },
      ]);
    });

    it('countOnly returns the count and no kvs (more is false even with a limit)', async () => {
      const s = fixture.scope();
      for (const name of ['a', 'b', 'c']) await s.put(name, name);
      const result = await s.backend.range({ ...s.range(), countOnly: true });
      expect(result.kvs).toEqual([]);
      expect(result.count).toBe(3);
      const limited = await s.backend.range({ ...s.range(), countOnly: true, limit: 1 });
      expect(limited.kvs).toEqual([]);
      expect(limited.count).toBe(3);
      expect(limited.more).toBe(false);
    });
  });

  describe('range at a revision', () => {
    it('sees the values of that revision and not later keys, and answers with the current revision', async () => {
      const s = fixture.scope();
      const r1 = (await s.put('a', 'a1')).revision;
      const r2 = (await s.put('b', 'b1')).revision;
      const r3 = (await s.put('a', 'a2')).revision;
      const r4 = (await s.backend.delete({ key: s.key('b') })).revision;
      const r5 = (await s.put('b', 'b2')).revision;
      expect(await s.contents(r1)).toEqual(['a=a1']);
      expect(await s.contents(r2)).toEqual(['a=a1', 'b=b1']);
      expect(await s.contents(r3)).toEqual(['a=a2', 'b=b1']);
      expect(await s.contents(r4)).toEqual(['a=a2']);
      expect(await s.contents(r5)).toEqual(['a=a2', 'b=b2']);
      expect(await s.contents(r1 - 1)).toEqual([]);
      // etcd answers a past read with the store's current revision, not the one asked for.
      const past = await s.backend.range({ key: s.key('a'), revision: r1 });
      expect(past.revision).toBe(r5);
      expect(plain(past.kvs[0])).toMatchObject({ createRevision: r1, modRevision: r1, version: 1 });
      expect(plain(await s.get('b', r2))).toMatchObject({ value: 'b1', createRevision: r2, version: 1 });
      expect(plain(await s.get('b', r5))).toMatchObject({ value: 'b2', createRevision: r5, version: 1 });
    });

    it('applies limit and count as of that revision', async () => {
      const s = fixture.scope();
      await s.put('a', '1');
      const r = (await s.put('b', '2')).revision;
      await s.put('c', '3');
      const result = await s.backend.range({ ...s.range(), revision: r, limit: 1 });
      expect(result.kvs.map((kv) => s.name(kv.key))).toEqual(['a']);
      expect(result.count).toBe(2);
      expect(result.more).toBe(true);
    });

    it('the current revision is readable; the next one is a FutureRevision error', async () => {
      const s = fixture.scope();
      const put = await s.put('a', '1');
      const now = await s.backend.range({ key: s.key('a'), revision: put.revision });
      expect(now.kvs).toHaveLength(1);
      await expectStoreError(() => s.backend.range({ key: s.key('a'), revision: put.revision + 1 }), 'FutureRevision');
      await expectStoreError(() => s.backend.range({ ...s.range(), revision: put.revision + 1000 }), 'FutureRevision');
    });
  });
}
