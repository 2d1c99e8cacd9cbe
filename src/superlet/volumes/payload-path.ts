// Where a key lands inside a configMap, secret, downwardAPI or projected volume: a relative path
// that must stay inside the volume (the kubelet's AtomicWriter validatePath); what fails is refused.
import path from 'node:path';

const MAX_FILE_NAME_LENGTH = 255;
const MAX_PATH_LENGTH = 4096;

/** Throws with the kubelet's message when `target` could write outside the volume or over its bookkeeping. */
export function validatePayloadPath(target: string): void {
  if (target === '') throw new Error(`invalid path: must not be empty: ${JSON.stringify(target)}`);
  if (path.posix.isAbsolute(target)) throw new Error(`invalid path: must be relative path: ${target}`);
  if (Buffer.byteLength(target) > MAX_PATH_LENGTH) throw new Error(`invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`);
  const items = target.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${target}`);
    if (Buffer.byteLength(item) > MAX_FILE_NAME_LENGTH) throw new Error(`invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`);
  }
  const first = items[0] ?? '';
  // `..data` and the `..<timestamp>` directories belong to the writer.
  if (first.startsWith('..') && first.length > 2) throw new Error(`invalid path: must not start with '..': ${target}`);
}

/** The validated path in its clean form (`a//b/./c` → `a/b/c`). */
export function cleanPayloadPath(target: string): string {
  validatePayloadPath(target);
  const clean = path.posix.normalize(target).replace(/\/+$/, '');
  if (clean === '.' || clean === '') throw new Error(`invalid path: must not be empty: ${JSON.stringify(target)}`);
  return clean;
}
