// Bad input gets the error class etcd gives and writes nothing: the revision does not move and
// the key stays absent. (Refusals specific to txns and leases live in txn.ts and lease.ts.)
import { describe, expect, it } from 'vitest';
import { MAX_VALUE_BYTES } from '../../../src/supercache/backend.js';
import { expectStoreError, type ConformanceFixture, type TestScope } from './fixture.js';

async function expectNothingWritten(s: TestScope, head: number): Promise<void> {
  expect(await s.head()).toBe(head);
  expect(await s.contents()).toEqual([]);
}

export function badInputConformance(fixture: ConformanceFixture): void {
  describe('bad input', () => {
    it('an empty key is KeyNotProvided for put, range, delete and inside a txn', async () => {
      const s = fixture.scope();
      const head = await s.head();
      const { backend } = s;
      await expectStoreError(() => backend.put('', Buffer.from('x')), 'KeyNotProvided');
      await expectStoreError(() => backend.range({ key: '' }), 'KeyNotProvided');
      await expectStoreError(() => backend.delete({ key: '' }), 'KeyNotProvided');
      const put = { type: 'put', key: s.key('a'), value: Buffer.from('x') } as const;
      await expectStoreError(() => backend.txn({ compare: [], success: [put, { type: 'put', key: '', value: Buffer.from('x') }], failure: [] }), 'KeyNotProvided');
      await expectStoreError(() => backend.txn({ compare: [], success: [put, { type: 'range', key: '' }], failure: [] }), 'KeyNotProvided');
      await expectStoreError(() => backend.txn({ compare: [], success: [put], failure: [{ type: 'delete', key: '' }] }), 'KeyNotProvided');
      await expectStoreError(
        () =>
          backend.txn({ compare: [{ key: '', target: 'version', result: 'equal', operand: 0 }], success: [put], failure: [] }),
        'KeyNotProvided',
      );
      await expectNothingWritten(s, head);
    });

    it(`a value over ${MAX_VALUE_BYTES} bytes is ValueTooLarge and writes nothing`, async () => {
      const s = fixture.scope();
      const head = await s.head();
      await expectStoreError(() => s.backend.put(s.key('big'), Buffer.alloc(MAX_VALUE_BYTES + 1, 'x')), 'ValueTooLarge');
      await expectStoreError(
        () =>
          s.backend.txn({ compare: [], success: [{ type: 'put', key: s.key('big'), value: Buffer.alloc(MAX_VALUE_BYTES + 1, 'x') }], failure: [] }),
        'ValueTooLarge',
      );
      await expectNothingWritten(s, head);
    });

    it('etcd counts the key and the request framing too: a value of exactly the limit is refused, 1 KiB less is fine', async () => {
      const s = fixture.scope();
      const head = await s.head();
      await expectStoreError(() => s.backend.put(s.key('big'), Buffer.alloc(MAX_VALUE_BYTES, 'x')), 'ValueTooLarge');
      await expectNothingWritten(s, head);
      const fits = Buffer.alloc(MAX_VALUE_BYTES - 1024, 'y');
      const put = await s.backend.put(s.key('big'), fits);
      expect(put.revision).toBe(head + 1);
      expect((await s.get('big'))?.value.equals(fits)).toBe(true);
    });

    it('a value far over the limit is ValueTooLarge too, and the backend keeps working', async () => {
      const s = fixture.scope();
      const head = await s.head();
      // Over etcd's gRPC message limit (--max-request-bytes + 512 KiB), refused before etcd sees it.
      await expectStoreError(() => s.backend.put(s.key('huge'), Buffer.alloc(3 * 1024 * 1024, 'x')), 'ValueTooLarge');
      await expectNothingWritten(s, head);
      const put = await s.put('after', 'ok');
      expect(put.revision).toBe(head + 1);
    });
  });
}
