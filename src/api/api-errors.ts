// Errors of the Kubernetes API: each carries the HTTP code, the Status reason and the message
// upstream would give, and becomes a metav1.Status only at the HTTP edge (toStatus).
import type { Status, StatusCause, StatusDetails } from 'kubernetes-types/meta/v1.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'Timeout'
  | 'ServiceUnavailable';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `ApiError(${reason})`;
  }
}

/** Which resource an error is about: `kind` in Status details is the plural resource name, as upstream. */
export interface Subject {
  readonly group: string;
  readonly resource: string;
  readonly name?: string;
}

const qualified = (s: Subject): string => (s.group === '' ? s.resource : `${s.resource}.${s.group}`);
const details = (s: Subject): StatusDetails => ({
  ...(s.name === undefined ? {} : { name: s.name }),
  ...(s.group === '' ? {} : { group: s.group }),
  kind: s.resource,
});

export const notFound = (s: Subject): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(s)} "${s.name ?? ''}" not found`, details(s));

export const alreadyExists = (s: Subject): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified(s)} "${s.name ?? ''}" already exists`, details(s));

export const conflict = (s: Subject, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(s)} "${s.name ?? ''}": ${why}`, details(s));

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const forbidden = (s: Subject, why: string): ApiError => {
  const what = s.name === undefined ? qualified(s) : `${qualified(s)} "${s.name}"`;
  return new ApiError(403, 'Forbidden', `${what} is forbidden: ${why}`, details(s));
};

export const methodNotAllowed = (): ApiError =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const unsupportedMediaType = (contentType: string, accepted: readonly string[]): ApiError =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
  );

export const notAcceptable = (accepted: readonly string[]): ApiError =>
  new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);

export const tooLarge = (limit: number): ApiError =>
  new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);

export const tooManyRequests = (retryAfterSeconds = 1): ApiError =>
  new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });

export const internalError = (cause: unknown): ApiError =>
  new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${cause instanceof Error ? cause.message : String(cause)}`,
    undefined,
    { cause },
  );

export const unavailable = (message: string): ApiError => new ApiError(503, 'ServiceUnavailable', message);

/** 410 for a continue token whose snapshot was compacted away. */
export const expiredContinue = (): ApiError =>
  new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );

/** 410 for a watch or list at a resourceVersion the server no longer has. */
export const resourceVersionTooOld = (requested: number, oldest: number): ApiError =>
  new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

/** One field problem, as a StatusCause: reason e.g. FieldValueRequired, field e.g. spec.containers[0].name. */
export interface FieldCause {
  readonly reason: string;
  readonly field: string;
  /** The rendered field error, e.g. `spec.containers[0].name: Required value`. */
  readonly message: string;
}

/** 422: `Pod "x" is invalid: ...`, with one cause per field problem. */
export function invalid(kind: string, group: string, name: string, causes: readonly FieldCause[]): ApiError {
  const rendered = causes.map((c) => c.message);
  const summary = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  const statusCauses: StatusCause[] = causes.map((c) => ({
    reason: c.reason,
    message: c.message.startsWith(`${c.field}: `) ? c.message.slice(c.field.length + 2) : c.message,
    field: c.field,
  }));
  return new ApiError(422, 'Invalid', `${kind}${group === '' ? '' : `.${group}`} "${name}" is invalid: ${summary}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind,
    causes: statusCauses,
  });
}

export function toStatus(error: ApiError): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details === undefined ? {} : { details: error.details }),
    code: error.code,
  };
}

export function isApiError(error: unknown, reason?: StatusReason): error is ApiError {
  return error instanceof ApiError && (reason === undefined || error.reason === reason);
}
