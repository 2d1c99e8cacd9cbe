// What a request is about, from its method and path alone, as upstream's RequestInfoFactory:
// /api/v1/namespaces/{ns}/{resource}/{name}/{subresource} and /apis/{group}/{version}/....
export interface ResourceRequestInfo {
  readonly kind: 'resource';
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource?: string;
}

export interface NonResourceRequestInfo {
  readonly kind: 'nonResource';
  readonly verb: string;
  readonly path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const VERB_OF_METHOD: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const methodVerb = VERB_OF_METHOD[method] ?? method.toLowerCase();
  // Segments are percent-decoded one by one, after splitting: "%2F" in a name never splits it.
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const nonResource = (): NonResourceRequestInfo => ({ kind: 'nonResource', verb: methodVerb, path: pathname });

  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] as string;
    version = parts[2] as string;
    rest = parts.slice(3);
  } else {
    return nonResource();
  }

  // Deprecated /watch/ paths: GET /api/v1/watch/namespaces/{ns}/pods.
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // /api/v1/namespaces/{name}/status and /finalize are subresources of the namespace itself, not
  // a resource inside it (upstream's namespaceSubresources).
  const namespaceSubresource = rest[0] === 'namespaces' && rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2] ?? '');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    // /api/v1/namespaces/{name}: the namespace object itself.
    namespace = undefined;
  }
  const [resource, name, subresource, ...extra] = rest;
  if (resource === undefined || extra.length > 0) return nonResource();

  let verb = methodVerb;
  if (name === undefined) {
    if (verb === 'get') verb = isWatch(query) || watchPath ? 'watch' : 'list';
    if (verb === 'delete') verb = 'deletecollection';
  } else if (verb === 'get' && (isWatch(query) || watchPath)) {
    verb = 'watch';
  }
  return {
    kind: 'resource',
    verb,
    group,
    version,
    ...(namespace === undefined ? {} : { namespace }),
    resource,
    ...(name === undefined ? {} : { name }),
    ...(subresource === undefined ? {} : { subresource }),
  };
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function isWatch(query: URLSearchParams): boolean {
  const value = query.get('watch');
  return value === 'true' || value === '1';
}
