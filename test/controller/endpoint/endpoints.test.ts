// The Endpoints controller against a real in-process API server (no superlet: tests write pod
// status, IP and Ready condition, as a superlet would).
import type { Endpoints as EndpointsObject } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Endpoints, Pods, Services } from '../../../src/client/resource-types.js';
import { endpointsController, LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from '../../../src/controller/endpoint/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { addressesOf, createNamespace, createPod, createService, getEndpoints, setPodReady, waitForEndpoints } from './harness.js';

let t: TestControllers;

beforeAll(async () => {
  t = await startTestControllers([endpointsController]);
});

afterAll(async () => {
  await t?.stop();
});

const sameAddresses = (ready: string[], notReady: string[]) => (ep: EndpointsObject) =>
  JSON.stringify(addressesOf(ep)) === JSON.stringify({ ready: [...ready].sort(), notReady: [...notReady].sort() });

describe('Endpoints controller', () => {
  it('lists ready and not-ready pods with their named ports and follows readiness, labels and deletion', async () => {
    const ns = 'ep-follow';
    await createNamespace(t.client, ns);
    const service = await createService(t.client, ns, 'web', {
      selector: { app: 'web' },
      labels: { team: 'a' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9100, targetPort: 9100 },
      ],
    });
    await createPod(t.client, ns, 'web-a', { labels: { app: 'web' }, nodeName: 'node-1' });
    await createPod(t.client, ns, 'web-b', { labels: { app: 'web' }, ports: { http: 8081 } });
    // No IP yet: not listed at all.
    await createPod(t.client, ns, 'web-c', { labels: { app: 'web' } });
    await createPod(t.client, ns, 'other', { labels: { app: 'other' } });
    await setPodReady(t.client, ns, 'web-a', '10.0.0.1', true);
    await setPodReady(t.client, ns, 'web-b', '10.0.0.2', false);
    await setPodReady(t.client, ns, 'other', '10.0.0.9', true);

    let ep = await waitForEndpoints(
      t.client,
      ns,
      'web',
      sameAddresses(['10.0.0.1:http=8080', '10.0.0.1:metrics=9100'], ['10.0.0.2:http=8081', '10.0.0.2:metrics=9100']),
      'a ready, b not ready',
    );
    expect(ep.metadata?.labels).toEqual({ team: 'a' });
    const a = ep.subsets?.flatMap((s) => s.addresses ?? []).find((x) => x.ip === '10.0.0.1');
    expect(a).toMatchObject({ nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: ns, name: 'web-a' } });
    expect(a?.targetRef?.uid).toMatch(/.+/);
    expect(ep.subsets?.flatMap((s) => s.ports ?? []).every((p) => p.protocol === 'TCP')).toBe(true);
    const trigger = ep.metadata?.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
    expect(Date.parse(trigger ?? '')).toBeGreaterThanOrEqual(Date.parse(service.metadata?.creationTimestamp ?? '') - 1);

    // b becomes ready; c gets an IP but is not ready.
    await setPodReady(t.client, ns, 'web-b', '10.0.0.2', true);
    await setPodReady(t.client, ns, 'web-c', '10.0.0.3', false);
    await waitForEndpoints(
      t.client,
      ns,
      'web',
      sameAddresses(['10.0.0.1:http=8080', '10.0.0.1:metrics=9100', '10.0.0.2:http=8081', '10.0.0.2:metrics=9100'], ['10.0.0.3:http=8080', '10.0.0.3:metrics=9100']),
      'a and b ready, c not ready',
    );

    // a stops matching the selector; c is deleted.
    await t.client.patch(Pods, 'web-a', ns, { metadata: { labels: { app: 'gone' } } }, 'merge');
    await t.client.delete(Pods, 'web-c', ns, { gracePeriodSeconds: 0 });
    ep = await waitForEndpoints(t.client, ns, 'web', sameAddresses(['10.0.0.2:http=8081', '10.0.0.2:metrics=9100'], []), 'only b');

    // The Service's labels follow onto the Endpoints.
    await t.client.patch(Services, 'web', ns, { metadata: { labels: { team: 'b' } } }, 'merge');
    await waitForEndpoints(t.client, ns, 'web', (e) => e.metadata?.labels?.team === 'b', 'labels team=b');

    // Deleting the Endpoints by hand: made again. Deleting the Service: the Endpoints go.
    await t.client.delete(Endpoints, 'web', ns);
    await waitForEndpoints(t.client, ns, 'web', sameAddresses(['10.0.0.2:http=8081', '10.0.0.2:metrics=9100'], []), 'recreated');
    await t.client.delete(Services, 'web', ns);
    await waitForGone(ns, 'web');
  });

  it('leaves the hand-made Endpoints of a Service without a selector alone', async () => {
    const ns = 'ep-manual';
    await createNamespace(t.client, ns);
    await createService(t.client, ns, 'external', { ports: [{ name: 'db', port: 5432 }] });
    const manual: EndpointsObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'external', namespace: ns },
      subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'db', port: 5432 }] }],
    };
    const created = await t.client.create(Endpoints, manual);
    await createPod(t.client, ns, 'p', { labels: { app: 'x' } });
    await setPodReady(t.client, ns, 'p', '10.0.1.1', true);
    // A Service with a selector created after: once its Endpoints exist, the controller has been
    // through the namespace's events, the selectorless one's included.
    await createService(t.client, ns, 'x', { selector: { app: 'x' } });
    await waitForEndpoints(t.client, ns, 'x', sameAddresses(['10.0.1.1:http=8080'], []), 'x filled');
    await t.client.patch(Services, 'external', ns, { metadata: { labels: { touched: 'yes' } } }, 'merge');
    await t.client.patch(Services, 'x', ns, { metadata: { labels: { touched: 'yes' } } }, 'merge');
    await waitForEndpoints(t.client, ns, 'x', (e) => e.metadata?.labels?.touched === 'yes', 'x relabelled');
    const after = await getEndpoints(t.client, ns, 'external');
    expect(after?.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(after?.subsets).toEqual(manual.subsets);
  });

  it('publishes not-ready pods as ready with publishNotReadyAddresses, and marks headless Services with hostnames', async () => {
    const ns = 'ep-headless';
    await createNamespace(t.client, ns);
    await createService(t.client, ns, 'db', { selector: { app: 'db' }, headless: true, publishNotReadyAddresses: true });
    await createPod(t.client, ns, 'db-0', { labels: { app: 'db' }, hostname: 'db-0', subdomain: 'db' });
    await setPodReady(t.client, ns, 'db-0', '10.0.2.1', false);
    const ep = await waitForEndpoints(t.client, ns, 'db', sameAddresses(['10.0.2.1:http=8080'], []), 'db-0 published');
    expect(ep.metadata?.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(ep.subsets?.[0]?.addresses?.[0]?.hostname).toBe('db-0');
  });

  it('catches up after a restart with changes made while it was down', async () => {
    const ns = 'ep-restart';
    await createNamespace(t.client, ns);
    await createService(t.client, ns, 'app', { selector: { app: 'app' } });
    await createService(t.client, ns, 'doomed', { selector: { app: 'app' } });
    await createPod(t.client, ns, 'app-1', { labels: { app: 'app' } });
    await setPodReady(t.client, ns, 'app-1', '10.0.3.1', true);
    await waitForEndpoints(t.client, ns, 'app', sameAddresses(['10.0.3.1:http=8080'], []), 'app-1');
    await waitForEndpoints(t.client, ns, 'doomed', sameAddresses(['10.0.3.1:http=8080'], []), 'doomed filled');
    await t.stopControllers();
    await setPodReady(t.client, ns, 'app-1', '10.0.3.1', false);
    await t.client.delete(Services, 'doomed', ns);
    await t.restartControllers();
    await waitForEndpoints(t.client, ns, 'app', sameAddresses([], ['10.0.3.1:http=8080']), 'app-1 not ready');
    await waitForGone(ns, 'doomed');
  });
});

async function waitForGone(ns: string, name: string): Promise<void> {
  await waitFor(async () => (await getEndpoints(t.client, ns, name)) === undefined, { what: `Endpoints ${ns}/${name} deleted`, timeoutMs: 15_000 });
}
