// Leases: grant (also with an explicit id), time-to-live with keys, list, keep-alive, revoke
// deleting the attached keys, expiry deleting them by itself, and the errors etcd gives.
import { describe, expect, it } from 'vitest';
import { MAX_LEASE_TTL } from '../../../src/supercache/backend.js';
import { waitFor } from '../../support/wait.js';
import { expectStoreError, randomLeaseId, type ConformanceFixture } from './fixture.js';

export function leaseConformance(fixture: ConformanceFixture): void {
  describe('lease', () => {
    it('grant gives an id and the TTL; timeToLive and list report it', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      expect(lease.ttl).toBe(60);
      expect(lease.id).toMatch(/^[1-9]\d*$/);
      const info = await s.backend.leaseTimeToLive(lease.id);
      expect(info.id).toBe(lease.id);
      expect(info.grantedTtl).toBe(60);
      // etcd truncates the remaining time: 59 right after the grant.
      expect(info.ttl).toBeGreaterThanOrEqual(58);
      expect(info.ttl).toBeLessThanOrEqual(60);
      expect(info.keys).toEqual([]);
      expect(await s.backend.leaseList()).toContain(lease.id);
      const other = await s.lease(60);
      expect(other.id).not.toBe(lease.id);
    });

    it('a TTL below the minimum is raised to it (2 s on a single etcd member)', async () => {
      const s = fixture.scope();
      const lease = await s.lease(1);
      expect(lease.ttl).toBe(2);
      expect((await s.backend.leaseTimeToLive(lease.id)).grantedTtl).toBe(2);
    });

    it('grants an explicit id; granting it again is LeaseExists', async () => {
      const s = fixture.scope();
      const id = randomLeaseId();
      const lease = await s.lease(30, id);
      expect(lease).toEqual({ id, ttl: 30 });
      await expectStoreError(() => s.backend.leaseGrant(30, id), 'LeaseExists');
      expect((await s.backend.leaseTimeToLive(id)).grantedTtl).toBe(30);
    });

    it(`a TTL above ${MAX_LEASE_TTL} s is LeaseTTLTooLarge`, async () => {
      const s = fixture.scope();
      await expectStoreError(() => s.backend.leaseGrant(MAX_LEASE_TTL + 1), 'LeaseTTLTooLarge');
    });

    it('attaches keys: kv.lease is set and timeToLive lists them only when asked', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      await s.put('b', '1', { lease: lease.id });
      await s.put('a', '1', { lease: lease.id });
      await s.put('c', '1');
      expect((await s.get('a'))?.lease).toBe(lease.id);
      expect((await s.get('c'))?.lease).toBe('0');
      expect((await s.backend.leaseTimeToLive(lease.id, true)).keys.sort()).toEqual([s.key('a'), s.key('b')]);
      expect((await s.backend.leaseTimeToLive(lease.id, false)).keys).toEqual([]);
      // Putting a key without the lease detaches it; deleting one removes it.
      await s.put('a', '2');
      await s.backend.delete({ key: s.key('b') });
      expect((await s.backend.leaseTimeToLive(lease.id, true)).keys).toEqual([]);
    });

    it('revoke deletes the attached keys at one revision, with delete events, and forgets the lease', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      await s.put('a', '1', { lease: lease.id });
      await s.put('b', '1', { lease: lease.id });
      const head = (await s.put('c', 'kept')).revision;
      const reader = s.watch({ ...s.range(), startRevision: head + 1, prevKv: true });
      await s.backend.leaseRevoke(lease.id);
      expect(await s.head()).toBe(head + 1);
      const events = await reader.take(2);
      expect(events.map((event) => s.describe(event)).sort()).toEqual([`delete a@${head + 1}`, `delete b@${head + 1}`]);
      expect(events.map((event) => (event.type === 'delete' ? event.prevKv?.lease : 'not a delete'))).toEqual([lease.id, lease.id]);
      expect(await s.contents()).toEqual(['c=kept']);
      const info = await s.backend.leaseTimeToLive(lease.id, true);
      expect(info).toMatchObject({ ttl: -1, keys: [] });
      expect(await s.backend.leaseList()).not.toContain(lease.id);
      await expectStoreError(() => s.backend.leaseRevoke(lease.id), 'LeaseNotFound');
    });

    it('revoking a lease without keys does not advance the revision', async () => {
      const s = fixture.scope();
      const lease = await s.lease(60);
      const head = await s.head();
      await s.backend.leaseRevoke(lease.id);
      expect(await s.head()).toBe(head);
    });

    it('keepAlive renews the lease to its granted TTL', async () => {
      const s = fixture.scope();
      const lease = await s.lease(10);
      // Let at least a second and a half pass, so the renewal is visible in the truncated TTL.
      await waitFor(async () => (await s.backend.leaseTimeToLive(lease.id)).ttl <= 8, { what: 'the lease TTL to drop to 8 s' });
      expect(await s.backend.leaseKeepAlive(lease.id)).toBe(10);
      expect((await s.backend.leaseTimeToLive(lease.id)).ttl).toBeGreaterThanOrEqual(9);
    });

    it('a key attached to a lease that expires is deleted by itself', async () => {
      const s = fixture.scope();
      const lease = await s.lease(2);
      const put = await s.put('a', '1', { lease: lease.id });
      await s.put('b', 'no lease');
      const reader = s.watch({ key: s.key('a'), startRevision: put.revision + 1 });
      const event = await reader.next(10_000, 'the delete of the expired key');
      expect(event.type).toBe('delete');
      expect(await s.contents()).toEqual(['b=no lease']);
      expect((await s.backend.leaseTimeToLive(lease.id)).ttl).toBe(-1);
      await expectStoreError(() => s.backend.leaseKeepAlive(lease.id), 'LeaseNotFound');
    });

    it('an unknown lease: put is LeaseNotFound and writes nothing; revoke and keepAlive are LeaseNotFound; timeToLive says -1', async () => {
      const s = fixture.scope();
      const unknown = randomLeaseId();
      const head = await s.head();
      await expectStoreError(() => s.put('a', '1', { lease: unknown }), 'LeaseNotFound');
      await expectStoreError(
        () =>
          s.backend.txn({
            compare: [],
            success: [
              { type: 'put', key: s.key('b'), value: Buffer.from('1') },
              { type: 'put', key: s.key('c'), value: Buffer.from('1'), lease: unknown },
            ],
            failure: [],
          }),
        'LeaseNotFound',
      );
      expect(await s.head()).toBe(head);
      expect(await s.contents()).toEqual([]);
      await expectStoreError(() => s.backend.leaseRevoke(unknown), 'LeaseNotFound');
      await expectStoreError(() => s.backend.leaseKeepAlive(unknown), 'LeaseNotFound');
      expect(await s.backend.leaseTimeToLive(unknown, true)).toEqual({ id: unknown, ttl: -1, grantedTtl: 0, keys: [] });
    });
  });
}
