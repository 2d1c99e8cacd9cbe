// Writing responses: every response has a Content-Type; errors are Kubernetes Status objects.
import type { ServerResponse } from 'node:http';
import { ApiError, internalError, toStatus } from '../../api/api-errors.js';

export function writeJson(response: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  response.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  response.end(text);
}

export function writeError(response: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : internalError(error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (apiError.reason === 'TooManyRequests') response.setHeader('Retry-After', String(apiError.details?.retryAfterSeconds ?? 1));
  writeJson(response, apiError.code, toStatus(apiError));
}

export function writeText(response: ServerResponse, code: number, text: string): void {
  response.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
