// Leases: granted and revoked durably through the log's transaction; their deadlines live in
// memory only, as in etcd: after a restart every lease gets its full TTL again.
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { LeaseId } from '../backend.js';

interface LeaseState {
  readonly ttl: number;
  expiresAt: number;
}

export class LeaseTable {
  private readonly leases = new Map<LeaseId, LeaseState>();
  private readonly insert;
  private readonly remove;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare<[string, number]>(`INSERT INTO leases (id, ttl) VALUES (?, ?)`);
    this.remove = db.prepare<[string]>(`DELETE FROM leases WHERE id = ?`);
  }

  load(): void {
    const rows = this.db.prepare<[], { id: string; ttl: number }>(`SELECT id, ttl FROM leases`).all();
    for (const row of rows) this.leases.set(row.id, { ttl: row.ttl, expiresAt: this.now() + row.ttl * 1000 });
  }

  has(id: LeaseId): boolean {
    return this.leases.has(id);
  }

  /** A fresh id that no lease holds: a random positive int64, as etcd hands out. */
  newId(): LeaseId {
    for (;;) {
      const id = (randomBytes(8).readBigUInt64BE() & 0x7fffffffffffffffn).toString();
      if (id !== '0' && !this.leases.has(id)) return id;
    }
  }

  /** Writes the grant inside the current transaction; `commit` makes it live after the commit. */
  write(id: LeaseId, ttl: number): () => void {
    this.insert.run(id, ttl);
    return () => this.leases.set(id, { ttl, expiresAt: this.now() + ttl * 1000 });
  }

  /** Deletes the lease row inside the current transaction; `commit` forgets it after the commit. */
  erase(id: LeaseId): () => void {
    this.remove.run(id);
    return () => this.leases.delete(id);
  }

  renew(id: LeaseId): number | undefined {
    const lease = this.leases.get(id);
    if (lease === undefined) return undefined;
    lease.expiresAt = this.now() + lease.ttl * 1000;
    return lease.ttl;
  }

  /** Seconds left (rounded up, as etcd) and the granted TTL, or undefined for an unknown lease. */
  remaining(id: LeaseId): { ttl: number; grantedTtl: number } | undefined {
    const lease = this.leases.get(id);
    if (lease === undefined) return undefined;
    const left = Math.max(0, Math.ceil((lease.expiresAt - this.now()) / 1000));
    return { ttl: left, grantedTtl: lease.ttl };
  }

  ids(): LeaseId[] {
    return [...this.leases.keys()];
  }

  expired(): LeaseId[] {
    const now = this.now();
    return [...this.leases].filter(([, lease]) => lease.expiresAt <= now).map(([id]) => id);
  }
}
