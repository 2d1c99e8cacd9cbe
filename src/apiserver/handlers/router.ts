// Which handler serves a resource request, by verb and subresource.
import { methodNotAllowed, notFound } from '../../api/api-errors.js';
import type { Handler, RequestContext } from './context.js';
import { createHandler } from './create.js';
import { deleteCollectionHandler, deleteHandler } from './delete.js';
import { patchHandler } from './patch.js';
import { bindingHandler } from './pod-binding.js';
import { evictionHandler } from './pod-eviction.js';
import { streamHandler } from './pod-exec.js';
import { logHandler } from './pod-log.js';
import { portForwardHandler } from './pod-portforward.js';
import { getHandler, listHandler } from './read.js';
import { scaleGetHandler, scalePatchHandler, scaleUpdateHandler } from './scale.js';
import { updateHandler } from './update.js';
import { watchHandler, type WatchSettings } from './watch.js';

export async function routeResource(context: RequestContext, watchSettings: WatchSettings): Promise<void> {
  const { verb, subresource } = context.info;
  const { descriptor } = context.resource;
  if (context.info.namespace === undefined && descriptor.namespaced && context.info.name !== undefined) {
    throw notFound({ group: descriptor.group, resource: descriptor.plural, name: context.info.name });
  }
  if (subresource === undefined) {
    const named = context.info.name !== undefined;
    // Upstream routes: POST only on collections, PUT and PATCH only on objects; and only the verbs
    // the resource serves (namespaces have no deletecollection).
    if ((verb === 'create' && named) || ((verb === 'update' || verb === 'patch') && !named)) throw methodNotAllowed();
    if (descriptor.verbs !== undefined && !descriptor.verbs.includes(verb)) throw methodNotAllowed();
    switch (verb) {
      case 'get':
        return getHandler(context);
      case 'list':
        return listHandler(context);
      case 'watch':
        return watchHandler(watchSettings)(context);
      case 'create':
        return createHandler(context);
      case 'update':
        return updateHandler(context);
      case 'patch':
        return patchHandler(context);
      case 'delete':
        return deleteHandler(context);
      case 'deletecollection':
        return deleteCollectionHandler(context);
    }
    throw methodNotAllowed();
  }
  if (subresource === 'status' && descriptor.hasStatus) {
    if (verb === 'get') return getHandler(context);
    if (verb === 'update') return updateHandler(context);
    if (verb === 'patch') return patchHandler(context);
    throw methodNotAllowed();
  }
  if (subresource === 'scale' && descriptor.scale !== undefined) {
    if (verb === 'get') return scaleGetHandler(context);
    if (verb === 'update') return scaleUpdateHandler(context);
    if (verb === 'patch') return scalePatchHandler(context);
    throw methodNotAllowed();
  }
  // namespaces/finalize: PUT only, as upstream; it changes spec.finalizers and nothing else.
  if (subresource === 'finalize' && descriptor.otherSubresources?.includes('finalize') === true) {
    if (verb === 'update') return updateHandler(context);
    throw methodNotAllowed();
  }
  if (descriptor.group === '' && descriptor.plural === 'pods') {
    const podHandler = podSubresourceHandler(subresource, verb);
    if (podHandler !== undefined) return podHandler(context);
  }
  throw notFound({ group: descriptor.group, resource: `${descriptor.plural}/${subresource}`, name: context.info.name ?? '' });
}

/** The pod subresources beyond status; undefined for one pods do not have. */
function podSubresourceHandler(subresource: string, verb: string): Handler | undefined {
  switch (subresource) {
    case 'binding':
    case 'eviction':
      if (verb !== 'create') throw methodNotAllowed();
      return subresource === 'binding' ? bindingHandler : evictionHandler;
    case 'log':
      if (verb !== 'get') throw methodNotAllowed();
      return logHandler;
    case 'exec':
    case 'attach':
      return streamHandler(subresource);
    case 'portforward':
      return portForwardHandler;
  }
  return undefined;
}
