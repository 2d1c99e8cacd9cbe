// hostPath volumes: the host's own file or directory, checked against its declared type (and made
// for DirectoryOrCreate / FileOrCreate) with the kubelet's messages (pkg/volume/hostpath).
import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

type FileType = 'Directory' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch {
    return undefined;
  }
}

function fileType(info: Stats): FileType {
  if (info.isDirectory()) return 'Directory';
  if (info.isFile()) return 'File';
  if (info.isSocket()) return 'Socket';
  if (info.isCharacterDevice()) return 'CharDevice';
  if (info.isBlockDevice()) return 'BlockDevice';
  throw new Error('only recognise file, directory, socket, block device and character device');
}

async function typeMatchedOrError(p: string, expected: FileType, description: string): Promise<void> {
  const info = await statOrUndefined(p);
  if (info === undefined) throw new Error(`hostPath ${p} doesn't exist`);
  let actual: FileType;
  try {
    actual = fileType(info);
  } catch (err) {
    throw new Error(`hostPath type check failed, ${p} is not a ${description}, unable to determine its type: ${(err as Error).message}`);
  }
  if (actual !== expected) throw new Error(`hostPath type check failed: ${p} is not a ${description}, it's a ${actual}`);
}

async function makeFile(p: string): Promise<void> {
  try {
    const handle = await open(p, 'a', 0o644);
    await handle.close();
  } catch (err) {
    // An existing directory is left for the type check to report.
    if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw new Error(`open ${p}: ${goErrno(err)}`, { cause: err });
  }
}

function goErrno(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** Checks (and for the *OrCreate types makes) the host path; throws with the kubelet's message. */
export async function setUpHostPath(hostPath: string, type: string | undefined): Promise<void> {
  if (hostPath.split('/').includes('..')) throw new Error(`invalid HostPath \`${hostPath}\`: must not contain '..'`);
  const exists = (await statOrUndefined(hostPath)) !== undefined;
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!exists) {
        try {
          await mkdir(hostPath, { recursive: true, mode: 0o755 });
        } catch (err) {
          throw new Error(`mkdir ${hostPath}: ${goErrno(err)}`, { cause: err });
        }
        return;
      }
      return typeMatchedOrError(hostPath, 'Directory', 'directory');
    case 'Directory':
      return typeMatchedOrError(hostPath, 'Directory', 'directory');
    case 'FileOrCreate':
      if (!exists) return makeFile(hostPath);
      return typeMatchedOrError(hostPath, 'File', 'file');
    case 'File':
      return typeMatchedOrError(hostPath, 'File', 'file');
    case 'Socket':
      return typeMatchedOrError(hostPath, 'Socket', 'socket file');
    case 'CharDevice':
      return typeMatchedOrError(hostPath, 'CharDevice', 'character device');
    case 'BlockDevice':
      return typeMatchedOrError(hostPath, 'BlockDevice', 'block device');
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}
