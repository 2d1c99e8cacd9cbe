// Serves /openapi/v3 (the index), /openapi/v3/<group version> and /openapi/v2, with upstream's
// caching contract: a document fetched with ?hash=<its hash> is immutable (clients cache it on
// disk by that URL); a stale hash is redirected to the current one; ETag / If-None-Match apply.
// Documents are JSON; /openapi/v2 is also protobuf, which client-go asks for. A client asking
// only for an encoding not served (the v3 protobuf) gets 406.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, notAcceptable } from '../../api/api-errors.js';
import { writeError } from '../http/responses.js';
import type { Registry } from '../registry/registry.js';
import { openApiDocuments, type ServedDocument } from './documents.js';
import { V2_PROTOBUF, V2_PROTOBUF_REQUESTED } from './v2-protobuf.js';

const V3_PREFIX = '/openapi/v3/';

/**
 * Answers GET and HEAD of the OpenAPI paths; false (nothing written) for any other path. `path`
 * is the URL path without the query and without trailing slashes.
 */
export function handleOpenApi(request: IncomingMessage, response: ServerResponse, path: string, registry: Registry): boolean {
  if (path !== '/openapi/v2' && path !== '/openapi/v3' && !path.startsWith(V3_PREFIX)) return false;
  try {
    const offered = path === '/openapi/v2' ? [JSON_TYPE, V2_PROTOBUF, V2_PROTOBUF_REQUESTED] : [JSON_TYPE];
    const encoding = negotiate(request.headers.accept, offered);
    if (encoding === undefined) throw notAcceptable(offered);
    const documents = openApiDocuments(registry);
    if (path === '/openapi/v2') {
      send(request, response, documents.swagger(encoding === JSON_TYPE ? 'json' : 'protobuf'), false);
    } else if (path === '/openapi/v3') {
      send(request, response, documents.index, false);
    } else {
      const name = path.slice(V3_PREFIX.length);
      const document = documents.groupVersion(name);
      if (document === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
      const hash = new URL(request.url ?? '/', 'https://localhost').searchParams.get('hash');
      if (hash !== null && hash !== '' && hash !== document.hash) {
        response.writeHead(301, { Location: `${V3_PREFIX}${name}?hash=${document.hash}`, 'Content-Length': 0 });
        response.end();
      } else {
        send(request, response, document, hash !== null && hash !== '');
      }
    }
  } catch (error) {
    writeError(response, error);
  }
  return true;
}

function send(request: IncomingMessage, response: ServerResponse, document: ServedDocument, immutable: boolean): void {
  const etag = `"${document.hash}"`;
  const headers: Record<string, string | number> = {
    ETag: etag,
    Vary: 'Accept',
    'Cache-Control': immutable ? 'public, immutable' : 'no-cache, private',
  };
  if (immutable) headers['Expires'] = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  const match = request.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Type': document.contentType, 'Content-Length': document.body.length });
  response.end(document.body);
}

const JSON_TYPE = 'application/json';

/**
 * The first media type of the Accept header that is offered (a wildcard takes the first
 * offered); undefined if none is. No Accept header means any.
 */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === '') return offered[0];
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) continue;
    if (type === '*/*' || type === 'application/*') return offered[0];
    const match = offered.find((o) => o.toLowerCase() === type);
    if (match !== undefined) return match;
  }
  return undefined;
}
