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

/**
 * A JSON list written piece by piece: `{...head, items: [item, item, ...]}` (or another `field`,
 * e.g. a Table's rows) where each item is already JSON. A big list never becomes one string, and the socket's back-pressure is respected.
 */
export async function writeJsonList(
  response: ServerResponse,
  head: Record<string, unknown>,
  items: readonly string[],
  contentType = 'application/json',
  field = 'items',
): Promise<void> {
  response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  const opening = JSON.stringify({ ...head, [field]: [] });
  let chunk = opening.slice(0, -2); // up to and including "items":[
  for (let i = 0; i < items.length; i++) {
    chunk += (i === 0 ? '' : ',') + (items[i] as string);
    if (chunk.length >= 64 * 1024) {
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
      chunk = '';
    }
  }
  response.end(`${chunk}]}`);
}
