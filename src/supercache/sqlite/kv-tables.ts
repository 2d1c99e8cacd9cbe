// Every SQL statement the engine runs against the log and kv tables, prepared once, with the rows
// mapped to KeyValue. Pure data access: no revision bookkeeping and no validation here.
import type Database from 'better-sqlite3';
import type { KeyRange, KeyValue, LeaseId } from '../backend.js';
import { ALL_FROM_KEY, isSingleKey } from '../key-range.js';

interface KvRow {
  key: string;
  value: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  lease: string;
}

export interface LogRow {
  id: number;
  revision: number;
  key: string;
  value: Buffer;
  create_revision: number;
  version: number;
  lease: string;
  prev_revision: number;
}

/** Bounds for SQL: `[low, high)`, with high null for "no upper bound". */
interface Bounds {
  low: string;
  high: string | null;
}

const EMPTY = Buffer.alloc(0);

function bounds(range: KeyRange): Bounds {
  return { low: range.key, high: range.rangeEnd === ALL_FROM_KEY ? null : (range.rangeEnd ?? null) };
}

function toKeyValue(row: KvRow): KeyValue {
  return {
    key: row.key,
    value: row.value,
    createRevision: row.create_revision,
    modRevision: row.mod_revision,
    version: row.version,
    lease: row.lease,
  };
}

export function logRowToKeyValue(row: LogRow): KeyValue {
  if (row.version === 0) return tombstone(row.key, row.revision);
  return {
    key: row.key,
    value: row.value,
    createRevision: row.create_revision,
    modRevision: row.revision,
    version: row.version,
    lease: row.lease,
  };
}

/** The kv etcd reports for a delete event: the key and the deleting revision, nothing else. */
export function tombstone(key: string, revision: number): KeyValue {
  return { key, value: EMPTY, createRevision: 0, modRevision: revision, version: 0, lease: '0' };
}

// Two forms of every range condition: SQLite uses an index only for the bounds it can see, and
// `(@high IS NULL OR key < @high)` hides the upper one, so a bounded range would scan every key
// after its start (a list of /registry/configmaps/ would read all pods, services, ... after it).
const rangeCondition = (open: boolean, column = 'key'): string =>
  open ? `${column} >= @low` : `${column} >= @low AND ${column} < @high`;
// The newest event of each key at or below @rev; tombstones filtered by the caller's SQL.
const atRevision = (open: boolean): string => `
  FROM log l WHERE ${rangeCondition(open, 'l.key')} AND l.revision <= @rev
    AND l.revision = (SELECT max(m.revision) FROM log m WHERE m.key = l.key AND m.revision <= @rev)
    AND l.version > 0`;

/** A statement in its bounded and its open-ended form; `pick` chooses by the bounds. */
class ByBounds<S> {
  constructor(
    private readonly bounded: S,
    private readonly open: S,
  ) {}

  pick(b: Bounds): S {
    return b.high === null ? this.open : this.bounded;
  }
}

export class KvTables {
  private readonly getKey;
  private readonly rangeHead;
  private readonly countHead;
  private readonly rangeAt;
  private readonly countAt;
  private readonly upsert;
  private readonly deleteKey;
  private readonly appendLog;
  private readonly logAt;
  private readonly logFrom;
  private readonly keysOfLease;

