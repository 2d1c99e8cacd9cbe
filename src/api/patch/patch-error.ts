// Errors of the PATCH verb, shaped after the Status kube-apiserver returns for the same failure so
// kubectl prints the same thing. The HTTP edge turns one into a Status: code, reason, message, and
// details.causes when there are any.

export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'UnsupportedMediaType' | 'RequestEntityTooLarge';

export interface PatchErrorCause {
  readonly message: string;
  /** Kubernetes StatusCause reason, e.g. FieldValueInvalid; absent when upstream leaves it empty. */
  readonly reason?: string;
  readonly field?: string;
}

export class PatchError extends Error {
  constructor(
    /** The HTTP status code, as in Status.code. */
    readonly code: 400 | 413 | 415 | 422,
    readonly reason: PatchErrorReason,
    message: string,
    readonly causes: readonly PatchErrorCause[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `PatchError(${reason})`;
  }
}

export function isPatchError(error: unknown, reason?: PatchErrorReason): error is PatchError {
  return error instanceof PatchError && (reason === undefined || error.reason === reason);
}

/** errors.NewBadRequest: the message is shown as is. */
export function patchBadRequest(message: string, cause?: unknown): PatchError {
  return new PatchError(400, 'BadRequest', message, [], { cause });
}

/**
 * errors.NewGenericServerResponse(422, ...), which kube-apiserver uses when applying a JSON patch
 * fails: a fixed message, with what actually went wrong in the single cause.
 */
export function patchRejected(detail: string, cause?: unknown): PatchError {
  return new PatchError(
    422,
    'Invalid',
    'the server rejected our request due to an error in our request',
    [{ message: detail }],
    { cause },
  );
}

/** errors.NewInvalid on the "patch" field: the patched document could not become an object. */
export function patchResultInvalid(value: string, detail: string): PatchError {
  return new PatchError(422, 'Invalid', ` "" is invalid: patch: Invalid value: ${JSON.stringify(value)}: ${detail}`, [
    { reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(value)}: ${detail}` },
  ]);
}

export function patchTooLarge(message: string): PatchError {
  return new PatchError(413, 'RequestEntityTooLarge', message);
}

/** negotiation.NewUnsupportedMediaTypeError, listing the patch types this resource accepts. */
export function unsupportedPatchType(accepted: readonly string[]): PatchError {
  return new PatchError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}
