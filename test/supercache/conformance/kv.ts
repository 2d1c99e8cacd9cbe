// Single-key writes: revisions, versions, prevKv, ignoreValue/ignoreLease, deletes, status.
import { describe, expect, it } from 'vitest';
import { NO_LEASE } from '../../../src/supercache/backend.js';
import { bytes, expectStoreError, plain, type ConformanceFixture } from './fixture.js';

export function kvConformance(fixture: ConformanceFixture): void {
  describe('put and get', () => {
    it('a new key has createRevision = modRevision = the put revision, version 1, no lease', async () => {
      const s = fixture.scope();
      const before = await s.head();
      const put = await s.put('a', 'one');
      expect(put.revision).toBe(before + 1);
      expect(put.prevKv).toBeUndefined();
      const result = await s.backend.range({ key: s.key('a') });
      expect(result.revision).toBe(put.revision);
      expect(result.count).toBe(1);
      expect(result.more).toBe(false);
      expect(result.kvs.map(plain)).toEqual([
        { key: s.key('a'), value: 'one', createRevision: put.revision, modRevision: put.revision, version: 1, lease: NO_LEASE },
      ]);
    });

    it('every write takes the next revision; updates bump modRevision and version and keep createRevision', async () => {
      const s = fixture.scope();
      const first = await s.put('a', 'v1');
      const second = await s.put('a', 'v2');
      const other = await s.put('b', 'x');
      const third = await s.put('a', 'v3');
      expect([second.revision, other.revision, third.revision]).toEqual([first.revision + 1, first.revision + 2, first.revision + 3]);
      expect(plain(await s.get('a'))).toEqual({
        key: s.key('a'),
        value: 'v3',
        createRevision: first.revision,
        modRevision: third.revision,
        version: 3,
        lease: NO_LEASE,
      });
    });

    it('a key deleted and put again starts over at version 1 with a new createRevision', async () => {
      const s = fixture.scope();
      await s.put('a', 'v1');
      await s.put('a', 'v2');
      const deleted = await s.backend.delete({ key: s.key('a') });
      expect(await s.get('a')).toBeUndefined();
      const again = await s.put('a', 'v3');
      expect(again.revision).toBe(deleted.revision + 1);
      expect(plain(await s.get('a'))).toMatchObject({ value: 'v3', createRevision: again.revision, modRevision: again.revision, version: 1 });
    });

    it('stores empty, binary and non-ASCII values byte for byte', async () => {
      const s = fixture.scope();
      const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await s.backend.put(s.key('empty'), Buffer.alloc(0));
      await s.backend.put(s.key('binary'), binary);
      await s.backend.put(s.key('ключ/名前'), bytes('значение ✓'));
      const empty = await s.get('empty');
      expect(empty?.value.length).toBe(0);
      expect(empty?.version).toBe(1);
      expect((await s.get('binary'))?.value.equals(binary)).toBe(true);
      expect((await s.get('ключ/名前'))?.value.toString('utf8')).toBe('значение ✓');
    });

    it('put with prevKv returns the previous key-value, and nothing for a new key', async () => {
      const s = fixture.scope();
      const created = await s.put('a', 'v1', { prevKv: true });
      expect(created.prevKv).toBeUndefined();
      const updated = await s.put('a', 'v2', { prevKv: true });
      expect(plain(updated.prevKv)).toEqual({
        key: s.key('a'),
        value: 'v1',
        createRevision: created.revision,
        modRevision: created.revision,
        version: 1,
        lease: NO_LEASE,
      });
      const withoutPrev = await s.put('a', 'v3');
      expect(withoutPrev.prevKv).toBeUndefined();
    });

    it('status() reports the revision of the latest write', async () => {
      const s = fixture.scope();
      const put = await s.put('a', 'x');
      const status = await s.backend.status();
      expect(status.revision).toBe(put.revision);
      expect(status.compactRevision).toBeLessThanOrEqual(put.revision);
      expect(typeof status.version).toBe('string');
      expect(status.dbSize).toBeGreaterThanOrEqual(0);
    });
  });

  describe('ignoreValue and ignoreLease', () => {
    it('ignoreValue keeps the value, bumps the version, and drops the lease unless ignoreLease is set', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      const created = await s.put('a', 'kept', { lease: lease.id });
      const touched = await s.backend.put(s.key('a'), Buffer.alloc(0), { ignoreValue: true, prevKv: true });
      expect(touched.prevKv?.lease).toBe(lease.id);
      // etcd: without ignoreLease the put sets the request's lease, which is none.
      expect(plain(await s.get('a'))).toEqual({
        key: s.key('a'),
        value: 'kept',
        createRevision: created.revision,
        modRevision: touched.revision,
        version: 2,
        lease: NO_LEASE,
      });
      await s.put('a', 'leased', { lease: lease.id });
      const both = await s.backend.put(s.key('a'), Buffer.alloc(0), { ignoreValue: true, ignoreLease: true });
      expect(plain(await s.get('a'))).toMatchObject({ value: 'leased', modRevision: both.revision, version: 4, lease: lease.id });
    });

    it('ignoreLease keeps the lease and takes the new value', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      await s.put('a', 'v1', { lease: lease.id });
      const put = await s.put('a', 'v2', { ignoreLease: true });
      expect(plain(await s.get('a'))).toMatchObject({ value: 'v2', modRevision: put.revision, version: 2, lease: lease.id });
    });

    it('ignoreValue or ignoreLease on a missing key fails with KeyNotFound and writes nothing', async () => {
      const s = fixture.scope();
      const before = await s.head();
      await expectStoreError(() => s.backend.put(s.key('missing'), Buffer.alloc(0), { ignoreValue: true }), 'KeyNotFound');
      await expectStoreError(() => s.put('missing', 'x', { ignoreLease: true }), 'KeyNotFound');
      expect(await s.get('missing')).toBeUndefined();
      expect(await s.head()).toBe(before);
    });

    it('ignoreValue with a value, or ignoreLease with a lease, is an InvalidArgument', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      await s.put('a', 'v1');
      const before = await s.head();
      await expectStoreError(() => s.put('a', 'v2', { ignoreValue: true }), 'InvalidArgument');
      await expectStoreError(() => s.put('a', 'v2', { ignoreLease: true, lease: lease.id }), 'InvalidArgument');
      expect(await s.head()).toBe(before);
      expect((await s.get('a'))?.value.toString()).toBe('v1');
    });
  });

  describe('delete', () => {
    it('deletes one key: count 1, prevKvs when asked, the next revision', async () => {
      const s = fixture.scope();
      const put = await s.put('a', 'v1');
      await s.put('ab', 'not deleted');
      const deleted = await s.backend.delete({ key: s.key('a'), prevKv: true });
      expect(deleted.revision).toBe(put.revision + 2);
      expect(deleted.deleted).toBe(1);
      expect(deleted.prevKvs.map(plain)).toEqual([
        { key: s.key('a'), value: 'v1', createRevision: put.revision, modRevision: put.revision, version: 1, lease: NO_LEASE },
      ]);
      expect(await s.contents()).toEqual(['ab=not deleted']);
    });

    it('without prevKv returns no previous key-values', async () => {
      const s = fixture.scope();
      await s.put('a', 'v1');
      const deleted = await s.backend.delete({ key: s.key('a') });
      expect(deleted.deleted).toBe(1);
      expect(deleted.prevKvs).toEqual([]);
    });

    it('deletes a whole range at one revision, prevKvs in key order', async () => {
      const s = fixture.scope();
      await s.put('c', '3');
      await s.put('a', '1');
      const last = await s.put('b', '2');
      const deleted = await s.backend.delete({ ...s.range(), prevKv: true });
      expect(deleted.revision).toBe(last.revision + 1);
      expect(deleted.deleted).toBe(3);
      expect(deleted.prevKvs.map((kv) => `${s.name(kv.key)}=${kv.value.toString()}`)).toEqual(['a=1', 'b=2', 'c=3']);
      expect(await s.contents()).toEqual([]);
      expect(await s.head()).toBe(last.revision + 1);
    });

    it('deletes [key, rangeEnd) without the end key', async () => {
      const s = fixture.scope();
      for (const name of ['a', 'b', 'c', 'd']) await s.put(name, name);
      const deleted = await s.backend.delete({ key: s.key('b'), rangeEnd: s.key('d') });
      expect(deleted.deleted).toBe(2);
      expect(await s.contents()).toEqual(['a=a', 'd=d']);
    });

    it('deleting nothing does not advance the revision and reports the current one', async () => {
      const s = fixture.scope();
      const put = await s.put('a', 'x');
      const single = await s.backend.delete({ key: s.key('missing'), prevKv: true });
      expect(single).toEqual({ revision: put.revision, deleted: 0, prevKvs: [] });
      const range = await s.backend.delete({ key: s.key('b'), rangeEnd: s.key('z') });
      expect(range.deleted).toBe(0);
      expect(range.revision).toBe(put.revision);
      expect(await s.head()).toBe(put.revision);
    });
  });
}
