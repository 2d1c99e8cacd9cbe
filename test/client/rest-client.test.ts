// The REST client against a real in-process API server over HTTPS with the admin certificate.
import type { ConfigMap, Namespace, Pod } from 'kubernetes-types/core/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, isAlreadyExists, isConflict, isGone, isNotFound } from '../../src/client/client-errors.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { ConfigMaps, Deployments, Namespaces, Pods } from '../../src/client/resource-types.js';
import { RestClient, type WatchEvent } from '../../src/client/rest-client.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { withTimeout } from '../support/wait.js';

let cp: TestControlPlane;
let client: RestClient;
const ns = 'rest-client';

beforeAll(async () => {
  cp = await startTestControlPlane();
  client = new RestClient({ config: await loadKubeconfig(cp.kubeconfigPath) });
  await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}): ConfigMap => ({
  metadata: { name, namespace: ns, labels },
  data,
});

describe('RestClient', () => {
  it('creates, gets, updates and deletes', async () => {
    const created = await client.create(ConfigMaps, cm('crud', { a: '1' }));
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.kind).toBe('ConfigMap');
    const got = await client.get<ConfigMap>(ConfigMaps, 'crud', ns);
    expect(got.data).toEqual({ a: '1' });
    const updated = await client.update(ConfigMaps, { ...got, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    expect(updated.metadata?.resourceVersion).not.toBe(got.metadata?.resourceVersion);
    await client.delete(ConfigMaps, 'crud', ns);
    const error = await client.get(ConfigMaps, 'crud', ns).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(isNotFound(error)).toBe(true);
    expect((error as ApiError).statusObject?.kind).toBe('Status');
  });

  it('surfaces a stale update as a conflict and a second create as AlreadyExists', async () => {
    const first = await client.create(ConfigMaps, cm('conflict', { v: '1' }));
    await client.update(ConfigMaps, { ...first, data: { v: '2' } });
    const stale = await client.update(ConfigMaps, { ...first, data: { v: '3' } }).catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);
    expect((stale as ApiError).status).toBe(409);
    const again = await client.create(ConfigMaps, cm('conflict')).catch((e: unknown) => e);
    expect(isAlreadyExists(again)).toBe(true);
    expect(isConflict(again)).toBe(false);
  });

  it('pages through a list with limit and continue', async () => {
    for (let i = 0; i < 7; i++) await client.create(ConfigMaps, cm(`page-${i}`, {}, { set: 'paging' }));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.list<ConfigMap>(ConfigMaps, { namespace: ns, labelSelector: 'set=paging', limit: 3, ...(token ? { continue: token } : {}) });
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.metadata.resourceVersion).not.toBe('');
      for (const item of page.items) names.push(item.metadata?.name ?? '');
      token = page.metadata.continue;
    } while (token);
    expect(pages).toBe(3);
    expect(names.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));
  });

  it('a continue token from a compacted revision is 410 Gone', async () => {
    for (let i = 0; i < 3; i++) await client.create(ConfigMaps, cm(`gone-${i}`, {}, { set: 'gone' }));
    const page = await client.list<ConfigMap>(ConfigMaps, { namespace: ns, labelSelector: 'set=gone', limit: 1 });
    expect(page.metadata.continue).toBeTruthy();
    const head = await client.create(ConfigMaps, cm('gone-head'));
    await cp.current.backend.compact(Number(head.metadata?.resourceVersion));
    const error = await client
      .list(ConfigMaps, { namespace: ns, labelSelector: 'set=gone', limit: 1, continue: page.metadata.continue ?? '' })
      .catch((e: unknown) => e);
    expect(isGone(error)).toBe(true);
  });

  it('applies each kind of patch', async () => {
    await client.create(ConfigMaps, cm('patch', { a: '1' }));
    const merged = await client.patch<ConfigMap>(ConfigMaps, 'patch', ns, { data: { b: '2' } }, 'merge');
    expect(merged.data).toEqual({ a: '1', b: '2' });
    const jsonPatched = await client.patch<ConfigMap>(ConfigMaps, 'patch', ns, [{ op: 'remove', path: '/data/a' }], 'json');
    expect(jsonPatched.data).toEqual({ b: '2' });
    const applied = await client.patch<ConfigMap>(
      ConfigMaps,
      'applied',
      ns,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns }, data: { x: 'y' } },
      'apply',
      { fieldManager: 'client-test' },
    );
    expect(applied.data).toEqual({ x: 'y' });
    expect(applied.metadata?.managedFields?.some((f) => f.manager === 'client-test' && f.operation === 'Apply')).toBe(true);

    // Strategic merge: containers merge by name instead of the list being replaced.
    const deployment: Deployment = {
      metadata: { name: 'smp', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'smp' } },
        template: {
          metadata: { labels: { app: 'smp' } },
          spec: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] },
        },
      },
    };
    await client.create(Deployments, deployment);
    const patched = await client.patch<Deployment>(
      Deployments,
      'smp',
      ns,
      { spec: { template: { spec: { containers: [{ name: 'b', image: 'busybox:2' }] } } } },
      'strategic',
    );
    expect(patched.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['a=busybox', 'b=busybox:2']);
  });

  it('updates the status subresource without touching spec, and spec without touching status', async () => {
    const pod: Pod = { metadata: { name: 'status', namespace: ns }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const created = await client.create(Pods, pod);
    const withStatus = await client.update(Pods, { ...created, status: { phase: 'Running', message: 'hello' } }, { subresource: 'status' });
    expect(withStatus.status?.phase).toBe('Running');
    // A main-resource update ignores status changes.
    const again = await client.update(Pods, { ...withStatus, status: { phase: 'Failed' }, metadata: { ...withStatus.metadata, labels: { l: '1' } } });
    expect(again.status?.phase).toBe('Running');
    expect(again.metadata?.labels).toEqual({ l: '1' });
    const patched = await client.patch<Pod>(Pods, 'status', ns, { status: { message: 'patched' } }, 'merge', { subresource: 'status' });
    expect(patched.status?.message).toBe('patched');
  });

  it('watches events until the signal aborts', async () => {
    const list = await client.list<ConfigMap>(ConfigMaps, { namespace: ns });
    const abort = new AbortController();
    const seen: WatchEvent<ConfigMap>[] = [];
    let gotAll!: () => void;
    const allSeen = new Promise<void>((resolve) => (gotAll = resolve));
    const consumer = (async () => {
      for await (const event of client.watch<ConfigMap>(ConfigMaps, { namespace: ns, resourceVersion: list.metadata.resourceVersion, signal: abort.signal })) {
        seen.push(event);
        if (seen.length === 3) gotAll();
      }
      return 'ended';
    })();
    const created = await client.create(ConfigMaps, cm('watched', { a: '1' }));
    await client.update(ConfigMaps, { ...created, data: { a: '2' } });
    await client.delete(ConfigMaps, 'watched', ns);
    await withTimeout(allSeen, 10_000, 'three watch events');
    expect(seen.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
    abort.abort();
    // Aborting ends the iteration cleanly, without an error.
    await expect(withTimeout(consumer, 5_000, 'the watch to end')).resolves.toBe('ended');
  });

  it('a watch that the server ends (timeoutSeconds) just ends', async () => {
    const events: string[] = [];
    for await (const event of client.watch<ConfigMap>(ConfigMaps, { namespace: ns, timeoutSeconds: 1 })) events.push(event.type);
    // No resourceVersion: the server starts with the current objects as ADDED events.
    expect(events.every((t) => t === 'ADDED')).toBe(true);
  });

  it('request() returns the raw answer for any status', async () => {
    const version = await client.request('GET', '/version');
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body.toString('utf8'))).toHaveProperty('gitVersion');
    const missing = await client.request('GET', '/api/v1/namespaces/nope/configmaps/nope');
    expect(missing.status).toBe(404);
  });
  // Last: it restarts the server under the other tests' client.
  it('a watch open while the server restarts ends instead of hanging, and the client works after', async () => {
    const abort = new AbortController();
    const consumer = (async () => {
      try {
        for await (const _ of client.watch<ConfigMap>(ConfigMaps, { namespace: ns, signal: abort.signal })) void _;
        return 'ended';
      } catch (error) {
        return `threw ${(error as Error).message}`;
      }
    })();
    await cp.restart();
    const outcome = await withTimeout(consumer, 10_000, 'the watch to notice the restart');
    expect(outcome).toMatch(/^(ended|threw)/);
    abort.abort();
    const after = await client.create(ConfigMaps, cm('after-restart'));
    expect(after.metadata?.name).toBe('after-restart');
  });
});
