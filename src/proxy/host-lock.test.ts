import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostLock } from './host-lock.js';

describe('the host lock of the service proxy', () => {
  let dir = '';
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'proxy-lock-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('lets one holder in at a time, and the next one in after a release', async () => {
    const path = join(dir, 'lock');
    const first = new HostLock(path);
    const second = new HostLock(path);
    expect(await first.tryAcquire()).toEqual({ acquired: true });
    expect(await second.tryAcquire()).toEqual({ acquired: false, owner: process.pid });
    await first.release();
    expect(await second.tryAcquire()).toEqual({ acquired: true });
    expect((await readFile(path, 'utf8')).trim()).toBe(String(process.pid));
    await second.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const path = join(dir, 'lock');
    // A pid above the kernel's pid_max cannot belong to a live process.
    await writeFile(path, '4194305\n');
    expect(await new HostLock(path).tryAcquire()).toEqual({ acquired: true });
  });

  it('does not remove a lock it does not hold', async () => {
    const path = join(dir, 'lock');
    const holder = new HostLock(path);
    await holder.tryAcquire();
    await new HostLock(path).release();
    expect((await readFile(path, 'utf8')).trim()).toBe(String(process.pid));
  });
});
