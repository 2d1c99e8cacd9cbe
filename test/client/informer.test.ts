// Informers against a real API server: add/update/delete, indexes, resync, and healing across a
// server restart that leaves the informer's resourceVersion behind the watch cache's window (410).
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer, keyOf } from '../../src/client/informer.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { ConfigMaps, Namespaces } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { waitFor } from '../support/wait.js';

let cp: TestControlPlane;
let client: RestClient;
const aborts: AbortController[] = [];

beforeAll(async () => {
  cp = await startTestControlPlane();
  client = new RestClient({ config: await loadKubeconfig(cp.kubeconfigPath) });
  for (const name of ['inf-a', 'inf-b', 'inf-restart']) await client.create<Namespace>(Namespaces, { metadata: { name } });
});

afterAll(async () => {
  for (const abort of aborts) abort.abort();
  client?.close();
  await cp?.stop();
});

function started<T extends ConfigMap>(informer: Informer<T>): AbortController {
  const abort = new AbortController();
  aborts.push(abort);
  informer.start(abort.signal);
  return abort;
}

interface Recorded {
  log: string[];
}

function record(informer: Informer<ConfigMap>): Recorded {
  const recorded: Recorded = { log: [] };
  informer.onAdd((o) => recorded.log.push(`add ${keyOf(o)} ${o.data?.v ?? ''}`));
  informer.onUpdate((o, n) => recorded.log.push(o === n ? `resync ${keyOf(n)}` : `update ${keyOf(n)} ${o.data?.v ?? ''}->${n.data?.v ?? ''}`));
  informer.onDelete((o) => recorded.log.push(`delete ${keyOf(o)}`));
  return recorded;
}

const cm = (namespace: string, name: string, v: string, labels: Record<string, string> = {}): ConfigMap => ({
  metadata: { name, namespace, labels },
  data: { v },
});

describe('Informer', () => {
  it('lists, then sees adds, updates and deletes; serves frozen objects by key and by namespace', async () => {
    await client.create(ConfigMaps, cm('inf-a', 'before', '0'));
    const informer = new Informer<ConfigMap>({
      client,
      type: ConfigMaps,
      logger: silentLogger,
      indexers: { byV: (o) => [o.data?.v ?? ''] },
    });
    const seen = record(informer);
    started(informer);
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    expect(seen.log).toContain('add inf-a/before 0');
    // The built-in kubernetes Service is not a ConfigMap, but kube-root-ca.crt-like objects may exist; only ours matter.

    const created = await client.create(ConfigMaps, cm('inf-b', 'x', '1'));
    await client.update(ConfigMaps, { ...created, data: { v: '2' } });
    await client.delete(ConfigMaps, 'before', 'inf-a');
    await waitFor(() => seen.log.includes('delete inf-a/before'), { what: 'the delete' });
    const ours = seen.log.filter((l) => l.includes('inf-b/x') || l.includes('inf-a/before'));
    expect(ours).toEqual(['add inf-a/before 0', 'add inf-b/x 1', 'update inf-b/x 1->2', 'delete inf-a/before']);

    const x = informer.get('inf-b/x');
    expect(x?.data?.v).toBe('2');
    expect(informer.get('inf-a/before')).toBeUndefined();
    expect(Object.isFrozen(x)).toBe(true);
    expect(Object.isFrozen(x?.data)).toBe(true);
    expect(() => {
      (x as ConfigMap).data = {};
    }).toThrow(TypeError);
    expect(informer.byIndex('namespace', 'inf-b').map(keyOf)).toEqual(['inf-b/x']);
    expect(informer.byIndex('namespace', 'inf-a')).toEqual([]);
    expect(informer.byIndex('byV', '2').map(keyOf)).toEqual(['inf-b/x']);
    expect(informer.byIndex('byV', '1')).toEqual([]);
    expect(informer.list().some((o) => keyOf(o) === 'inf-b/x')).toBe(true);

    // A handler added after the sync first hears of every cached object.
    const late: string[] = [];
    informer.onAdd((o) => late.push(keyOf(o)));
    expect(late).toContain('inf-b/x');
  });

  it('honours namespace and label selector, and resyncs with old === new', async () => {
    const informer = new Informer<ConfigMap>({
      client,
      type: ConfigMaps,
      namespace: 'inf-a',
      labelSelector: 'app=sel',
      resyncPeriodMs: 100,
      logger: silentLogger,
    });
    const seen = record(informer);
    started(informer);
    await informer.waitForSync();
    await client.create(ConfigMaps, cm('inf-a', 'other', '1'));
    await client.create(ConfigMaps, cm('inf-b', 'elsewhere', '1', { app: 'sel' }));
    await client.create(ConfigMaps, cm('inf-a', 'selected', '1', { app: 'sel' }));
    await waitFor(() => seen.log.filter((l) => l === 'resync inf-a/selected').length >= 2, { what: 'two resyncs of the selected object' });
    expect(seen.log.filter((l) => !l.startsWith('resync'))).toEqual(['add inf-a/selected 1']);
    expect(informer.list().map(keyOf)).toEqual(['inf-a/selected']);
  });

  it('survives a server restart, relisting when its resourceVersion fell out of the watch window (410)', async () => {
    const informer = new Informer<ConfigMap>({
      client,
      type: ConfigMaps,
      namespace: 'inf-restart',
      labelSelector: 'watched=yes',
      backoffBaseMs: 50,
      backoffMaxMs: 500,
      logger: silentLogger,
    });
    const seen = record(informer);
    started(informer);
    await informer.waitForSync();
    await client.create(ConfigMaps, cm('inf-restart', 'keep', '1', { watched: 'yes' }));
    await client.create(ConfigMaps, cm('inf-restart', 'doomed', '1', { watched: 'yes' }));
    await waitFor(() => informer.list().length === 2, { what: 'both objects' });
    const rvBefore = Number(informer.stats().resourceVersion);
    // Writes the informer's filter hides: the store's revision moves past the informer's, and the
    // restarted watch cache starts at the head, so a watch from the informer's revision is 410.
    for (let i = 0; i < 3; i++) await client.create(ConfigMaps, cm('inf-restart', `hidden-${i}`, '1'));
    expect(Number(informer.stats().resourceVersion)).toBe(rvBefore);

    await cp.restart();
    await client.delete(ConfigMaps, 'doomed', 'inf-restart');
    await client.create(ConfigMaps, cm('inf-restart', 'after', '1', { watched: 'yes' }));
    await waitFor(() => informer.get('inf-restart/after') !== undefined && informer.get('inf-restart/doomed') === undefined, {
      what: 'the informer to catch up after the restart',
      timeoutMs: 20_000,
    });
    expect(informer.stats().lists).toBeGreaterThanOrEqual(2);
    expect(seen.log).toContain('delete inf-restart/doomed');
    expect(seen.log).toContain('add inf-restart/after 1');
    expect(informer.list().map(keyOf).sort()).toEqual(['inf-restart/after', 'inf-restart/keep']);

    // And it keeps watching after all that.
    const keep = await client.get<ConfigMap>(ConfigMaps, 'keep', 'inf-restart');
    await client.update(ConfigMaps, { ...keep, data: { v: '2' } });
    await waitFor(() => informer.get('inf-restart/keep')?.data?.v === '2', { what: 'the update after the restart' });
  });

  it('waitForSync rejects when the signal aborts first', async () => {
    const informer = new Informer<ConfigMap>({ client, type: ConfigMaps, logger: silentLogger });
    const abort = new AbortController();
    abort.abort();
    await expect(informer.waitForSync(abort.signal)).rejects.toThrow();
  });
});
