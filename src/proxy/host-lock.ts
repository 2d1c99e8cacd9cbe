// One SuperProxy owns a host's rules at a time. Several nodes may share a machine (a server and an
// agent, or test clusters side by side on one Docker daemon), and two proxies rewriting the same
// chains would undo each other, the last to stop removing the rules the other still needs. The lock
// is a file holding the owner's pid, made with O_EXCL; one whose process is gone is taken over.
import { open, readFile, unlink } from 'node:fs/promises';

export const DEFAULT_LOCK_PATH = '/run/supernetes-proxy.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class HostLock {
  private held = false;

  constructor(private readonly path: string = DEFAULT_LOCK_PATH) {}

  /** Takes the lock if it is free (or its owner is dead); otherwise returns the owner's pid. */
  async tryAcquire(): Promise<{ acquired: true } | { acquired: false; owner: number }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const file = await open(this.path, 'wx');
        await file.writeFile(`${process.pid}\n`);
        await file.close();
        this.held = true;
        return { acquired: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number((await readFile(this.path, 'utf8').catch(() => '')).trim());
      // A proxy in this very process holds it too: the same pid is alive, so it waits like any other.
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) return { acquired: false, owner };
      await unlink(this.path).catch(() => undefined);
    }
    return { acquired: false, owner: 0 };
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    const owner = Number((await readFile(this.path, 'utf8').catch(() => '')).trim());
    if (owner === process.pid) await unlink(this.path).catch(() => undefined);
  }
}
