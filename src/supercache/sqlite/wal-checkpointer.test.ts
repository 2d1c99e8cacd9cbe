import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, databasePath } from './schema.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function checkpointer(): WalCheckpointer {
  const dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
  const db = openDatabase(dir);
  const failures: string[] = [];
  const subject = new WalCheckpointer(databasePath(dir), (error) => failures.push(error), { busyCommitsPerSecond: 20, idleStopMs: 5_000 });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => { db.close(); }, () => subject.stop(), () => expect(failures).toEqual([]));
  return subject;
}

describe('WalCheckpointer', () => {
  it('runs its worker only while commits are frequent, and stops it after a quiet spell', () => {
    const subject = checkpointer();
    const t0 = Date.now();
    // 10 commits a second: a quiet store, checkpointed by the writing connection alone.
    for (let i = 1; i <= 10; i++) subject.tick(i, t0 + i * 100);
    expect(subject.active).toBe(false);
    // 50 a second: busy.
    for (let i = 1; i <= 10; i++) subject.tick(10 + 5 * i, t0 + 1000 + i * 100);
    expect(subject.active).toBe(true);
    // No commit for longer than idleStopMs.
    subject.tick(60, t0 + 2000 + 5_001 + 1000);
    expect(subject.active).toBe(false);
  });

  it('stops cleanly when no worker runs and when one does', async () => {
    const quiet = checkpointer();
    await quiet.stop();
    const busy = checkpointer();
    busy.tick(100, Date.now() + 100);
    expect(busy.active).toBe(true);
    await busy.stop();
    expect(busy.active).toBe(false);
  });
});
