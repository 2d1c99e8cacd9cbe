// The sandbox ("pause") image, built on the spot with `docker import` when it is missing: no
// registry is reachable, so it is made from the host's static busybox (Debian's busybox-static).
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { errorMessage, isNotFound } from './errors.js';
import { drainProgress } from './json-lines.js';
import { tarArchive } from './tar.js';

export const DEFAULT_SANDBOX_IMAGE = 'supernetes.local/pause:latest';

/**
 * Holds the namespaces and does nothing; exits at once on SIGTERM (pid 1 ignores signals it has
 * no handler for, hence the trap). `wait` on a background sleep lets the trap run immediately.
 */
export const PAUSE_COMMAND = [
  '/bin/busybox',
  'sh',
  '-c',
  "trap 'exit 0' TERM INT; while :; do /bin/busybox sleep 2147483647 & wait $!; done",
];

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

async function readBusybox(paths: string[]): Promise<Buffer> {
  for (const path of paths) {
    try {
      return await readFile(path);
    } catch {
      // try the next place
    }
  }
  throw new Error(
    `cannot build the sandbox image: no static busybox at ${paths.join(' or ')} (on Debian: apt-get install busybox-static)`,
  );
}

export async function imageExists(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function splitTag(image: string): { repo: string; tag: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repo: image, tag: 'latest' };
}

/** Imports the pause image from the host's busybox. */
export async function buildSandboxImage(docker: Dockerode, image: string, busyboxPaths = BUSYBOX_CANDIDATES): Promise<void> {
  const busybox = await readBusybox(busyboxPaths);
  const tar = tarArchive([
    { type: 'dir', name: 'bin', mode: 0o755 },
    { type: 'file', name: 'bin/busybox', mode: 0o755, content: busybox },
    { type: 'symlink', name: 'bin/sh', target: 'busybox' },
    { type: 'dir', name: 'etc', mode: 0o755 },
    { type: 'dir', name: 'tmp', mode: 0o1777 },
  ]);
  const { repo, tag } = splitTag(image);
  const changes = [`ENTRYPOINT ${JSON.stringify(PAUSE_COMMAND)}`, 'ENV PATH=/bin'];
  const options = { repo, tag, changes };
  await drainProgress(await docker.importImage(Readable.from([tar]), options));
  if (!(await imageExists(docker, image))) throw new Error(`importing ${image} left no image`);
}

/** Makes sure the sandbox image exists, building it when missing. */
export async function ensureSandboxImage(docker: Dockerode, image: string): Promise<void> {
  if (await imageExists(docker, image)) return;
  try {
    await buildSandboxImage(docker, image);
  } catch (error) {
    throw new Error(`sandbox image ${image} is missing and could not be built: ${errorMessage(error)}`, { cause: error });
  }
}
