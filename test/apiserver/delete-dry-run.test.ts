// A delete with dryRun in its DeleteOptions body (how kubectl --dry-run=server sends it) deletes
// nothing, as with ?dryRun=All; an unknown directive is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Kubectl } from '../support/kubectl.js';

let plane: TestControlPlane;

beforeAll(async () => {
  plane = await startTestControlPlane();
});

afterAll(async () => {
  await plane?.stop();
});

const path = '/api/v1/namespaces/default/configmaps';

async function createConfigMap(name: string): Promise<void> {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });
  expect((await plane.request({ method: 'POST', path, body, headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
}

function deleteWith(name: string, options: Record<string, unknown>) {
  return plane.request({ method: 'DELETE', path: `${path}/${name}`, body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...options }), headers: { 'Content-Type': 'application/json' } });
}

describe('DELETE with DeleteOptions.dryRun', () => {
  it('answers as a delete would and keeps the object', async () => {
    await createConfigMap('kept');
    expect((await deleteWith('kept', { dryRun: ['All'] })).status).toBe(200);
    expect((await plane.request({ path: `${path}/kept` })).status).toBe(200);
  });

  it('refuses an unknown directive and keeps the object', async () => {
    await createConfigMap('kept-too');
    expect((await deleteWith('kept-too', { dryRun: ['Bogus'] })).status).toBe(400);
    expect((await plane.request({ path: `${path}/kept-too` })).status).toBe(200);
  });

  it('keeps the object through kubectl delete --dry-run=server', async () => {
    await createConfigMap('kubectl-kept');
    const out = await new Kubectl(plane.kubeconfigPath).ok(['delete', 'configmap', 'kubectl-kept', '--dry-run=server']);
    expect(out).toContain('configmap "kubectl-kept" deleted (server dry run)');
    expect((await plane.request({ path: `${path}/kubectl-kept` })).status).toBe(200);
  });
});
