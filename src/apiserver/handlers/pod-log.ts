// pods/log: checks the PodLogOptions as upstream, finds the container and the pod's superlet, asks
// it for /containerLogs/NS/POD/CONTAINER and streams its answer through as text/plain (chunk by
// chunk when following). A refusal of the superlet becomes a Status as upstream's response checker
// makes it.
import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest, invalid, type FieldCause } from '../../api/api-errors.js';
import { describeAddress } from '../nodeproxy/superlet-connector.js';
import type { Handler } from './context.js';
import { boolParam, intParam, streamTarget, superletOf } from './pod-stream-target.js';

/** Upstream reads at most this much of a refusal's body. */
const MAX_ERROR_BODY = 16 * 1024;

interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function logOptions(query: URLSearchParams): LogOptions {
  const sinceTime = query.get('sinceTime') ?? undefined;
  if (sinceTime !== undefined && (!RFC3339.test(sinceTime) || Number.isNaN(Date.parse(sinceTime)))) {
    throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": not an RFC 3339 time`);
  }
  const tailLines = intParam(query, 'tailLines');
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const limitBytes = intParam(query, 'limitBytes');
  return {
    container: query.get('container') ?? '',
    follow: boolParam(query, 'follow'),
    previous: boolParam(query, 'previous'),
    timestamps: boolParam(query, 'timestamps'),
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(sinceSeconds === undefined ? {} : { sinceSeconds }),
    ...(sinceTime === undefined ? {} : { sinceTime }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
  };
}

/** Upstream's ValidatePodLogOptions. */
function validate(options: LogOptions): FieldCause[] {
  const causes: FieldCause[] = [];
  if (options.tailLines !== undefined && options.tailLines < 0) {
    causes.push({ reason: 'FieldValueInvalid', field: 'tailLines', message: `tailLines: Invalid value: ${options.tailLines}: must be greater than or equal to 0` });
  }
  if (options.limitBytes !== undefined && options.limitBytes < 1) {
    causes.push({ reason: 'FieldValueInvalid', field: 'limitBytes', message: `limitBytes: Invalid value: ${options.limitBytes}: must be greater than 0` });
  }
  if (options.sinceSeconds !== undefined && options.sinceTime !== undefined) {
    causes.push({ reason: 'FieldValueForbidden', field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  } else if (options.sinceSeconds !== undefined && options.sinceSeconds < 1) {
    causes.push({ reason: 'FieldValueInvalid', field: 'sinceSeconds', message: `sinceSeconds: Invalid value: ${options.sinceSeconds}: must be greater than 0` });
  }
  return causes;
}

/** The superlet's query: upstream's LogLocation parameters. */
function superletQuery(options: LogOptions): string {
  const params = new URLSearchParams();
  if (options.follow) params.set('follow', 'true');
  if (options.previous) params.set('previous', 'true');
  if (options.timestamps) params.set('timestamps', 'true');
  if (options.sinceSeconds !== undefined) params.set('sinceSeconds', String(options.sinceSeconds));
  if (options.sinceTime !== undefined) params.set('sinceTime', options.sinceTime);
  if (options.tailLines !== undefined) params.set('tailLines', String(options.tailLines));
  if (options.limitBytes !== undefined) params.set('limitBytes', String(options.limitBytes));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function readSome(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_ERROR_BODY) break;
  }
  response.destroy();
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY).trim();
}

/** A refusal of the superlet as a Status, as upstream's GenericHttpResponseChecker words it. */
async function refusal(response: IncomingMessage, pod: string): Promise<ApiError> {
  const code = response.statusCode ?? 500;
  const text = await readSome(response);
  if (code === 400) return badRequest(text);
  if (code === 500) return new ApiError(500, 'InternalError', `Internal error occurred: ${text}`);
  const details = { name: pod, kind: 'pods/log' };
  if (code === 404) return new ApiError(404, 'NotFound', text || 'the server could not find the requested resource', details);
  const reason = code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 503 ? 'ServiceUnavailable' : 'InternalError';
  return new ApiError(code >= 400 && code < 600 ? code : 500, reason, text || `the server responded with the status code ${code} but did not return more information`, details);
}

export const logHandler: Handler = async (context) => {
  const options = logOptions(context.query);
  const causes = validate(options);
  if (causes.length > 0) throw invalid('PodLogOptions', '', context.info.name ?? '', causes);
  const target = await streamTarget(context, options.container);
  const { connector, address } = await superletOf(context, target);
  const path = `/containerLogs/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.name)}/${encodeURIComponent(target.container)}${superletQuery(options)}`;
  const upstream = connector.request(address, { method: 'GET', path });
  const stop = (): void => {
    upstream.destroy();
  };
  context.signal.addEventListener('abort', stop, { once: true });
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      upstream.once('response', resolve);
      upstream.once('error', (error) => reject(new ApiError(500, 'InternalError', `Get "https://${describeAddress(address)}${path}": ${error.message}`)));
      upstream.end();
    });
    const code = response.statusCode ?? 500;
    if (code < 200 || code > 206) throw await refusal(response, target.name);
    context.response.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
    // Each chunk goes out as it comes: with follow, a line is seen as soon as it is written.
    context.response.flushHeaders();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        context.response.end();
        resolve();
      };
      response.once('end', done);
      // The superlet went away mid-stream: the client sees the stream cut short, as upstream's.
      response.once('error', () => {
        context.response.destroy();
        resolve();
      });
      response.once('aborted', () => {
        context.response.destroy();
        resolve();
      });
      context.response.once('close', () => {
        response.destroy();
        resolve();
      });
      response.pipe(context.response, { end: false });
    });
  } finally {
    context.signal.removeEventListener('abort', stop);
  }
};
