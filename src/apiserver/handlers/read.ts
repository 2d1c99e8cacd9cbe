// get and list: objects from the watch cache (or the store, for consistent pages), as JSON or Table.
import { badRequest } from '../../api/api-errors.js';
import { apiVersionOf } from '../registry/resource.js';
import { writeJson, writeJsonList } from '../http/responses.js';
import { includeObjectOf, TABLE_CONTENT_TYPE, tableHead, tableRowsJson, toTable, wantsTable } from '../tables/table.js';
import type { Handler } from './context.js';
import { objectMatcher } from './selectors.js';

export const getHandler: Handler = async (context) => {
  const { store, descriptor } = context.resource;
  const name = context.info.name ?? '';
  const object =
    context.query.get('resourceVersion') === '0'
      ? await store.getCached(context.info.namespace, name)
      : await store.get(context.info.namespace, name);
  if (wantsTable(context.request.headers.accept)) {
    const table = toTable(descriptor, [object], includeObjectOf(context.query), {
      resourceVersion: object.metadata?.resourceVersion ?? '',
    });
    writeJson(context.response, 200, table, TABLE_CONTENT_TYPE);
    return;
  }
  writeJson(context.response, 200, object);
};

export function parseLimit(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null || text === '') return 0;
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 0) throw badRequest(`invalid limit: "${text}"`);
  return limit;
}

export const listHandler: Handler = async (context) => {
  const { store, descriptor } = context.resource;
  const matches = objectMatcher(context.query, descriptor);
  const continueToken = context.query.get('continue') ?? undefined;
  const resourceVersion = context.query.get('resourceVersion') ?? undefined;
  if (resourceVersion !== undefined && resourceVersion !== '' && !/^\d+$/.test(resourceVersion)) {
    throw badRequest(`resourceVersion: Invalid value: "${resourceVersion}": strconv.ParseUint: parsing "${resourceVersion}": invalid syntax`);
  }
  const result = await store.list({
    ...(context.info.namespace === undefined ? {} : { namespace: context.info.namespace }),
    ...(matches === undefined ? {} : { matches }),
    limit: parseLimit(context.query),
    ...(continueToken === undefined || continueToken === '' ? {} : { continueToken }),
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
  });
  const metadata = {
    resourceVersion: String(result.revision),
    ...(result.continueToken === undefined ? {} : { continue: result.continueToken }),
    ...(result.remainingItemCount === undefined ? {} : { remainingItemCount: result.remainingItemCount }),
  };
  if (wantsTable(context.request.headers.accept)) {
    const rows = tableRowsJson(descriptor, result.items, includeObjectOf(context.query), {
      json: (object) => store.cache.jsonOf(object),
      metadataJson: (object) => store.cache.metadataJsonOf(object),
    });
    await writeJsonList(context.response, tableHead(descriptor, metadata), rows, TABLE_CONTENT_TYPE, 'rows');
    return;
  }
  // Items stream out one by one, each serialized once while the watch cache holds it.
  await writeJsonList(
    context.response,
    { kind: descriptor.listKind, apiVersion: apiVersionOf(descriptor), metadata },
    result.items.map((item) => store.cache.jsonOf(item)),
  );
};
