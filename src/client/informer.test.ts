// The reflector's decisions, driven by a scripted client: where each watch starts, when it
// relists, what the diff after a relist tells handlers, and that failures back off.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../util/log.js';
import { waitFor } from '../../test/support/wait.js';
import { ApiError } from './client-errors.js';
import { Informer } from './informer.js';
import { ConfigMaps } from './resource-types.js';
import type { KubeObject, ListResult, RestClient, WatchEvent, WatchOptions } from './rest-client.js';

type Obj = KubeObject & { data?: Record<string, string> };
type WatchScript = (options: WatchOptions & { signal?: AbortSignal }) => AsyncGenerator<WatchEvent<Obj>>;

const obj = (name: string, rv: string, v = ''): Obj => ({ kind: 'ConfigMap', metadata: { name, namespace: 'n', resourceVersion: rv }, data: { v } });

/** Resolves when the signal aborts. */
function aborted(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal?.aborted === true ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true })));
}

// A watch that yields `events`, then stays open until the signal aborts.
const open =
  (...events: WatchEvent<Obj>[]): WatchScript =>
  async function* (options) {
    yield* events;
    await aborted(options.signal);
  };

// A watch that yields `events`, then ends (as the server does at timeoutSeconds).
const ends =
  (...events: WatchEvent<Obj>[]): WatchScript =>
  async function* () {
    await Promise.resolve();
    yield* events;
  };

const fails =
  (error: Error): WatchScript =>
  // eslint-disable-next-line require-yield
  async function* () {
    await Promise.resolve();
    throw error;
  };

class ScriptedClient {
  readonly watchCalls: WatchOptions[] = [];
  listCalls = 0;
  constructor(
    private readonly lists: ListResult<Obj>[],
    private readonly watches: WatchScript[],
  ) {}

  list(): Promise<ListResult<Obj>> {
    const result = this.lists[Math.min(this.listCalls, this.lists.length - 1)];
    this.listCalls++;
    return result === undefined ? Promise.reject(new Error('no list scripted')) : Promise.resolve(result);
  }

  watch(_type: unknown, options: WatchOptions & { signal?: AbortSignal }): AsyncGenerator<WatchEvent<Obj>> {
    const script = this.watches[Math.min(this.watchCalls.length, this.watches.length - 1)] ?? open();
    this.watchCalls.push({ resourceVersion: options.resourceVersion, allowWatchBookmarks: options.allowWatchBookmarks });
    return script(options);
  }
}

function informerOn(client: ScriptedClient): { informer: Informer<Obj>; log: string[]; abort: AbortController } {
  const informer = new Informer<Obj>({
    client: client as unknown as RestClient,
    type: ConfigMaps,
    backoffBaseMs: 20,
    backoffMaxMs: 100,
    logger: silentLogger,
  });
  const log: string[] = [];
  informer.onAdd((o) => log.push(`add ${o.metadata?.name}`));
  informer.onUpdate((o, n) => log.push(`update ${n.metadata?.name} ${o.metadata?.resourceVersion}->${n.metadata?.resourceVersion}`));
  informer.onDelete((o) => log.push(`delete ${o.metadata?.name}`));
  const abort = new AbortController();
  informer.start(abort.signal);
  return { informer, log, abort };
}

const list = (rv: string, ...items: Obj[]): ListResult<Obj> => ({ items, metadata: { resourceVersion: rv } });
const gone = { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as Obj;

describe('Informer reflector', () => {
  it('watches from the list revision with bookmarks, and resumes from the last bookmark', async () => {
    const client = new ScriptedClient([list('10', obj('a', '5'))], [ends({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } }), open()]);
    const { informer, abort } = informerOn(client);
    await waitFor(() => client.watchCalls.length === 2, { what: 'the second watch' });
    abort.abort();
    expect(client.watchCalls).toEqual([
      { resourceVersion: '10', allowWatchBookmarks: true },
      { resourceVersion: '20', allowWatchBookmarks: true },
    ]);
    expect(client.listCalls).toBe(1);
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(['a']);
  });

  it('relists on an ERROR event with 410 and tells handlers the difference', async () => {
    const client = new ScriptedClient(
      [list('10', obj('a', '5'), obj('b', '6'), obj('same', '7')), list('30', obj('b', '25'), obj('c', '28'), obj('same', '7'))],
      [open({ type: 'ERROR', object: gone }), open()],
    );
    const { informer, log, abort } = informerOn(client);
    await waitFor(() => client.watchCalls.length === 2, { what: 'the watch after the relist' });
    abort.abort();
    expect(client.listCalls).toBe(2);
    expect(log).toEqual(['add a', 'add b', 'add same', 'update b 6->25', 'add c', 'delete a']);
    expect(client.watchCalls[1]?.resourceVersion).toBe('30');
    expect(informer.stats()).toMatchObject({ lists: 2, watches: 2, resourceVersion: '30' });
  });

  it('relists on a 410 answer too', async () => {
    const client = new ScriptedClient([list('10'), list('40', obj('x', '35'))], [fails(new ApiError(410, 'Gone', 'gone')), open()]);
    const { log, abort } = informerOn(client);
    await waitFor(() => client.watchCalls.length === 2, { what: 'the second watch' });
    abort.abort();
    expect(log).toEqual(['add x']);
    expect(client.watchCalls[1]?.resourceVersion).toBe('40');
  });

  it('after a transport error, watches again from the last revision without relisting', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const client = new ScriptedClient(
      [list('10')],
      [ends({ type: 'ADDED', object: obj('a', '11') }), fails(reset), fails(reset), open({ type: 'MODIFIED', object: obj('a', '12') })],
    );
    const { informer, log, abort } = informerOn(client);
    await waitFor(() => informer.get('n/a')?.metadata?.resourceVersion === '12', { what: 'the update after reconnecting' });
    abort.abort();
    expect(client.listCalls).toBe(1);
    expect(client.watchCalls.map((c) => c.resourceVersion)).toEqual(['10', '11', '11', '11']);
    expect(log).toEqual(['add a', 'update a 11->12']);
  });

  it('backs off when every watch fails instead of spinning', async () => {
    const client = new ScriptedClient([list('10')], [fails(new ApiError(410, 'Gone', 'gone'))]);
    const { abort } = informerOn(client);
    const start = Date.now();
    await waitFor(() => client.listCalls >= 5, { what: 'five relists' });
    abort.abort();
    // 0 (first 410 relists at once), then 20, 40, 80 ms at least between the others.
    expect(Date.now() - start).toBeGreaterThanOrEqual(130);
  });

  it('a throwing handler does not stop the others or the informer', async () => {
    const client = new ScriptedClient([list('10')], [open({ type: 'ADDED', object: obj('a', '11') }, { type: 'DELETED', object: obj('a', '12') })]);
    const informer = new Informer<Obj>({ client: client as unknown as RestClient, type: ConfigMaps, logger: silentLogger });
    const log: string[] = [];
    informer.onAdd(() => {
      throw new Error('bad handler');
    });
    informer.onAdd((o) => log.push(`add ${o.metadata?.name}`));
    informer.onDelete((o) => log.push(`delete ${o.metadata?.name} ${o.metadata?.resourceVersion}`));
    const abort = new AbortController();
    informer.start(abort.signal);
    await waitFor(() => log.length === 2, { what: 'both events' });
    abort.abort();
    expect(log).toEqual(['add a', 'delete a 12']);
    expect(informer.list()).toEqual([]);
  });
});
