// watch: one JSON event per line, over a chunked response that stays open until timeoutSeconds,
// the client leaving, or the server stopping. Objects always carry kind and apiVersion; bookmarks
// when asked; a resourceVersion too old for the cache is an ERROR event with a 410 Status, as
// upstream's watch cache sends it.
import { badRequest, isApiError, toStatus } from '../../api/api-errors.js';
import type { KubeObject, ResourceDescriptor } from '../registry/resource.js';
import { apiVersionOf } from '../registry/resource.js';
import type { CacheEvent } from '../storage/watch-cache.js';
import { includeObjectOf, TABLE_CONTENT_TYPE, toTable, wantsTable, type IncludeObject } from '../tables/table.js';
import type { Handler } from './context.js';
import { objectMatcher } from './selectors.js';

export interface WatchSettings {
  /** How often an idle watch that allows bookmarks gets one (upstream: about a minute). */
  readonly bookmarkIntervalMs: number;
  /** The longest a watch lasts without timeoutSeconds (upstream: 30-60 minutes). */
  readonly maxTimeoutSeconds: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = { bookmarkIntervalMs: 60_000, maxTimeoutSeconds: 1800 };

function parseTimeout(query: URLSearchParams, max: number): number {
  const text = query.get('timeoutSeconds');
  if (text === null || text === '') return max * (1 + Math.random());
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw badRequest(`invalid timeoutSeconds: "${text}"`);
  return seconds;
}

function parseStart(resourceVersion: string | null, sendInitialEvents: boolean): number | undefined {
  if (sendInitialEvents || resourceVersion === null || resourceVersion === '' || resourceVersion === '0') return undefined;
  const revision = Number(resourceVersion);
  if (!Number.isInteger(revision) || revision < 0) throw badRequest(`invalid resource version: "${resourceVersion}"`);
  return revision;
}

export function watchHandler(settings: WatchSettings): Handler {
  return async (context) => {
    const { store, descriptor } = context.resource;
    const query = context.query;
    const nameMatcher = objectMatcher(query, descriptor, context.info.name);
    const timeoutMs = parseTimeout(query, settings.maxTimeoutSeconds) * 1000;
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const sendInitialEvents = query.get('sendInitialEvents') === 'true';
    const afterRevision = parseStart(query.get('resourceVersion'), sendInitialEvents);
    const table = wantsTable(context.request.headers.accept);
    const include = includeObjectOf(query);

    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    context.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop.abort(), timeoutMs);

    const response = context.response;
    response.writeHead(200, {
      'Content-Type': table ? TABLE_CONTENT_TYPE : 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // As upstream: the client sees the 200 at once, not with the first event.
    response.flushHeaders();
    const write = (line: object): void => {
      response.write(`${JSON.stringify(line)}\n`);
    };
    let lastRevision = 0;
    let first = true;
    const send = (event: CacheEvent): void => {
      lastRevision = event.revision;
      if (table) {
        // As upstream, only the first Table of a watch carries the column definitions.
        write({ type: event.type, object: present(descriptor, event.object, table, include, first) });
      } else {
        const line = store.cache.encodeOnce(event, (e) => `${JSON.stringify({ type: e.type, object: present(descriptor, e.object, false, include, false) })}\n`);
        response.write(line);
      }
      first = false;
    };
    const bookmark = (revision: number, initialEventsEnd = false): void => {
      write({
        type: 'BOOKMARK',
        object: {
          kind: descriptor.kind,
          apiVersion: apiVersionOf(descriptor),
          metadata: {
            resourceVersion: String(revision),
            ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
          },
        },
      });
    };

    let ticker: NodeJS.Timeout | undefined;
    try {
      const watch = await store.watch({
        ...(context.info.namespace === undefined ? {} : { namespace: context.info.namespace }),
        ...(nameMatcher === undefined ? {} : { matches: nameMatcher }),
        ...(afterRevision === undefined ? {} : { afterRevision }),
        signal: stop.signal,
      });
      const initialRevision = Math.max(store.cache.revision, afterRevision ?? 0);
      for (const event of watch.initial) send(event);
      if (sendInitialEvents && bookmarks) bookmark(initialRevision, true);
      lastRevision = Math.max(lastRevision, initialRevision);
      if (bookmarks) {
        ticker = setInterval(() => bookmark(Math.max(lastRevision, store.cache.revision)), settings.bookmarkIntervalMs);
      }
      for await (const event of watch.events) send(event);
    } catch (error) {
      if (isApiError(error)) write({ type: 'ERROR', object: toStatus(error) });
      else if (!stop.signal.aborted) write({ type: 'ERROR', object: toStatus(badRequest('watch closed: re-list and watch again')) });
    } finally {
      clearTimeout(timer);
      if (ticker !== undefined) clearInterval(ticker);
      context.signal.removeEventListener('abort', onAbort);
      response.end();
    }
  };
}

function present(descriptor: ResourceDescriptor, object: KubeObject, table: boolean, include: IncludeObject, columns: boolean): unknown {
  const typed = object.kind === undefined ? { kind: descriptor.kind, apiVersion: apiVersionOf(descriptor), ...object } : object;
  return table ? toTable(descriptor, [typed], include, {}, columns) : typed;
}