  constructor(private readonly db: Database.Database) {
    this.getKey = db.prepare<[string], KvRow>(`SELECT * FROM kv WHERE key = ?`);
    const both = <S>(make: (open: boolean) => S): ByBounds<S> => new ByBounds(make(false), make(true));
    this.rangeHead = both((open) =>
      db.prepare<[Bounds & { limit: number }], KvRow>(
        `SELECT * FROM kv WHERE ${rangeCondition(open)} ORDER BY key LIMIT @limit`,
      ),
    );
    this.countHead = both((open) =>
      db.prepare<[Bounds], { n: number }>(`SELECT count(*) AS n FROM kv WHERE ${rangeCondition(open)}`),
    );
    this.rangeAt = both((open) =>
      db.prepare<[Bounds & { rev: number; limit: number }], LogRow>(
        `SELECT l.* ${atRevision(open)} ORDER BY l.key LIMIT @limit`,
      ),
    );
    this.countAt = both((open) =>
      db.prepare<[Bounds & { rev: number }], { n: number }>(`SELECT count(*) AS n ${atRevision(open)}`),
    );
    this.upsert = db.prepare<[KvRow]>(
      `INSERT INTO kv (key, value, create_revision, mod_revision, version, lease)
       VALUES (@key, @value, @create_revision, @mod_revision, @version, @lease)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, create_revision = excluded.create_revision,
         mod_revision = excluded.mod_revision, version = excluded.version, lease = excluded.lease`,
    );
    this.deleteKey = db.prepare<[string]>(`DELETE FROM kv WHERE key = ?`);
    this.appendLog = db.prepare<[Omit<LogRow, 'id'>]>(
      `INSERT INTO log (revision, key, value, create_revision, version, lease, prev_revision)
       VALUES (@revision, @key, @value, @create_revision, @version, @lease, @prev_revision)`,
    );
    this.logAt = db.prepare<[string, number], LogRow>(`SELECT * FROM log WHERE key = ? AND revision = ?`);
    this.logFrom = db.prepare<[number, number, number], LogRow>(
      `SELECT * FROM log WHERE revision >= ? AND revision <= ? AND id > ? ORDER BY id LIMIT 1000`,
    );
    this.keysOfLease = db.prepare<[string], { key: string }>(`SELECT key FROM kv WHERE lease = ? ORDER BY key`);
  }

  get(key: string): KeyValue | undefined {
    const row = this.getKey.get(key);
    return row === undefined ? undefined : toKeyValue(row);
  }

  /** Keys in `range` at the head (revision undefined) or as of `revision`, in key order. */
  range(range: KeyRange, limit: number, revision?: number): KeyValue[] {
    if (isSingleKey(range)) {
      if (revision === undefined) {
        const kv = this.get(range.key);
        return kv === undefined ? [] : [kv];
      }
    }
    const b = isSingleKey(range) ? { low: range.key, high: range.key + '\0' } : bounds(range);
    const max = limit > 0 ? limit : -1;
    if (revision === undefined) return this.rangeHead.pick(b).all({ ...b, limit: max }).map(toKeyValue);
    return this.rangeAt.pick(b).all({ ...b, rev: revision, limit: max }).map(logRowToKeyValue);
  }

  count(range: KeyRange, revision?: number): number {
    const b = isSingleKey(range) ? { low: range.key, high: range.key + '\0' } : bounds(range);
    const row = revision === undefined ? this.countHead.pick(b).get(b) : this.countAt.pick(b).get({ ...b, rev: revision });
    return row?.n ?? 0;
  }

  /** Writes `kv` as the key's new state and appends the event to the log. */
  put(kv: KeyValue, prevRevision: number): void {
    this.upsert.run({
      key: kv.key,
      value: kv.value,
      create_revision: kv.createRevision,
      mod_revision: kv.modRevision,
      version: kv.version,
      lease: kv.lease,
    });
    this.appendLog.run({
      revision: kv.modRevision,
      key: kv.key,
      value: kv.value,
      create_revision: kv.createRevision,
      version: kv.version,
      lease: kv.lease,
      prev_revision: prevRevision,
    });
  }

  /** Removes the key and appends its tombstone. */
  remove(key: string, revision: number, prevRevision: number): void {
    this.deleteKey.run(key);
    this.appendLog.run({
      revision,
      key,
      value: EMPTY,
      create_revision: 0,
      version: 0,
      lease: '0',
      prev_revision: prevRevision,
    });
  }

  /** The key's state written at `revision`, if history still holds it. */
  at(key: string, revision: number): KeyValue | undefined {
    if (revision === 0) return undefined;
    const row = this.logAt.get(key, revision);
    return row === undefined || row.version === 0 ? undefined : logRowToKeyValue(row);
  }

  /** Up to 1000 log events with `from <= revision <= to`, after event id `afterId`, in order. */
  events(from: number, to: number, afterId: number): LogRow[] {
    return this.logFrom.all(from, to, afterId);
  }

  keysWithLease(lease: LeaseId): string[] {
    return this.keysOfLease.all(lease).map((row) => row.key);
  }

  headRevision(): number {
    const row = this.db.prepare<[], { rev: number | null }>(`SELECT max(revision) AS rev FROM log`).get();
    return row?.rev ?? 0;
  }
}
