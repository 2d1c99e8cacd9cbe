// The API server's namespaces/{name}/finalize and /status, which the namespace controller needs:
// finalize (PUT only) changes spec.finalizers and nothing else, and emptying it on a terminating
// namespace removes the namespace; a plain update cannot change spec.finalizers, as upstream.
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { Namespaces } from '../../../src/client/resource-types.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { Kubectl } from '../../support/kubectl.js';

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

const put = (path: string, body: unknown): ReturnType<TestControlPlane['request']> =>
  plane.request({ method: 'PUT', path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('namespaces/finalize', () => {
  it('changes spec.finalizers only; the labels and status in the body are ignored', async () => {
    const ns = await client.create<Namespace>(Namespaces, { metadata: { name: 'fin-only' }, spec: { finalizers: ['kubernetes', 'example.com/extra'] } });
    const body = { ...ns, metadata: { ...ns.metadata, labels: { sneaky: 'yes' } }, spec: { finalizers: ['example.com/extra'] }, status: { phase: 'Terminating' } };
    const response = await put('/api/v1/namespaces/fin-only/finalize', body);
    expect(response.status).toBe(200);
    const after = await client.get<Namespace>(Namespaces, 'fin-only');
    expect(after.spec?.finalizers).toEqual(['example.com/extra']);
    expect(after.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'fin-only' });
    expect(after.status?.phase).toBe('Active');
    // The resourceVersion in the body is a precondition.
    const stale = await put('/api/v1/namespaces/fin-only/finalize', body);
    expect(stale.status).toBe(409);
  });

  it('a terminating namespace whose last spec finalizer is removed is gone', async () => {
    await client.create<Namespace>(Namespaces, { metadata: { name: 'fin-gone' } });
    await client.delete(Namespaces, 'fin-gone');
    const terminating = await client.get<Namespace>(Namespaces, 'fin-gone');
    expect(terminating.status?.phase).toBe('Terminating');
    await client.update<Namespace>(Namespaces, { ...terminating, spec: { finalizers: [] } }, { subresource: 'finalize' });
    expect((await plane.request({ path: '/api/v1/namespaces/fin-gone' })).status).toBe(404);
  });

  it('a plain update cannot change spec.finalizers; status goes through namespaces/status', async () => {
    const ns = await client.create<Namespace>(Namespaces, { metadata: { name: 'fin-plain' } });
    const updated = await client.update<Namespace>(Namespaces, { ...ns, metadata: { ...ns.metadata, labels: { a: 'b' } }, spec: { finalizers: [] } });
    expect(updated.spec?.finalizers).toEqual(['kubernetes']);
    expect(updated.metadata?.labels?.a).toBe('b');
    const status = await client.update<Namespace>(Namespaces, { ...updated, status: { phase: 'Active', conditions: [{ type: 'Example', status: 'True' }] } }, { subresource: 'status' });
    expect(status.status?.conditions?.[0]?.type).toBe('Example');
  });

  it('refuses finalizer names that are neither standard nor qualified, and verbs other than PUT', async () => {
    const ns = await client.create<Namespace>(Namespaces, { metadata: { name: 'fin-bad' } });
    const bad = await put('/api/v1/namespaces/fin-bad/finalize', { ...ns, spec: { finalizers: ['custom'] } });
    expect(bad.status).toBe(422);
    expect((bad.json as { message?: string }).message).toContain('spec.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified');
    expect((await plane.request({ path: '/api/v1/namespaces/fin-bad/finalize' })).status).toBe(405);
    expect((await plane.request({ method: 'POST', path: '/api/v1/namespaces/fin-bad/finalize', body: '{}' })).status).toBe(405);
  });

  it('is in discovery as namespaces/finalize (update), and kubectl replace --raw works on it', async () => {
    const discovery = (await plane.request({ path: '/api/v1' })).json as { resources: { name: string; verbs: string[] }[] };
    expect(discovery.resources.find((r) => r.name === 'namespaces/finalize')?.verbs).toEqual(['update']);
    const kubectl = new Kubectl(plane.kubeconfigPath);
    await kubectl.ok(['create', 'namespace', 'fin-kubectl']);
    await kubectl.ok(['delete', 'namespace', 'fin-kubectl', '--wait=false']);
    const ns = await client.get<Namespace>(Namespaces, 'fin-kubectl');
    await kubectl.ok(['replace', '--raw', '/api/v1/namespaces/fin-kubectl/finalize', '-f', '-'], JSON.stringify({ ...ns, spec: { finalizers: [] } }));
    const gone = await kubectl.run(['get', 'namespace', 'fin-kubectl']);
    expect(gone.stderr).toContain('not found');
  });
});
