// A non-2xx answer from the API server, carrying the server's Status so callers can branch on
// the HTTP code (the stable part) rather than on message text.
import type { Status } from 'kubernetes-types/meta/v1.js';

export class ApiError extends Error {
  readonly code = 'ApiError';
  readonly status: number;
  readonly reason: string;
  readonly statusObject?: Status;

  constructor(status: number, reason: string, message: string, statusObject?: Status, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
    if (statusObject !== undefined) this.statusObject = statusObject;
  }

  /** Builds the error from a response body: a Status when the server sent one, else the raw text. */
  static fromResponse(status: number, method: string, path: string, body: Buffer): ApiError {
    const text = body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isStatus(parsed)) {
      const message = parsed.message ?? `${method} ${path}: HTTP ${status}`;
      return new ApiError(status, parsed.reason ?? '', message, parsed);
    }
    const snippet = text.length > 200 ? `${text.slice(0, 200)}...` : text;
    return new ApiError(status, '', `${method} ${path}: HTTP ${status}${snippet === '' ? '' : `: ${snippet}`}`);
  }

  /** From an ERROR event of a watch, whose object is a Status. */
  static fromStatus(statusObject: Status): ApiError {
    const code = statusObject.code ?? 500;
    return new ApiError(code, statusObject.reason ?? '', statusObject.message ?? `watch error ${code}`, statusObject);
  }
}

export function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

const hasStatus = (e: unknown, code: number): boolean => e instanceof ApiError && e.status === code;

export function isNotFound(e: unknown): boolean {
  return hasStatus(e, 404);
}
export function isConflict(e: unknown): boolean {
  return hasStatus(e, 409) && (e as ApiError).reason !== 'AlreadyExists';
}
export function isAlreadyExists(e: unknown): boolean {
  return hasStatus(e, 409) && (e as ApiError).reason === 'AlreadyExists';
}
export function isGone(e: unknown): boolean {
  return hasStatus(e, 410);
}
export function isTooManyRequests(e: unknown): boolean {
  return hasStatus(e, 429);
}
export function isInvalid(e: unknown): boolean {
  return hasStatus(e, 422);
}
export function isForbidden(e: unknown): boolean {
  return hasStatus(e, 403);
}
