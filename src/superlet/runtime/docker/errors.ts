// Narrowing dockerode's errors (plain objects with an HTTP statusCode) without `any`.

export function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const code = (error).statusCode;
  return typeof code === 'number' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusCode(error) === 404;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // dockerode puts the daemon's JSON message in `json`; `message` repeats the HTTP status.
    const json = (error as { json?: unknown }).json;
    if (typeof json === 'object' && json !== null && 'message' in json && typeof json.message === 'string') return json.message;
    return error.message;
  }
  return String(error);
}
