import { describe, expect, it } from 'vitest';
import { deepFreeze, keyOf, namespaceIndex, ObjectStore, splitKey } from './object-store.js';
import { resourcePath, Deployments, Nodes, Pods, apiVersionOf } from './resource-types.js';
import type { KubeObject } from './rest-client.js';
import { jsonLines } from './watch-stream.js';
import { ApiError, isAlreadyExists, isConflict, isGone, isNotFound, isTooManyRequests } from './client-errors.js';

async function collect(chunks: (string | Buffer)[]): Promise<unknown[]> {
  async function* source(): AsyncGenerator<string | Buffer> {
    await Promise.resolve();
    yield* chunks;
  }
  const out: unknown[] = [];
  for await (const value of jsonLines(source())) out.push(value);
  return out;
}

describe('keys', () => {
  it('keyOf and splitKey round-trip namespaced and cluster-scoped names', () => {
    expect(keyOf({ metadata: { namespace: 'ns', name: 'a' } })).toBe('ns/a');
    expect(keyOf({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(keyOf({ metadata: { namespace: '', name: 'node-1' } })).toBe('node-1');
    expect(splitKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(splitKey('node-1')).toEqual({ name: 'node-1' });
  });

  it('builds resource paths', () => {
    expect(resourcePath(Pods, 'ns', 'p', 'status')).toBe('/api/v1/namespaces/ns/pods/p/status');
    expect(resourcePath(Pods)).toBe('/api/v1/pods');
    expect(resourcePath(Nodes, 'ignored', 'n')).toBe('/api/v1/nodes/n');
    expect(resourcePath(Deployments, 'ns')).toBe('/apis/apps/v1/namespaces/ns/deployments');
    expect(apiVersionOf(Deployments)).toBe('apps/v1');
    expect(apiVersionOf(Pods)).toBe('v1');
  });
});

describe('ObjectStore', () => {
  type Obj = KubeObject & { spec?: { tags?: string[] } };
  const o = (ns: string, name: string, tags: string[]): Obj => ({ metadata: { namespace: ns, name }, spec: { tags } });

  it('keeps indexes in step with puts and removes, and freezes what it stores', () => {
    const store = new ObjectStore<Obj>({ namespace: namespaceIndex, tag: (x) => x.spec?.tags ?? [] });
    store.put(o('a', 'x', ['red', 'blue']));
    store.put(o('b', 'y', ['red']));
    expect(store.byIndex('tag', 'red').map(keyOf).sort()).toEqual(['a/x', 'b/y']);
    const { old, current } = store.put(o('a', 'x', ['green']));
    expect(old?.spec?.tags).toEqual(['red', 'blue']);
    expect(Object.isFrozen(current.spec?.tags)).toBe(true);
    expect(store.byIndex('tag', 'red').map(keyOf)).toEqual(['b/y']);
    expect(store.byIndex('tag', 'blue')).toEqual([]);
    expect(store.byIndex('namespace', 'a').map(keyOf)).toEqual(['a/x']);
    store.remove('b/y');
    expect(store.byIndex('tag', 'red')).toEqual([]);
    expect(store.size).toBe(1);
    expect(() => store.byIndex('nope', 'x')).toThrow(/no index/);
  });

  it('a throwing indexer indexes nothing rather than corrupting the store', () => {
    const store = new ObjectStore<Obj>({
      bad: () => {
        throw new Error('boom');
      },
    });
    store.put(o('a', 'x', []));
    expect(store.get('a/x')).toBeDefined();
    expect(store.byIndex('bad', '')).toEqual([]);
  });

  it('deepFreeze freezes nested values', () => {
    const value = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
  });
});

describe('jsonLines', () => {
  it('parses lines split across chunks, skips blank lines, and keeps multi-byte characters whole', async () => {
    const text = Buffer.from('{"a":"é"}\n\n{"b":2}\n{"c":', 'utf8');
    // Split inside the two-byte "é".
    const cut = text.indexOf(0xc3) + 1;
    expect(await collect([text.subarray(0, cut), text.subarray(cut), '3}'])).toEqual([{ a: 'é' }, { b: 2 }, { c: 3 }]);
  });

  it('throws on a line that is not JSON', async () => {
    await expect(collect(['{"a":1}\nnot json\n'])).rejects.toThrow(SyntaxError);
  });
});

describe('error predicates', () => {
  it('tell the codes apart', () => {
    const conflict = new ApiError(409, 'Conflict', 'x');
    const exists = new ApiError(409, 'AlreadyExists', 'x');
    expect([isConflict(conflict), isAlreadyExists(conflict)]).toEqual([true, false]);
    expect([isConflict(exists), isAlreadyExists(exists)]).toEqual([false, true]);
    expect(isNotFound(new ApiError(404, 'NotFound', 'x'))).toBe(true);
    expect(isGone(new ApiError(410, 'Expired', 'x'))).toBe(true);
    expect(isTooManyRequests(new ApiError(429, 'TooManyRequests', 'x'))).toBe(true);
    expect(isNotFound(new Error('404'))).toBe(false);
    const parsed = ApiError.fromResponse(404, 'GET', '/x', Buffer.from('{"kind":"Status","code":404,"reason":"NotFound","message":"nope"}'));
    expect([parsed.status, parsed.reason, parsed.message, parsed.code]).toEqual([404, 'NotFound', 'nope', 'ApiError']);
    const raw = ApiError.fromResponse(502, 'GET', '/x', Buffer.from('bad gateway'));
    expect(raw.message).toContain('bad gateway');
    expect(raw.statusObject).toBeUndefined();
  });
});
