// A watch whose events carry Tables (or objects): the shared RestClient's watch() only asks for
// plain JSON, and kubectl's get -w asks for Table rows, so this opens the stream itself with the
// same credentials and the Accept header it needs.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError } from '../../client/client-errors.js';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { jsonLines } from '../../client/watch-stream.js';

export interface RawWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

function open(config: ClientConfig, path: string, query: Record<string, string>, accept: string, signal: AbortSignal): Promise<IncomingMessage> {
  const url = new URL(config.server);
  const search = new URLSearchParams({ ...query, watch: 'true' }).toString();
  const headers: Record<string, string> = { Accept: accept, 'User-Agent': config.userAgent ?? 'superctl' };
  if (config.token !== undefined) headers.Authorization = `Bearer ${config.token}`;
  const https = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? undefined : Number(url.port),
      method: 'GET',
      path: `${url.pathname.replace(/\/+$/, '')}${path}?${search}`,
      headers,
      signal,
      ...(https
        ? {
            ...(config.caPem !== undefined ? { ca: config.caPem } : {}),
            ...(config.certPem !== undefined ? { cert: config.certPem } : {}),
            ...(config.keyPem !== undefined ? { key: config.keyPem } : {}),
            rejectUnauthorized: config.insecureSkipTlsVerify !== true,
          }
        : {}),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

/** The events of one watch until the server ends it or the signal aborts. */
export async function* watchEvents(
  config: ClientConfig,
  path: string,
  query: Record<string, string>,
  accept: string,
  signal: AbortSignal,
): AsyncGenerator<RawWatchEvent> {
  let response: IncomingMessage;
  try {
    response = await open(config, path, query, accept, signal);
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
  try {
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const chunks: Buffer[] = [];
      for await (const chunk of response as AsyncIterable<Buffer>) chunks.push(chunk);
      throw ApiError.fromResponse(status, 'GET', path, Buffer.concat(chunks));
    }
    for await (const value of jsonLines(response as AsyncIterable<Buffer>)) yield value as RawWatchEvent;
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    response.destroy();
  }
}
