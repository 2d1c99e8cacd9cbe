// Transactions: compares on every target with every result, both branches, results of the ops,
// one revision for all writes, and etcd's refusals (duplicate keys, too many ops).
import { describe, expect, it } from 'vitest';
import type { Compare, CompareResult, CompareTarget, TxnOp } from '../../../src/supercache/backend.js';
import { MAX_TXN_OPS, NO_LEASE } from '../../../src/supercache/backend.js';
import { bytes, expectStoreError, plain, type ConformanceFixture, type TestScope } from './fixture.js';

const put = (s: TestScope, name: string, value: string): TxnOp => ({ type: 'put', key: s.key(name), value: bytes(value) });
const get = (s: TestScope, name: string): TxnOp => ({ type: 'range', key: s.key(name) });

interface CompareCase {
  readonly target: CompareTarget;
  readonly result: CompareResult;
  /** Operand relative to the key's actual field: -1 below it, 0 equal to it, +1 above it. */
  readonly offset: -1 | 0 | 1;
  readonly expected: boolean;
}

const RESULTS: readonly { result: CompareResult; expected: (offset: -1 | 0 | 1) => boolean }[] = [
  // "key's field <result> operand": operand below the field means the field is greater.
  { result: 'equal', expected: (offset) => offset === 0 },
  { result: 'not_equal', expected: (offset) => offset !== 0 },
  { result: 'greater', expected: (offset) => offset === -1 },
  { result: 'less', expected: (offset) => offset === 1 },
];

const CASES: readonly CompareCase[] = (['version', 'create', 'mod', 'value', 'lease'] as const).flatMap((target) =>
  RESULTS.flatMap(({ result, expected }) => ([-1, 0, 1] as const).map((offset) => ({ target, result, offset, expected: expected(offset) }))),
);

