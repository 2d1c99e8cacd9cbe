// Compaction: marking a revision compacted is one durable write; dropping the history below it
// happens afterwards in small batches, each a job of the group commit, so writers never wait for
// more than one batch. What survives: for every key, its newest event at or below the compacted
// revision, unless that is a delete, so reads at or above the compacted revision are unchanged.
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit.js';

export class Compactor {
  private compacted = 0;
  private physicalDone = 0;
  private running: Promise<void> = Promise.resolve();
  private readonly setMeta;
  private readonly maxIdBelow;
  private readonly scan;
  private readonly superseded;
  private readonly deleteRow;

  constructor(
    db: Database.Database,
    private readonly commits: GroupCommit<unknown>,
    private readonly batchSize: number,
  ) {
    this.setMeta = db.prepare<[string, number]>(
      `INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    );
    const meta = db.prepare<[string], { value: number }>(`SELECT value FROM meta WHERE name = ?`);
    this.compacted = meta.get('compact_revision')?.value ?? 0;
    this.physicalDone = meta.get('compact_physical')?.value ?? 0;
    this.maxIdBelow = db.prepare<[number], { id: number | null }>(`SELECT max(id) AS id FROM log WHERE revision < ?`);
    this.scan = db.prepare<[number, number, number], { id: number; key: string; revision: number; version: number }>(
      `SELECT id, key, revision, version FROM log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
    );
    this.superseded = db.prepare<[string, number, number], { one: number }>(
      `SELECT 1 AS one FROM log WHERE key = ? AND revision > ? AND revision <= ? LIMIT 1`,
    );
    this.deleteRow = db.prepare<[number]>(`DELETE FROM log WHERE id = ?`);
  }

  get revision(): number {
    return this.compacted;
  }

  /** Inside a job: records `revision` as compacted; returns what to do once that commits. */
  mark(revision: number): () => void {
    this.setMeta.run('compact_revision', revision);
    return () => {
      this.compacted = revision;
    };
  }

  /** Drops the history below the compacted revision; resolves when the rows are gone. */
  purge(): Promise<void> {
    this.running = this.running.then(() => this.purgeTo(this.compacted));
    return this.running;
  }

  /** Finishes a purge a crash interrupted. */
  resume(): Promise<void> {
    return this.physicalDone < this.compacted ? this.purge() : Promise.resolve();
  }

  private async purgeTo(revision: number): Promise<void> {
    if (revision <= this.physicalDone) return;
    const lastId = this.maxIdBelow.get(revision)?.id ?? 0;
    let cursor = 0;
    while (cursor < lastId) {
      cursor = await this.commits.submit(() => {
        const rows = this.scan.all(cursor, lastId, this.batchSize);
        for (const row of rows) {
          if (row.version === 0 || this.superseded.get(row.key, row.revision, revision) !== undefined) {
            this.deleteRow.run(row.id);
          }
        }
        return rows.length === 0 ? lastId : (rows[rows.length - 1]?.id ?? lastId);
      });
    }
    await this.commits.submit(() => this.setMeta.run('compact_physical', revision));
    this.physicalDone = revision;
  }
}

/**
 * Keeps a window of history: every tick it compacts to the newest revision that is both older than
 * `retentionMs` and at least `minRevisions` behind the head (etcd's periodic auto-compaction).
 */
export class RetentionPolicy {
  private readonly samples: { at: number; revision: number }[] = [];

  constructor(
    private readonly retentionMs: number,
    private readonly minRevisions: number,
  ) {}

  /** Records the head now and returns the revision to compact to, or 0 for nothing to do. */
  target(now: number, head: number, compacted: number): number {
    this.samples.push({ at: now, revision: head });
    let old: number | undefined;
    while (this.samples.length > 0 && (this.samples[0]?.at ?? now) <= now - this.retentionMs) {
      old = this.samples.shift()?.revision;
    }
    if (old === undefined) return 0;
    // Keep the sample that just aged out as the oldest point still to be compacted next time.
    const target = Math.min(old, head - this.minRevisions);
    return target > compacted ? target : 0;
  }
}
