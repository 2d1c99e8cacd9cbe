// The EndpointSlice controller against a real in-process API server (tests write pod status as a
// superlet would). A second instance with 3 endpoints a slice shows the splitting without 100 pods.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointSlices, Pods } from '../../../src/client/resource-types.js';
import { EndpointSliceController, endpointSliceController } from '../../../src/controller/endpointslice/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { createNamespace, createPod, createService, setPodReady, sliceEndpoints, slicesOf, waitForSlices } from '../endpoint/harness.js';

let t: TestControllers;

beforeAll(async () => {
  t = await startTestControllers([endpointSliceController]);
});

afterAll(async () => {
  await t?.stop();
});

const endpointsAre = (expected: string[]) => (slices: EndpointSlice[]) => JSON.stringify(sliceEndpoints(slices)) === JSON.stringify([...expected].sort());

describe('EndpointSlice controller', () => {
  it('makes a labelled, owned IPv4 slice with conditions and ports, following readiness, termination and deletion', async () => {
    const ns = 'eps-follow';
    await createNamespace(t.client, ns);
    const service = await createService(t.client, ns, 'web', { selector: { app: 'web' }, labels: { team: 'a' } });
    // No pods yet: one empty placeholder slice.
    const [placeholder] = await waitForSlices(t.client, ns, 'web', (s) => s.length === 1, 'a placeholder');
    expect(placeholder?.endpoints ?? []).toEqual([]);

    await createPod(t.client, ns, 'web-a', { labels: { app: 'web' }, nodeName: 'node-1' });
    // Kept by a finalizer once deleted, so it shows as terminating.
    await createPod(t.client, ns, 'web-b', { labels: { app: 'web' }, finalizers: ['test.supernetes.io/hold'] });
    await createPod(t.client, ns, 'web-noip', { labels: { app: 'web' } });
    await setPodReady(t.client, ns, 'web-a', '10.1.0.1', true);
    await setPodReady(t.client, ns, 'web-b', '10.1.0.2', false);
    let slices = await waitForSlices(t.client, ns, 'web', endpointsAre(['10.1.0.1 RS-', '10.1.0.2 ---']), 'a ready, b not');
    expect(slices).toHaveLength(1);
    const slice = slices[0] as EndpointSlice;
    expect(slice.addressType).toBe('IPv4');
    expect(slice.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata?.labels).toEqual({ team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(slice.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: service.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const a = slice.endpoints.find((e) => e.addresses[0] === '10.1.0.1');
    expect(a).toMatchObject({ nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: ns, name: 'web-a' } });
    expect(slice.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/^\d{4}-\d\d-\d\dT/);

    await setPodReady(t.client, ns, 'web-b', '10.1.0.2', true);
    await waitForSlices(t.client, ns, 'web', endpointsAre(['10.1.0.1 RS-', '10.1.0.2 RS-']), 'both ready');
    await t.client.delete(Pods, 'web-b', ns);
    await waitForSlices(t.client, ns, 'web', endpointsAre(['10.1.0.1 RS-', '10.1.0.2 -ST']), 'b terminating, still serving');
    await t.client.patch(Pods, 'web-b', ns, { metadata: { finalizers: null } }, 'merge');
    slices = await waitForSlices(t.client, ns, 'web', endpointsAre(['10.1.0.1 RS-']), 'b gone');
    // The same slice was updated throughout, not replaced.
    expect(slices.map((s) => s.metadata?.uid)).toEqual([slice.metadata?.uid]);

    // A slice of ours deleted by hand is made again.
    await t.client.delete(EndpointSlices, slice.metadata?.name ?? '', ns);
    await waitForSlices(t.client, ns, 'web', (s) => s.length === 1 && s[0]?.metadata?.uid !== slice.metadata?.uid && endpointsAre(['10.1.0.1 RS-'])(s), 'remade');
  });

  it('groups pods by the ports they serve, honours publishNotReadyAddresses, and leaves selectorless Services alone', async () => {
    const ns = 'eps-ports';
    await createNamespace(t.client, ns);
    await createService(t.client, ns, 'api', { selector: { app: 'api' }, publishNotReadyAddresses: true });
    await createPod(t.client, ns, 'api-1', { labels: { app: 'api' }, ports: { http: 8080 } });
    await createPod(t.client, ns, 'api-2', { labels: { app: 'api' }, ports: { http: 9090 } });
    await setPodReady(t.client, ns, 'api-1', '10.1.1.1', true);
    await setPodReady(t.client, ns, 'api-2', '10.1.1.2', false);
    const slices = await waitForSlices(t.client, ns, 'api', endpointsAre(['10.1.1.1 RS-', '10.1.1.2 R--']), 'both published');
    expect(slices.map((s) => s.ports?.[0]?.port).sort()).toEqual([8080, 9090]);

    await createService(t.client, ns, 'manual', { ports: [{ name: 'db', port: 5432 }] });
    await createService(t.client, ns, 'later', { selector: { app: 'api' } });
    await waitForSlices(t.client, ns, 'later', (s) => s.length === 2, 'later filled');
    expect(await slicesOf(t.client, ns, 'manual')).toEqual([]);
  });

  it('converges after a restart without duplicate slices', async () => {
    const ns = 'eps-restart';
    await createNamespace(t.client, ns);
    await createService(t.client, ns, 'app', { selector: { app: 'app' } });
    await createPod(t.client, ns, 'app-1', { labels: { app: 'app' } });
    await setPodReady(t.client, ns, 'app-1', '10.1.2.1', true);
    await waitForSlices(t.client, ns, 'app', endpointsAre(['10.1.2.1 RS-']), 'app-1');
    await t.stopControllers();
    await createPod(t.client, ns, 'app-2', { labels: { app: 'app' } });
    await setPodReady(t.client, ns, 'app-2', '10.1.2.2', true);
    await setPodReady(t.client, ns, 'app-1', '10.1.2.1', false);
    await t.restartControllers();
    const slices = await waitForSlices(t.client, ns, 'app', endpointsAre(['10.1.2.1 ---', '10.1.2.2 RS-']), 'caught up');
    expect(slices).toHaveLength(1);
  });
});

describe('EndpointSlice controller with 3 endpoints a slice', () => {
  let small: TestControllers;
  beforeAll(async () => {
    small = await startTestControllers([(context) => new EndpointSliceController(context, { maxEndpointsPerSlice: 3 })]);
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('splits 7 pods over 3 slices and packs them again as pods go', async () => {
    const ns = 'eps-split';
    const client = small.client;
    await createNamespace(client, ns);
    await createService(client, ns, 'many', { selector: { app: 'many' } });
    const ips: string[] = [];
    for (let i = 1; i <= 7; i++) {
      await createPod(client, ns, `many-${i}`, { labels: { app: 'many' } });
      await setPodReady(client, ns, `many-${i}`, `10.2.0.${i}`, true);
      ips.push(`10.2.0.${i} RS-`);
    }
    const slices = await waitForSlices(client, ns, 'many', endpointsAre(ips), 'all 7');
    expect(slices.map((s) => s.endpoints.length).sort()).toEqual([1, 3, 3]);
    for (let i = 1; i <= 5; i++) await client.delete(Pods, `many-${i}`, ns);
    const left = await waitForSlices(client, ns, 'many', endpointsAre(['10.2.0.6 RS-', '10.2.0.7 RS-']), 'two left');
    expect(left.every((s) => s.endpoints.length <= 3)).toBe(true);
  });
});
