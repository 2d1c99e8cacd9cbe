// The continue token of a paginated list, in upstream's format: base64 of
// {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<key after the prefix to resume from>"}.
import { badRequest } from '../../api/api-errors.js';

export interface ContinuePoint {
  readonly revision: number;
  /** The key, relative to the list's prefix, to start the next page at (inclusive). */
  readonly start: string;
}

export function encodeContinue(point: ContinuePoint): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: point.revision, start: point.start })).toString('base64');
}

export function decodeContinue(token: string): ContinuePoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: invalid continue token');
  }
  const record = parsed as { v?: unknown; rv?: unknown; start?: unknown } | null;
  if (record === null || typeof record !== 'object' || record.v !== 'meta.k8s.io/v1') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof record.rv !== 'number' || !Number.isInteger(record.rv) || record.rv <= 0) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof record.start !== 'string' || record.start === '' || record.start.includes('..') || record.start.startsWith('/')) {
    throw badRequest('continue key is not valid: invalid start key');
  }
  return { revision: record.rv, start: record.start };
}
