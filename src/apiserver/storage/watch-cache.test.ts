// The watch cache on a real SQLite engine: it mirrors the store, replays its window of events,
// refuses revisions older than its window with 410, and shows a filtered watcher objects that
// leave or enter its filter as DELETED and ADDED.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteEngine } from '../../supercache/sqlite/sqlite-engine.js';
import type { KubeObject } from '../registry/resource.js';
import { encodeObject } from './codec.js';
import { WatchCache, type CacheEvent } from './watch-cache.js';

let dir: string;
let engine: SqliteEngine;
let stop: AbortController;

const cm = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', labels } });
const put = (name: string, labels: Record<string, string> = {}): Promise<{ revision: number }> =>
  engine.put(`/registry/core/configmaps/ns/${name}`, encodeObject(cm(name, labels)));

async function take(events: AsyncIterable<CacheEvent>, count: number): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of events) {
    seen.push(`${event.type} ${event.object.metadata?.name ?? ''}@${event.revision}`);
    if (seen.length === count) break;
  }
  return seen;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'watch-cache-'));
  engine = new SqliteEngine({ dataDir: dir });
  await engine.start();
  stop = new AbortController();
});

afterEach(async () => {
  stop.abort();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WatchCache', () => {
  it('lists what the store holds and follows it, with resourceVersions from the store', async () => {
    await put('a');
    const cache = new WatchCache({ backend: engine, prefix: '/registry/core/configmaps/' });
    cache.start(stop.signal);
    await cache.ready;
    const { revision } = await put('b');
    await cache.waitFor(revision);
    expect(cache.list().items.map((o) => [o.metadata?.name, o.metadata?.resourceVersion])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('replays events after a revision, then live ones, and refuses revisions before its window', async () => {
    const first = await put('before');
    const cache = new WatchCache({ backend: engine, prefix: '/registry/core/configmaps/' });
    cache.start(stop.signal);
    await cache.ready;
    await put('x');
    const { revision } = await put('x', { v: '2' });
    await cache.waitFor(revision);
    const events = cache.watch({ afterRevision: first.revision, signal: stop.signal });
    const seen = take(events, 3);
    await engine.delete({ key: '/registry/core/configmaps/ns/x' });
    expect(await seen).toEqual(['ADDED x@2', 'MODIFIED x@3', 'DELETED x@4']);
    expect(() => cache.watch({ afterRevision: 0 })).toThrow(expect.objectContaining({ code: 410 }));
  });

  it('shows a filtered watcher an object leaving its filter as DELETED and entering as ADDED', async () => {
    const cache = new WatchCache({ backend: engine, prefix: '/registry/core/configmaps/' });
    cache.start(stop.signal);
    await cache.ready;
    const events = cache.watch({ afterRevision: cache.revision, matches: (o) => o.metadata?.labels?.tier === 'web', signal: stop.signal });
    const seen = take(events, 3);
    await put('p', { tier: 'db' });
    await put('p', { tier: 'web' });
    await put('p', { tier: 'web', extra: '1' });
    await put('p', { tier: 'db' });
    expect(await seen).toEqual(['ADDED p@2', 'MODIFIED p@3', 'DELETED p@4']);
  });
});
