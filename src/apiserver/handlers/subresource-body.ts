// The body of a POST to a pod subresource (Binding, Eviction): an object of one kind, about the
// pod the URL names, in the URL's namespace.
import { badRequest } from '../../api/api-errors.js';
import { decodeBody, mediaType, readBody } from '../http/body.js';
import type { KubeObject } from '../registry/resource.js';
import type { RequestContext } from './context.js';

export interface SubresourceBody {
  readonly object: KubeObject;
  /** The pod's name: the URL's, or the body's for the legacy collection POST (/bindings). */
  readonly name: string;
}

export async function readSubresourceBody(context: RequestContext, kind: string, apiVersions: readonly string[]): Promise<SubresourceBody> {
  const body = decodeBody(await readBody(context.request), mediaType(context.request));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`the body of the request must be a ${kind} object`);
  const object = body as KubeObject;
  if (object.kind !== undefined && object.kind !== kind) {
    throw badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${kind})`);
  }
  if (object.apiVersion !== undefined && !apiVersions.includes(String(object.apiVersion))) {
    throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersions.join(' or ')})`);
  }
  const meta = object.metadata;
  if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta))) throw badRequest('metadata must be an object');
  const namespace = meta?.namespace;
  if (namespace !== undefined && namespace !== '' && namespace !== context.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const bodyName = typeof meta?.name === 'string' ? meta.name : '';
  const urlName = context.info.name;
  // Upstream insists on the name in the body; an empty one is taken to mean the URL's.
  if (urlName !== undefined && bodyName !== '' && bodyName !== urlName) throw badRequest(`name in URL does not match name in ${kind} object`);
  const name = urlName ?? bodyName;
  if (name === '') throw badRequest(`name is required in the ${kind} object`);
  return { object, name };
}

/** What upstream answers to a successful Binding or Eviction: a Status with the create's 201. */
export function createdStatus(): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
