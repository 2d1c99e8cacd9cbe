// The 401 a request gets when it is not authenticated: a Kubernetes Status, as kube-apiserver sends.
import type { ServerResponse } from 'node:http';

export interface UnauthorizedStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: 'Unauthorized';
  readonly reason: 'Unauthorized';
  readonly code: 401;
}

export function unauthorizedStatus(): UnauthorizedStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
}

/**
 * Sends the 401. The reason is not in the body (kube-apiserver does not tell the client what was
 * wrong with its credentials either); log it on the server side.
 */
export function respondUnauthorized(response: ServerResponse): void {
  const body = JSON.stringify(unauthorizedStatus());
  response.writeHead(401, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
  });
  response.end(body);
}
