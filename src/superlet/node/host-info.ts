// What the node reports about the machine beyond the runtime's machineInfo: the ids in
// status.nodeInfo (machine-id, product UUID, boot id) and the root filesystem's size
// (ephemeral-storage). Every read may fail (containers, non-root, other systems): a missing id
// falls back to a stable value derived from the node name, so simulated nodes sharing one machine
// still tell themselves apart.
import { createHash } from 'node:crypto';
import { readFile, statfs } from 'node:fs/promises';

export interface HostIds {
  machineID: string;
  systemUUID: string;
  bootID: string;
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

function derived(nodeName: string, what: string): string {
  return createHash('sha256').update(`${what}/${nodeName}`).digest('hex').slice(0, 32);
}

function asUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `shared` says several nodes run on this machine (a fake runtime): the machine's own ids would
 * then be the same for all, so each node gets ids of its own.
 */
export async function readHostIds(nodeName: string, shared: boolean): Promise<HostIds> {
  if (shared) {
    return {
      machineID: derived(nodeName, 'machine-id'),
      systemUUID: asUuid(derived(nodeName, 'system-uuid')),
      bootID: asUuid(derived(nodeName, 'boot-id')),
    };
  }
  const [machineID, productUuid, bootID] = await Promise.all([
    readTrimmed('/etc/machine-id'),
    readTrimmed('/sys/class/dmi/id/product_uuid'),
    readTrimmed('/proc/sys/kernel/random/boot_id'),
  ]);
  return {
    machineID: machineID ?? derived(nodeName, 'machine-id'),
    systemUUID: productUuid ?? asUuid(derived(nodeName, 'system-uuid')),
    bootID: bootID ?? asUuid(derived(nodeName, 'boot-id')),
  };
}

/** Size in bytes of the filesystem holding `path`; undefined when it cannot be read. */
export async function filesystemBytes(path = '/'): Promise<number | undefined> {
  try {
    const stats = await statfs(path);
    const bytes = stats.blocks * stats.bsize;
    return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
  } catch {
    return undefined;
  }
}
