// Compaction: reads and watches below the compacted revision fail with CompactedError, the
// compacted revision itself stays readable, and compacting the future or the past is refused.
import { describe, expect, it } from 'vitest';
import { CompactedError } from '../../../src/supercache/errors.js';
import { expectStoreError, type ConformanceFixture } from './fixture.js';

export function compactionConformance(fixture: ConformanceFixture): void {
  describe('compaction', () => {
    it('reads below the compacted revision fail; at it they see the values of that revision', async () => {
      const s = fixture.scope();
      const r1 = (await s.put('a', '1')).revision;
      await s.put('b', '1');
      await s.put('a', '2');
      const r4 = (await s.backend.delete({ key: s.key('b') })).revision;
      await s.put('a', '3');
      const result = await s.backend.compact(r4);
      expect(result.revision).toBe(r4 + 1);
      const error = await expectStoreError(() => s.backend.range({ key: s.key('a'), revision: r4 - 1 }), 'Compacted');
      expect(error).toBeInstanceOf(CompactedError);
      expect((error as CompactedError).compactRevision).toBe(r4);
      await expectStoreError(() => s.backend.range({ ...s.range(), revision: r1 }), 'Compacted');
      expect(await s.contents(r4)).toEqual(['a=2']);
      expect(await s.contents()).toEqual(['a=3']);
      const a = await s.get('a', r4);
      expect(a).toMatchObject({ createRevision: r1, modRevision: r1 + 2, version: 2 });
      expect((await s.backend.status()).compactRevision).toBe(r4);
    });

    it('a watch from below the compacted revision fails with CompactedError; from it, it replays', async () => {
      const s = fixture.scope();
      const r1 = (await s.put('a', '1')).revision;
      const r2 = (await s.put('a', '2')).revision;
      await s.put('a', '3');
      await s.backend.compact(r2);
      const error = await s.watch({ ...s.range(), startRevision: r1 }).error();
      expect(error).toBeInstanceOf(CompactedError);
      expect((error as CompactedError).compactRevision).toBe(r2);
      const reader = s.watch({ ...s.range(), startRevision: r2 });
      expect(await s.events(reader, 2)).toEqual([`put a=2@${r2}`, `put a=3@${r2 + 1}`]);
    });

    it('compacting a future revision is FutureRevision; the current revision may be compacted', async () => {
      const s = fixture.scope();
      const head = (await s.put('a', '1')).revision;
      await expectStoreError(() => s.backend.compact(head + 1), 'FutureRevision');
      expect((await s.backend.status()).compactRevision).toBeLessThan(head);
      expect(await s.backend.compact(head)).toEqual({ revision: head });
      expect(await s.contents(head)).toEqual(['a=1']);
      await expectStoreError(() => s.backend.range({ key: s.key('a'), revision: head - 1 }), 'Compacted');
    });

    it('compacting again at the same or a lower revision is Compacted', async () => {
      const s = fixture.scope();
      await s.put('a', '1');
      const head = (await s.put('a', '2')).revision;
      await s.backend.compact(head);
      const same = await expectStoreError(() => s.backend.compact(head), 'Compacted');
      expect(same).toBeInstanceOf(CompactedError);
      await expectStoreError(() => s.backend.compact(head - 1), 'Compacted');
      // Writes go on as before.
      const next = await s.put('a', '3');
      expect(next.revision).toBe(head + 1);
    });
  });
}
