// Writes a volume's files so a container never sees half an update (the kubelet's AtomicWriter):
// the files go into a fresh `..<timestamp>` directory, the `..data` symlink is swapped to it with
// one rename, and each top-level name is a symlink through `..data`. A payload equal to what is
// there already writes nothing.
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Payload } from './payload.js';

const DATA_DIR = '..data';
const NEW_DATA_DIR = '..data_tmp';

function timestampPrefix(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function currentDataDir(targetDir: string): Promise<string | undefined> {
  try {
    return await readlink(path.join(targetDir, DATA_DIR));
  } catch {
    return undefined;
  }
}

// Every regular file under `dir`, as relative paths.
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}

function topLevel(p: string): string {
  return p.split('/')[0] ?? p;
}

async function unchanged(dataDir: string, payload: Payload): Promise<boolean> {
  const files = await listFiles(dataDir);
  if (files.length !== payload.size) return false;
  for (const file of files) {
    const want = payload.get(file);
    if (want === undefined) return false;
    const full = path.join(dataDir, file);
    const [data, info] = await Promise.all([readFile(full), stat(full)]);
    if (!data.equals(want.data) || (info.mode & 0o777) !== want.mode) return false;
  }
  return true;
}

/** Makes `targetDir` hold exactly `payload` (paths already validated); returns whether anything changed. */
export async function writeAtomically(targetDir: string, payload: Payload, now: Date = new Date()): Promise<boolean> {
  await mkdir(targetDir, { recursive: true });
  const oldName = await currentDataDir(targetDir);
  const oldDir = oldName === undefined ? undefined : path.join(targetDir, oldName);
  const oldFiles = oldDir === undefined ? [] : await listFiles(oldDir).catch(() => []);
  const wantTop = new Set([...payload.keys()].map(topLevel));

  if (oldDir !== undefined && (await unchanged(oldDir, payload).catch(() => false))) {
    // Still recreate any visible link someone removed.
    await createVisibleLinks(targetDir, wantTop);
    return false;
  }

  const tsDir = await mkdtemp(path.join(targetDir, timestampPrefix(now)));
  await chmod(tsDir, 0o755);
  for (const [rel, file] of payload) {
    const full = path.join(tsDir, rel);
    await mkdir(path.dirname(full), { recursive: true, mode: 0o755 });
    await writeFile(full, file.data, { mode: file.mode });
    // writeFile's mode is filtered by the umask.
    await chmod(full, file.mode);
  }

  const tmpLink = path.join(targetDir, NEW_DATA_DIR);
  await rm(tmpLink, { force: true });
  await symlink(path.basename(tsDir), tmpLink);
  await rename(tmpLink, path.join(targetDir, DATA_DIR));

  await createVisibleLinks(targetDir, wantTop);
  for (const gone of new Set(oldFiles.map(topLevel))) {
    if (!wantTop.has(gone)) await unlink(path.join(targetDir, gone)).catch(() => undefined);
  }
  // The previous data, and any left by a writer that died between its mkdtemp and its swap.
  for (const entry of await readdir(targetDir)) {
    if (entry.startsWith('..') && entry !== DATA_DIR && entry !== path.basename(tsDir)) await rm(path.join(targetDir, entry), { recursive: true, force: true });
  }
  return true;
}

async function createVisibleLinks(targetDir: string, names: Iterable<string>): Promise<void> {
  for (const name of names) {
    const visible = path.join(targetDir, name);
    if (!(await exists(visible))) await symlink(path.join(DATA_DIR, name), visible);
  }
}