export function txnConformance(fixture: ConformanceFixture): void {
  describe('txn compare', () => {
    it.each(CASES)('$target $result (operand offset $offset) is $expected', async ({ target, result, offset, expected }) => {
      const s = fixture.scope();
      const lease = target === 'lease' ? await s.lease(60) : undefined;
      const created = await s.put('k', 'm', lease === undefined ? {} : { lease: lease.id });
      const updated = await s.put('k', 'm', lease === undefined ? {} : { lease: lease.id });
      // Lease ids are int64: etcd's exceed 2^53, so no Number arithmetic on them.
      const leaseNumber = BigInt(lease?.id ?? 0);
      const operand =
        target === 'version'
          ? 2 + offset
          : target === 'create'
            ? created.revision + offset
            : target === 'mod'
              ? updated.revision + offset
              : target === 'value'
                ? bytes(['l', 'm', 'n'][offset + 1] ?? '')
                : String(leaseNumber + BigInt(offset));
      const compare: Compare = { key: s.key('k'), target, result, operand };
      const txn = await s.backend.txn({ compare: [compare], success: [get(s, 'k')], failure: [] });
      expect(txn.succeeded).toBe(expected);
      expect(txn.responses).toHaveLength(expected ? 1 : 0);
    });

    it('compares on a missing key: value is always false; version, create, mod and lease compare against 0', async () => {
      const s = fixture.scope();
      const key = s.key('missing');
      const check = async (compare: Omit<Compare, 'key'>): Promise<boolean> =>
        (await s.backend.txn({ compare: [{ key, ...compare }], success: [], failure: [] })).succeeded;
      expect(await check({ target: 'value', result: 'equal', operand: Buffer.alloc(0) })).toBe(false);
      expect(await check({ target: 'value', result: 'not_equal', operand: bytes('x') })).toBe(false);
      expect(await check({ target: 'value', result: 'less', operand: bytes('x') })).toBe(false);
      expect(await check({ target: 'version', result: 'equal', operand: 0 })).toBe(true);
      expect(await check({ target: 'version', result: 'greater', operand: 0 })).toBe(false);
      expect(await check({ target: 'create', result: 'equal', operand: 0 })).toBe(true);
      expect(await check({ target: 'mod', result: 'less', operand: 1 })).toBe(true);
      expect(await check({ target: 'lease', result: 'equal', operand: NO_LEASE })).toBe(true);
    });

    it('a compare over a range holds only if it holds for every key in it (and compares an empty range against 0)', async () => {
      const s = fixture.scope();
      await s.put('a', '1');
      await s.put('b', '1');
      await s.put('b', '2');
      const check = async (compare: Omit<Compare, 'key' | 'rangeEnd'>, range = s.range()): Promise<boolean> =>
        (await s.backend.txn({ compare: [{ ...range, ...compare }], success: [], failure: [] })).succeeded;
      expect(await check({ target: 'version', result: 'greater', operand: 0 })).toBe(true);
      expect(await check({ target: 'version', result: 'equal', operand: 1 })).toBe(false);
      expect(await check({ target: 'value', result: 'greater', operand: bytes('0') })).toBe(true);
      const empty = { key: s.key('x'), rangeEnd: s.key('y') };
      expect(await check({ target: 'version', result: 'equal', operand: 0 }, empty)).toBe(true);
      expect(await check({ target: 'value', result: 'equal', operand: Buffer.alloc(0) }, empty)).toBe(false);
    });

    it('all compares must hold (AND)', async () => {
      const s = fixture.scope();
      await s.put('a', '1');
      const txn = await s.backend.txn({
        compare: [
          { key: s.key('a'), target: 'version', result: 'equal', operand: 1 },
          { key: s.key('a'), target: 'value', result: 'equal', operand: bytes('2') },
        ],
        success: [put(s, 'won', 'yes')],
        failure: [put(s, 'lost', 'yes')],
      });
      expect(txn.succeeded).toBe(false);
      expect(await s.contents()).toEqual(['a=1', 'lost=yes']);
    });
  });

  describe('txn branches and results', () => {
    it('runs the success branch when the compares hold, and only it', async () => {
      const s = fixture.scope();
      const created = await s.put('a', '1');
      const txn = await s.backend.txn({
        compare: [{ key: s.key('a'), target: 'mod', result: 'equal', operand: created.revision }],
        success: [put(s, 'a', '2'), put(s, 'b', 'new')],
        failure: [put(s, 'c', 'never')],
      });
      expect(txn.succeeded).toBe(true);
      expect(txn.revision).toBe(created.revision + 1);
      expect(txn.responses).toEqual([
        { type: 'put', revision: txn.revision },
        { type: 'put', revision: txn.revision },
      ]);
      expect(await s.contents()).toEqual(['a=2', 'b=new']);
    });

    it('runs the failure branch when a compare fails, with its range results', async () => {
      const s = fixture.scope();
      const created = await s.put('a', '1');
      const txn = await s.backend.txn({
        compare: [{ key: s.key('a'), target: 'mod', result: 'equal', operand: created.revision - 1 }],
        success: [put(s, 'a', 'never')],
        failure: [get(s, 'a')],
      });
      expect(txn.succeeded).toBe(false);
      expect(txn.revision).toBe(created.revision);
      const [response] = txn.responses;
      expect(response?.type).toBe('range');
      if (response?.type !== 'range') return;
      expect(response.count).toBe(1);
      expect(response.more).toBe(false);
      expect(response.kvs.map(plain)).toEqual([
        { key: s.key('a'), value: '1', createRevision: created.revision, modRevision: created.revision, version: 1, lease: NO_LEASE },
      ]);
      expect(await s.head()).toBe(created.revision);
    });

    it('all writes of a txn share one revision; later ops see earlier ones; each result carries the revision at its point', async () => {
      const s = fixture.scope();
      await s.put('old', 'x');
      const before = (await s.put('gone', 'x')).revision;
      const txn = await s.backend.txn({
        compare: [],
        success: [
          { type: 'range', ...s.range() },
          put(s, 'new1', 'a'),
          { type: 'delete', key: s.key('gone'), prevKv: true },
          put(s, 'new2', 'b'),
          { type: 'range', ...s.range(), limit: 2 },
        ],
        failure: [],
      });
      const revision = before + 1;
      expect(txn.succeeded).toBe(true);
      expect(txn.revision).toBe(revision);
      const [first, put1, deleted, put2, last] = txn.responses;
      expect(first).toMatchObject({ type: 'range', revision: before, count: 2 });
      expect(put1).toEqual({ type: 'put', revision });
      expect(deleted).toMatchObject({ type: 'delete', revision, deleted: 1 });
      if (deleted?.type === 'delete') expect(deleted.prevKvs.map((kv) => s.name(kv.key))).toEqual(['gone']);
      expect(put2).toEqual({ type: 'put', revision });
      expect(last).toMatchObject({ type: 'range', revision, count: 3, more: true });
      if (last?.type === 'range') expect(last.kvs.map((kv) => s.name(kv.key))).toEqual(['new1', 'new2']);
      const after = await s.backend.range(s.range());
      expect(after.revision).toBe(revision);
      expect(after.kvs.map((kv) => `${s.name(kv.key)}@${kv.modRevision}`)).toEqual(['new1@' + revision, 'new2@' + revision, `old@${before - 1}`]);
    });

    it('put results in a txn carry prevKv when asked', async () => {
      const s = fixture.scope();
      const created = await s.put('a', 'old');
      const txn = await s.backend.txn({
        compare: [],
        success: [{ type: 'put', key: s.key('a'), value: bytes('new'), prevKv: true }],
        failure: [],
      });
      const [response] = txn.responses;
      expect(response?.type === 'put' ? plain(response.prevKv) : undefined).toEqual({
        key: s.key('a'),
        value: 'old',
        createRevision: created.revision,
        modRevision: created.revision,
        version: 1,
        lease: NO_LEASE,
      });
    });

    it('a txn that writes nothing does not advance the revision', async () => {
      const s = fixture.scope();
      const head = (await s.put('a', '1')).revision;
      const readOnly = await s.backend.txn({ compare: [], success: [get(s, 'a')], failure: [] });
      expect(readOnly.revision).toBe(head);
      const deletesNothing = await s.backend.txn({ compare: [], success: [{ type: 'delete', key: s.key('missing') }], failure: [] });
      expect(deletesNothing.revision).toBe(head);
      expect(deletesNothing.responses).toEqual([{ type: 'delete', revision: head, deleted: 0, prevKvs: [] }]);
      const empty = await s.backend.txn({ compare: [], success: [], failure: [] });
      expect(empty).toEqual({ revision: head, succeeded: true, responses: [] });
      expect(await s.head()).toBe(head);
    });
  });

  describe('txn refusals', () => {
    it('two puts of one key, or a put and a delete covering it, are DuplicateKey and write nothing', async () => {
      const s = fixture.scope();
      const head = (await s.put('a', '1')).revision;
      await expectStoreError(() => s.backend.txn({ compare: [], success: [put(s, 'b', '1'), put(s, 'b', '2')], failure: [] }), 'DuplicateKey');
      await expectStoreError(
        () =>
          s.backend.txn({ compare: [], success: [], failure: [put(s, 'c', '1'), { type: 'delete', ...s.range() }] }),
        'DuplicateKey',
      );
      await expectStoreError(
        () =>
          s.backend.txn({ compare: [], success: [{ type: 'delete', key: s.key('a') }, put(s, 'a', '2')], failure: [] }),
        'DuplicateKey',
      );
      expect(await s.head()).toBe(head);
      expect(await s.contents()).toEqual(['a=1']);
    });

    it('allows two deletes of one key, a range and a put of one key, and one key in both branches', async () => {
      const s = fixture.scope();
      await s.put('a', '1');
      const twoDeletes = await s.backend.txn({
        compare: [],
        success: [
          { type: 'delete', key: s.key('a') },
          { type: 'delete', ...s.range() },
        ],
        failure: [],
      });
      expect(twoDeletes.responses).toMatchObject([{ deleted: 1 }, { deleted: 0 }]);
      const readThenWrite = await s.backend.txn({ compare: [], success: [get(s, 'b'), put(s, 'b', '1')], failure: [put(s, 'b', '2')] });
      expect(readThenWrite.succeeded).toBe(true);
      expect(await s.contents()).toEqual(['b=1']);
    });

    it(`more than ${MAX_TXN_OPS} ops in a branch, or compares, is TooManyOps; exactly ${MAX_TXN_OPS} is fine`, async () => {
      const s = fixture.scope();
      const head = await s.head();
      const puts = (count: number): TxnOp[] => Array.from({ length: count }, (_, i) => put(s, `k${i}`, 'x'));
      const compares = (count: number): Compare[] =>
        Array.from({ length: count }, () => ({ key: s.key('k0'), target: 'version', result: 'equal', operand: 0 }));
      await expectStoreError(() => s.backend.txn({ compare: [], success: puts(MAX_TXN_OPS + 1), failure: [] }), 'TooManyOps');
      await expectStoreError(() => s.backend.txn({ compare: [], success: [], failure: puts(MAX_TXN_OPS + 1) }), 'TooManyOps');
      await expectStoreError(() => s.backend.txn({ compare: compares(MAX_TXN_OPS + 1), success: [], failure: [] }), 'TooManyOps');
      expect(await s.head()).toBe(head);
      expect((await s.backend.range({ ...s.range(), countOnly: true })).count).toBe(0);
      const full = await s.backend.txn({ compare: compares(MAX_TXN_OPS), success: puts(MAX_TXN_OPS), failure: [] });
      expect(full.succeeded).toBe(true);
      expect(full.revision).toBe(head + 1);
      expect((await s.backend.range({ ...s.range(), countOnly: true })).count).toBe(MAX_TXN_OPS);
    });

    it('an ignoreValue put of a missing key fails the whole txn with KeyNotFound', async () => {
      const s = fixture.scope();
      const head = await s.head();
      await expectStoreError(
        () =>
          s.backend.txn({
            compare: [],
            success: [put(s, 'a', '1'), { type: 'put', key: s.key('missing'), value: Buffer.alloc(0), ignoreValue: true }],
            failure: [],
          }),
        'KeyNotFound',
      );
      expect(await s.head()).toBe(head);
      expect(await s.contents()).toEqual([]);
    });
  });
}
