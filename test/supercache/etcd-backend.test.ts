// Smoke test of EtcdBackend against a real etcd 3.4 on a loopback port. The shared conformance
// suite covers the Backend contract in depth; this checks the etcd wiring end to end.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { WatchEvent } from '../../src/supercache/backend.js';
import { EtcdBackend } from '../../src/supercache/etcd/etcd-backend.js';
import { CompactedError, isStoreError, WatchOverflowError } from '../../src/supercache/errors.js';
import { prefixRange } from '../../src/supercache/key-range.js';
import { startEtcd, type EtcdProcess } from '../support/etcd-process.js';

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

async function take(iterable: AsyncIterable<WatchEvent>, count: number, abort: AbortController): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of iterable) {
    events.push(event);
    if (events.length === count) abort.abort();
  }
  return events;
}

/** etcd's own count of live watchers, from its /metrics page. */
async function serverWatchers(endpoint: string): Promise<number> {
  const body = await (await fetch(`http://${endpoint}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith('etcd_debugging_mvcc_watcher_total '));
  return Number(line?.split(' ')[1] ?? NaN);
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('EtcdBackend on a real etcd', () => {
  let etcd: EtcdProcess;
  let store: EtcdBackend;

  beforeAll(async () => {
    etcd = await startEtcd();
    store = new EtcdBackend({ endpoints: [etcd.endpoint], watchBacklogLimit: 20 });
  });

  afterAll(async () => {
    await store?.close();
    await etcd?.stop();
  });

  it('puts and ranges with etcd revisions, limits and counts', async () => {
    const first = await store.put('/smoke/a', text('1'));
    const second = await store.put('/smoke/a', text('2'), { prevKv: true });
    await store.put('/smoke/b', text('3'));
    expect(second.revision).toBe(first.revision + 1);
    expect(second.prevKv).toMatchObject({ key: '/smoke/a', version: 1, modRevision: first.revision });
    expect(second.prevKv?.value.toString()).toBe('1');

    const page = await store.range({ ...prefixRange('/smoke/'), limit: 1 });
    expect(page).toMatchObject({ more: true, count: 2 });
    expect(page.kvs.map((kv) => [kv.key, kv.value.toString(), kv.version])).toEqual([['/smoke/a', '2', 2]]);
    const old = await store.range({ key: '/smoke/a', revision: first.revision });
    expect(old.kvs[0]?.value.toString()).toBe('1');
    const counted = await store.range({ ...prefixRange('/smoke/'), countOnly: true });
    expect(counted).toMatchObject({ count: 2, kvs: [] });
  });

  it('runs a txn with compares and per-op results', async () => {
    const current = await store.range({ key: '/smoke/a' });
    const modRevision = current.kvs[0]?.modRevision ?? 0;
    const result = await store.txn({
      compare: [{ key: '/smoke/a', target: 'mod', result: 'equal', operand: modRevision }],
      success: [
        { type: 'put', key: '/smoke/a', value: text('cas'), prevKv: true },
        { type: 'range', key: '/smoke/b' },
      ],
      failure: [],
    });
    expect(result.succeeded).toBe(true);
    expect(result.responses.map((r) => r.type)).toEqual(['put', 'range']);
    const stale = await store.txn({
      compare: [{ key: '/smoke/a', target: 'mod', result: 'equal', operand: modRevision }],
      success: [{ type: 'put', key: '/smoke/a', value: text('lost') }],
      failure: [{ type: 'range', key: '/smoke/a' }],
    });
    expect(stale.succeeded).toBe(false);
    const read = stale.responses[0];
    expect(read?.type === 'range' && read.kvs[0]?.value.toString()).toBe('cas');
  });

  it('translates etcd errors', async () => {
    await expect(store.put('', text('x'))).rejects.toSatisfy((e) => isStoreError(e, 'KeyNotProvided'));
    await expect(store.put('/smoke/none', Buffer.alloc(0), { ignoreValue: true })).rejects.toSatisfy((e) =>
      isStoreError(e, 'KeyNotFound'),
    );
    await expect(store.range({ key: '/smoke/a', revision: 1_000_000 })).rejects.toSatisfy((e) =>
      isStoreError(e, 'FutureRevision'),
    );
    await expect(store.put('/smoke/big', Buffer.alloc(2 * 1024 * 1024))).rejects.toSatisfy((e) =>
      isStoreError(e, 'ValueTooLarge'),
    );
    await expect(store.leaseRevoke('12345')).rejects.toSatisfy((e) => isStoreError(e, 'LeaseNotFound'));
  });

  it('watches from a revision with deletes and prevKv, and cancels the server watcher on abort', async () => {
    const start = (await store.put('/watch/x', text('1'))).revision;
    await store.delete({ ...prefixRange('/watch/'), prevKv: true });
    const abort = new AbortController();
    const events = take(store.watch({ ...prefixRange('/watch/'), startRevision: start, prevKv: true, signal: abort.signal }), 3, abort);
    await store.put('/watch/y', text('2'));
    const seen = await events;
    expect(seen.map((e) => e.type)).toEqual(['put', 'delete', 'put']);
    const deleted = seen[1];
    expect(deleted?.type === 'delete' && deleted.kv).toMatchObject({ key: '/watch/x', modRevision: start + 1, version: 0 });
    expect(deleted?.type === 'delete' && deleted.prevKv?.value.toString()).toBe('1');
    await eventually(async () => (await serverWatchers(etcd.endpoint)) === 0);
  });

  it('reports progress when asked', async () => {
    const abort = new AbortController();
    const [event] = await take(store.watch({ key: '/quiet', progressNotify: true, signal: abort.signal }), 1, abort);
    expect(event?.type).toBe('progress');
  });

  it('paces a watcher replaying history, and fails one that stops reading live events', async () => {
    const start = (await store.put('/flood', text('0'))).revision;
    for (let i = 1; i <= 30; i++) await store.put('/flood', text(String(i)));
    // History longer than the backlog (20) is replayed at the reader's pace: nothing is lost.
    const controller = new AbortController();
    const iterator = store.watch({ key: '/flood', startRevision: start, signal: controller.signal })[Symbol.asyncIterator]();
    let received = start - 1;
    while (received < start + 30) {
      const next = await iterator.next();
      if (next.done) throw new Error('watch ended early');
      if (next.value.type !== 'progress') received = next.value.kv.modRevision;
    }
    // Now live: stop reading while 30 more writes arrive; the backlog passes the limit.
    for (let i = 31; i <= 60; i++) await store.put('/flood', text(String(i)));
    const failure = await (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return undefined;
          if (next.value.type !== 'progress') received = next.value.kv.modRevision;
        }
      } catch (error) {
        return error;
      }
    })();
    controller.abort();
    expect(failure).toBeInstanceOf(WatchOverflowError);
    expect((failure as WatchOverflowError).nextRevision).toBe(received + 1);
  });

  it('grants, renews, inspects and revokes leases; revoking deletes the keys', async () => {
    const lease = await store.leaseGrant(30, '4242');
    expect(lease).toEqual({ id: '4242', ttl: 30 });
    await expect(store.leaseGrant(30, '4242')).rejects.toSatisfy((e) => isStoreError(e, 'LeaseExists'));
    await store.put('/leased', text('v'), { lease: lease.id });
    expect(await store.leaseKeepAlive(lease.id)).toBe(30);
    const info = await store.leaseTimeToLive(lease.id, true);
    expect(info).toMatchObject({ id: '4242', grantedTtl: 30, keys: ['/leased'] });
    expect(await store.leaseList()).toContain('4242');
    await store.leaseRevoke(lease.id);
    expect((await store.range({ key: '/leased' })).kvs).toEqual([]);
    expect((await store.leaseTimeToLive(lease.id)).ttl).toBe(-1);
    await expect(store.leaseKeepAlive(lease.id)).rejects.toSatisfy((e) => isStoreError(e, 'LeaseNotFound'));
  });

  it('compacts: old reads and watches fail with the compact revision, status reports it', async () => {
    const old = (await store.put('/compact', text('old'))).revision;
    const head = (await store.put('/compact', text('new'))).revision;
    await store.compact(head, { physical: true });
    const readOld = store.range({ key: '/compact', revision: old });
    await expect(readOld).rejects.toBeInstanceOf(CompactedError);
    await expect(readOld).rejects.toMatchObject({ compactRevision: head });
    const watching = take(store.watch({ key: '/compact', startRevision: old }), 1, new AbortController());
    await expect(watching).rejects.toMatchObject({ code: 'Compacted', compactRevision: head });
    const status = await store.status();
    expect(status).toMatchObject({ compactRevision: head, version: expect.stringMatching(/^3\.4\./) as unknown });
    expect(status.revision).toBeGreaterThanOrEqual(head);
    expect(status.dbSize).toBeGreaterThan(0);
    // A fresh client learns the compact revision from etcd itself.
    const other = new EtcdBackend({ endpoints: [etcd.endpoint] });
    try {
      expect((await other.status()).compactRevision).toBe(head);
    } finally {
      await other.close();
    }
  });

  it('fails fast with Unavailable when nothing listens', async () => {
    const nowhere = new EtcdBackend({ endpoints: ['127.0.0.1:1'], dialTimeoutMs: 300 });
    try {
      await expect(nowhere.range({ key: '/x' })).rejects.toSatisfy((e) => isStoreError(e, 'Unavailable'));
    } finally {
      await nowhere.close();
    }
  });
});
