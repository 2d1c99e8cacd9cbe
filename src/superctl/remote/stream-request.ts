// Requests whose answer is a stream the command reads as it comes (logs -f) and WebSocket
// upgrades (exec), made with the same server, credentials and trust as the REST client. The REST
// client reads whole bodies, so these go through node:https and ws directly.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { WebSocket } from 'ws';
import { ApiError } from '../../client/client-errors.js';
import type { ClientConfig } from '../../client/kubeconfig.js';

export function urlOf(config: ClientConfig, path: string, query: URLSearchParams): URL {
  const base = new URL(config.server);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base);
  url.search = query.toString();
  return url;
}

export function tlsOptions(config: ClientConfig): Record<string, unknown> {
  return {
    ...(config.caPem !== undefined ? { ca: config.caPem } : {}),
    ...(config.certPem !== undefined ? { cert: config.certPem } : {}),
    ...(config.keyPem !== undefined ? { key: config.keyPem } : {}),
    rejectUnauthorized: config.insecureSkipTlsVerify !== true,
  };
}

export function headersOf(config: ClientConfig): Record<string, string> {
  return {
    'User-Agent': config.userAgent ?? 'superctl',
    ...(config.token !== undefined ? { Authorization: `Bearer ${config.token}` } : {}),
  };
}

/** GET path and hand over the answer's body as a stream; a non-2xx answer throws ApiError. */
export function openStream(config: ClientConfig, path: string, query: URLSearchParams, signal?: AbortSignal): Promise<IncomingMessage> {
  const url = urlOf(config, path, query);
  const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requestFn(url, { method: 'GET', headers: { ...headersOf(config), Accept: '*/*' }, ...tlsOptions(config), ...(signal ? { signal } : {}) });
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return resolve(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => reject(ApiError.fromResponse(status, 'GET', path, Buffer.concat(chunks))));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * Opens a WebSocket to path offering the subprotocols in order. A refused upgrade (the server
 * answered with a Status) throws ApiError, as a plain request would.
 */
export function openWebSocket(config: ClientConfig, path: string, query: URLSearchParams, protocols: readonly string[]): Promise<WebSocket> {
  const url = urlOf(config, path, query);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...protocols], { headers: headersOf(config), perMessageDeflate: false, ...tlsOptions(config) });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => reject(ApiError.fromResponse(res.statusCode ?? 0, 'GET', path, Buffer.concat(chunks))));
    });
    ws.once('error', reject);
  });
}
