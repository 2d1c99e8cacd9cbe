// What the embedded engine promises beyond the shared conformance suite: durability across a
// reopen, group commit, automatic compaction, and watchers that replay long histories or fall behind.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../backend.js';
import { WatchOverflowError } from '../errors.js';
import { prefixRange } from '../key-range.js';
import { SqliteEngine, type SqliteEngineOptions } from './sqlite-engine.js';

const dirs: string[] = [];
const engines: SqliteEngine[] = [];

async function open(options: Partial<SqliteEngineOptions> & { dataDir?: string } = {}): Promise<SqliteEngine> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'supercache-test-'));
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  const engine = new SqliteEngine({ ...options, dataDir });
  await engine.start();
  engines.push(engine);
  return engine;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function logRows(dataDir: string): number {
  const db = new Database(join(dataDir, 'supercache.db'), { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM log').get()?.n ?? -1;
  } finally {
    db.close();
  }
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SqliteEngine', () => {
  it('checkpoints the WAL into the database file from a worker thread while busy, below SQLite\'s own 1,000-page threshold', async () => {
    const engine = await open({ checkpoints: { intervalMs: 50, busyCommitsPerSecond: 1 } });
    const dataDir = dirs[0] as string;
    const before = statSync(join(dataDir, 'supercache.db')).size;
    // 1 MiB of values: about 600 WAL pages (log and kv), short of what makes the writing connection checkpoint.
    const value = Buffer.alloc(4000, 'v');
    await Promise.all(Array.from({ length: 256 }, (_, i) => engine.put(`/k/${i}`, value)));
    await until(() => statSync(join(dataDir, 'supercache.db')).size > before + 1024 * 1024, 'the database file to take in the WAL');
    // The engine goes on writing and reading after checkpoints.
    await engine.put('/k/after', Buffer.from('x'));
    expect((await engine.range({ key: '/k/after' })).kvs[0]?.value).toEqual(Buffer.from('x'));
  });

  it('keeps keys, revisions, history and leases across a close and reopen', async () => {
    const first = await open();
    const dataDir = dirs[0] as string;
    await first.put('/k/a', Buffer.from('1'));
    await first.put('/k/a', Buffer.from('2'));
    const lease = await first.leaseGrant(60);
    const { revision } = await first.put('/k/leased', Buffer.from('x'), { lease: lease.id });
    await first.close();

    const second = await open({ dataDir });
    expect(second.revision).toBe(revision);
    const current = await second.range({ key: '/k/a' });
    expect(current.kvs[0]).toMatchObject({ value: Buffer.from('2'), version: 2, createRevision: 1, modRevision: 2 });
    const past = await second.range({ key: '/k/a', revision: 1 });
    expect(past.kvs[0]?.value.toString()).toBe('1');
    const info = await second.leaseTimeToLive(lease.id, true);
    expect(info.grantedTtl).toBe(60);
    expect(info.keys).toEqual(['/k/leased']);
    expect((await second.put('/k/b', Buffer.from('y'))).revision).toBe(revision + 1);
  });

  it('commits concurrent writes together and gives each its own revision', async () => {
    const engine = await open();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => engine.put(`/g/${i}`, Buffer.from(String(i)))));
    const revisions = results.map((r) => r.revision).sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(engine.maxBatchSize).toBeGreaterThan(1);
  });

  it('refuses a bad write in a batch without failing the others', async () => {
    const engine = await open();
    const outcomes = await Promise.allSettled([
      engine.put('/b/ok1', Buffer.from('a')),
      engine.put('/b/leased', Buffer.from('b'), { lease: '12345' }),
      engine.put('/b/ok2', Buffer.from('c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await engine.range(prefixRange('/b/'))).kvs.map((kv) => [kv.key, kv.modRevision])).toEqual([
      ['/b/ok1', 1],
      ['/b/ok2', 2],
    ]);
  });

  it('compacts automatically, keeping the minimum history, and drops the old rows', async () => {
    const engine = await open({ compactionIntervalMs: 50, retentionMs: 1, minRetainedRevisions: 20 });
    for (let i = 0; i < 100; i++) await engine.put('/c/same', Buffer.from(String(i)));
    await until(async () => (await engine.status()).compactRevision >= 80, 'automatic compaction');
    const dataDir = dirs[0] as string;
    await until(() => logRows(dataDir) <= 21, 'old log rows to be purged');
    expect((await engine.range({ key: '/c/same' })).kvs[0]?.value.toString()).toBe('99');
    const compacted = (await engine.status()).compactRevision;
    expect((await engine.range({ key: '/c/same', revision: compacted })).kvs[0]?.modRevision).toBe(compacted);
  });

  it('replays a history longer than one page and joins the live stream with no gap or duplicate', async () => {
    const engine = await open();
    for (let i = 0; i < 2500; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => engine.put(`/w/${i + j}`, Buffer.from('v'))));
    }
    const controller = new AbortController();
    const seen: number[] = [];
    const watching = (async () => {
      for await (const event of engine.watch({ ...prefixRange('/w/'), startRevision: 1, signal: controller.signal })) {
        if (event.type !== 'progress') seen.push(event.kv.modRevision);
        if (seen.length === 3000) controller.abort();
      }
    })();
    // Live writes while the replay is still paging through history.
    for (let i = 2500; i < 3000; i++) await engine.put(`/w/${i}`, Buffer.from('v'));
    await watching;
    expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
  });

  it('cuts off a watcher that does not read, and it can resume where it was', async () => {
    const engine = await open({ watchBacklogLimit: 50 });
    const events = engine.watch({ ...prefixRange('/o/'), startRevision: 1 });
    for (let i = 0; i < 100; i++) await engine.put(`/o/${i}`, Buffer.from('v'));
    const iterator = events[Symbol.asyncIterator]();
    let error: unknown;
    const delivered: WatchEvent[] = [];
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        delivered.push(next.value);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WatchOverflowError);
    const resumeAt = (error as WatchOverflowError).nextRevision;
    expect(resumeAt).toBe(delivered.length + 1);
    const controller = new AbortController();
    const rest: number[] = [];
    for await (const event of engine.watch({ ...prefixRange('/o/'), startRevision: resumeAt, signal: controller.signal })) {
      if (event.type !== 'progress') rest.push(event.kv.modRevision);
      if (rest.length === 100 - delivered.length) controller.abort();
    }
    expect(rest[0]).toBe(resumeAt);
    expect(rest[rest.length - 1]).toBe(100);
  });
});
