// Commits made durable beside the event loop. With synchronous=FULL, SQLite fsyncs the WAL inside
// every commit, and better-sqlite3 holds the thread that serves every request for those
// milliseconds (at 500 pod creates a second that was a quarter of the thread's time). With
// synchronous=NORMAL, a commit writes its frames to the WAL file and returns; this fsyncs that file
// on libuv's thread pool, and GroupCommit acknowledges a write only once the fsync after its commit
// has returned. On Linux an fsync through any descriptor flushes the file's data. SQLite keeps the
// WAL crash-safe either way; what FULL adds, a committed transaction surviving power loss, is what
// this fsync gives back before the write is acknowledged.
import type Database from 'better-sqlite3';
import { closeSync, fsync, openSync } from 'node:fs';

export class WalSync {
  private constructor(private readonly fd: number) {}

  /**
   * Switches the connection to synchronous=NORMAL with an fsync of its WAL to make up for it; or,
   * when the WAL cannot be opened (not in WAL mode), leaves the connection as it is and returns undefined.
   */
  static open(db: Database.Database, databaseFile: string): WalSync | undefined {
    let fd: number;
    try {
      fd = openSync(`${databaseFile}-wal`, 'r');
    } catch {
      return undefined;
    }
    db.pragma('synchronous = NORMAL');
    return new WalSync(fd);
  }

  sync(): Promise<void> {
    return new Promise((resolve, reject) => fsync(this.fd, (error) => (error === null ? resolve() : reject(error))));
  }

  close(): void {
    closeSync(this.fd);
  }
}
