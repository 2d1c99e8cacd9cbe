// Informer + work queue as a controller uses them: handlers only enqueue keys, workers reconcile
// from the informer's cache. With a burst of updates to a few objects and several workers, a key
// never runs twice at once, and the last run of each key sees the object's final state.
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer, keyOf } from '../../src/client/informer.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { ConfigMaps, Namespaces } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { WorkQueue } from '../../src/client/workqueue.js';
import { silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { waitFor } from '../support/wait.js';

let cp: TestControlPlane;
let client: RestClient;
const ns = 'pattern';

beforeAll(async () => {
  cp = await startTestControlPlane();
  client = new RestClient({ config: await loadKubeconfig(cp.kubeconfigPath) });
  await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

describe('informer feeding a work queue', () => {
  it('reconciles each key one at a time and converges on the final state', async () => {
    const abort = new AbortController();
    const informer = new Informer<ConfigMap>({ client, type: ConfigMaps, namespace: ns, logger: silentLogger });
    const queue = new WorkQueue({ logger: silentLogger });
    const enqueue = (o: Readonly<ConfigMap>): void => queue.add(keyOf(o));
    informer.onAdd(enqueue);
    informer.onUpdate((_, n) => enqueue(n));
    informer.onDelete(enqueue);
    informer.start(abort.signal);
    await informer.waitForSync(abort.signal);

    const active = new Set<string>();
    const overlaps: string[] = [];
    const lastSeen = new Map<string, string | undefined>();
    let runs = 0;
    const running = queue.run({
      workers: 4,
      signal: abort.signal,
      reconcile: async (key) => {
        if (active.has(key)) overlaps.push(key);
        active.add(key);
        runs++;
        // Slow enough that updates land while the key is being processed.
        await new Promise((resolve) => setTimeout(resolve, 20));
        lastSeen.set(key, informer.get(key)?.data?.n);
        active.delete(key);
      },
    });

    const names = ['a', 'b', 'c'];
    for (const name of names) await client.create<ConfigMap>(ConfigMaps, { metadata: { name, namespace: ns }, data: { n: '0' } });
    await Promise.all(
      names.map(async (name) => {
        for (let n = 1; n <= 15; n++) await client.patch(ConfigMaps, name, ns, { data: { n: String(n) } }, 'merge');
      }),
    );
    await client.delete(ConfigMaps, 'c', ns);

    await waitFor(() => lastSeen.get(`${ns}/a`) === '15' && lastSeen.get(`${ns}/b`) === '15' && lastSeen.has(`${ns}/c`) && lastSeen.get(`${ns}/c`) === undefined, {
      what: 'every key reconciled at its final state',
      timeoutMs: 20_000,
    });
    abort.abort();
    await running;
    expect(overlaps).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(3);
  });
});
