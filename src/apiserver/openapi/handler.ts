// Serves /openapi/v3 (the index), /openapi/v3/<group version> and /openapi/v2, with upstream's
// caching contract: a document fetched with ?hash=<its hash> is immutable (clients cache it on
// disk by that URL); a stale hash is redirected to the current one; ETag / If-None-Match apply.
// Only JSON is served: a client asking for the protobuf encodings alone gets 406, as upstream
// answers for encodings it lacks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, notAcceptable } from '../../api/api-errors.js';
import { writeError } from '../http/responses.js';
import type { Registry } from '../registry/registry.js';
import { OpenApiDocuments, type ServedDocument } from './documents.js';

const built = new WeakMap<Registry, OpenApiDocuments>();

/** The documents of a registry, built on first use. The registry's resources are fixed once built. */
export function openApiDocuments(registry: Registry): OpenApiDocuments {
  let documents = built.get(registry);
  if (documents === undefined) {
    documents = new OpenApiDocuments(registry);
    built.set(registry, documents);
  }
  return documents;
}

const V3_PREFIX = '/openapi/v3/';

/**
 * Answers GET and HEAD of the OpenAPI paths; false (nothing written) for any other path. `path`
 * is the URL path without the query and without trailing slashes.
 */
export function handleOpenApi(request: IncomingMessage, response: ServerResponse, path: string, registry: Registry): boolean {
  if (path !== '/openapi/v2' && path !== '/openapi/v3' && !path.startsWith(V3_PREFIX)) return false;
  try {
    if (!acceptsJson(request.headers.accept)) throw notAcceptable(['application/json']);
    const documents = openApiDocuments(registry);
    if (path === '/openapi/v2') {
      send(request, response, documents.swagger(), false);
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
  response.writeHead(200, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(document.json) });
  response.end(document.json);
}

/** Whether an Accept header admits JSON: absent, application/json, application/* or * / *. */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) return false;
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}
