import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { openDatabase } from './schema.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function database(): { db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  const db = openDatabase(dir);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => db.close());
  db.exec('CREATE TABLE t (v INTEGER)');
  return { db };
}

const noState = { snapshot: () => 0, restore: () => {} };

describe('GroupCommit with an fsync beside the event loop', () => {
  it('answers a write, and runs its effects, only after the fsync that follows its commit', async () => {
    const { db } = database();
    const syncs: (() => void)[] = [];
    const commits = new GroupCommit(db, noState, { durable: () => new Promise<void>((resolve) => syncs.push(resolve)) });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const events: string[] = [];
    const first = commits.submit((context) => {
      insert.run(1);
      context.afterCommit(() => events.push('memory 1'));
      context.whenDurable(() => events.push('publish 1'));
      return 1;
    });
    void first.then(() => events.push('answer 1'));
    await until(() => syncs.length === 1);
    // Committed: memory that mirrors the tables follows at once; what others see waits.
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    expect(events).toEqual(['memory 1']);
    events.length = 0;
    let readAnswered = false;
    void commits.barrier().then(() => (readAnswered = true));
    // Two more batches commit while that fsync runs; they share the next one.
    const second = commits.submit(() => insert.run(2));
    await until(() => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM t').get()?.n === 2);
    const third = commits.submit(() => insert.run(3));
    await until(() => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM t').get()?.n === 3);
    expect(events).toEqual([]);
    expect(syncs).toHaveLength(1);
    syncs[0]?.();
    await first;
    expect(events).toEqual(['publish 1', 'answer 1']);
    // A read made before the second and third commits still waits for theirs.
    expect(readAnswered).toBe(false);
    await until(() => syncs.length === 2);
    syncs[1]?.();
    await Promise.all([second, third]);
    await until(() => readAnswered);
    expect(syncs).toHaveLength(2);
  });

  it('closes once the queued writes are durable, and refuses writes after that', async () => {
    const { db } = database();
    const syncs: (() => void)[] = [];
    const commits = new GroupCommit(db, noState, { durable: () => new Promise<void>((resolve) => syncs.push(resolve)) });
    const write = commits.submit(() => db.prepare('INSERT INTO t (v) VALUES (1)').run());
    let closed = false;
    const closing = commits.close(new Error('closed')).then(() => (closed = true));
    await expect(commits.submit(() => 2)).rejects.toThrow('closed');
    await until(() => syncs.length === 1);
    expect(closed).toBe(false);
    syncs[0]?.();
    await write;
    await closing;
  });

  it('fails the writes a failed fsync was to cover, and every write after them', async () => {
    const { db } = database();
    const failures: Error[] = [];
    const commits = new GroupCommit(db, noState, { durable: () => Promise.reject(new Error('EIO')), onDurableFailure: (error) => failures.push(error) });
    await expect(commits.submit(() => 1)).rejects.toThrow(/fsync of the store failed.*EIO/);
    expect(failures).toHaveLength(1);
    // Nothing more is accepted: what the failed fsync covered may be gone.
    await expect(commits.submit(() => 2)).rejects.toThrow(/fsync of the store failed/);
  });
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
