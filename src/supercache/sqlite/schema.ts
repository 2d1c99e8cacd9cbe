// The on-disk layout of the embedded engine, after kine: an append-only `log` of every write (the
// history that watches replay and past reads see) and `kv`, the current value of each live key, so
// that reads at the head never scan history. Both change in the same transaction.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMA_VERSION = 1;

const TABLES = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY,            -- event order; all events of one revision are consecutive
  revision INTEGER NOT NULL,         -- one revision per write transaction, as etcd
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  create_revision INTEGER NOT NULL,
  version INTEGER NOT NULL,          -- 0 marks a tombstone (a delete)
  lease TEXT NOT NULL,
  prev_revision INTEGER NOT NULL     -- mod revision of the key before this event (0: none), for prev_kv
);
CREATE INDEX IF NOT EXISTS log_revision ON log (revision);
CREATE INDEX IF NOT EXISTS log_key_revision ON log (key, revision);

CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL,
  version INTEGER NOT NULL,
  lease TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_lease ON kv (lease) WHERE lease <> '0';

CREATE TABLE IF NOT EXISTS leases (
  id TEXT PRIMARY KEY,
  ttl INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/** The database file of a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'supercache.db');
}

export function openDatabase(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(databasePath(dataDir));
  // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL at every commit, so a
  // write is durable before it is acknowledged (group commit amortises the fsync).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -8000');
  // A WAL that grew (a long read held it) is cut back to this size once it starts over.
  db.pragma('journal_size_limit = 67108864');
  db.exec(TABLES);
  const row = db.prepare<[], { value: number }>(`SELECT value FROM meta WHERE name = 'schema_version'`).get();
  if (row === undefined) {
    db.prepare(`INSERT INTO meta (name, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
  } else if (row.value !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`supercache: ${dataDir} has schema version ${row.value}, this build reads ${SCHEMA_VERSION}`);
  }
  return db;
}
