// DynamicMonitors against a real API server: resources discovery lists beyond the shared informers
// get an informer of their own (events never), and lose it when discovery stops listing them.
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Informer } from '../../../src/client/informer.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient, type KubeObject } from '../../../src/client/rest-client.js';
import { ConfigMaps, type ResourceType } from '../../../src/client/resource-types.js';
import { discoveredTypes, serverPreferredResources } from '../../../src/client/discovery.js';
import { DynamicMonitors } from '../../../src/controller/garbagecollector/monitors.js';
import { MONITORED_RESOURCES } from '../../../src/controller/garbagecollector/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { waitFor } from '../../support/wait.js';

let plane: TestControlPlane;
let client: RestClient;

beforeAll(async () => {
  plane = await startTestControlPlane();
  client = new RestClient({ config: await loadKubeconfig(plane.kubeconfigPath) });
});

afterAll(async () => {
  client?.close();
  await plane?.stop();
});

describe('DynamicMonitors', () => {
  it('every resource the API server serves for the collector is in the built-in list, so none is added', async () => {
    const { types } = discoveredTypes((await serverPreferredResources(client)).lists);
    const registered: string[] = [];
    const monitors = new DynamicMonitors({
      client,
      logger: silentLogger,
      covered: new Set(MONITORED_RESOURCES.map((t) => `${t.group}/${t.plural}`)),
      register: (_, type) => registered.push(type.plural),
    });
    const stop = new AbortController();
    await monitors.sync(types, stop.signal, 10_000);
    stop.abort();
    expect(registered).toEqual([]);
    // And the built-in list names only served resources (an unserved one would never sync).
    const served = new Set(types.map((t) => `${t.group}/${t.plural}`));
    expect(MONITORED_RESOURCES.filter((t) => !served.has(`${t.group}/${t.plural}`))).toEqual([]);
  });

  it('watches a discovered resource not covered yet, and stops when discovery drops it', async () => {
    const { types } = discoveredTypes((await serverPreferredResources(client)).lists);
    const seen: string[] = [];
    let informer: Informer<KubeObject> | undefined;
    const monitors = new DynamicMonitors({
      client,
      logger: silentLogger,
      covered: new Set(MONITORED_RESOURCES.filter((t) => t.plural !== 'configmaps').map((t) => `${t.group}/${t.plural}`)),
      register: (inf: Informer<KubeObject>, type: ResourceType) => {
        informer = inf;
        inf.onAdd((obj) => seen.push(`${type.kind}/${obj.metadata?.name ?? ''}`));
      },
    });
    await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'before', namespace: 'default' } });
    const stop = new AbortController();
    await monitors.sync(types, stop.signal, 10_000);
    expect(monitors.keys()).toEqual(['/configmaps']);
    expect(informer?.hasSynced()).toBe(true);
    expect(seen).toContain('ConfigMap/before');
    await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'after', namespace: 'default' } });
    await waitFor(() => seen.includes('ConfigMap/after'), { what: 'the new configmap seen by the dynamic monitor' });
    // events are never monitored, even when not covered.
    expect(monitors.keys()).not.toContain('/events');

    await monitors.sync(types.filter((t) => t.plural !== 'configmaps'), stop.signal, 10_000);
    expect(monitors.keys()).toEqual([]);
    await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'unseen', namespace: 'default' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).not.toContain('ConfigMap/unseen');
    stop.abort();
  });
});
