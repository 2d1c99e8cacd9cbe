// pods/binding and pods/eviction against a real SuperAPIServer over HTTPS: raw requests for the exact
// codes and Status bodies upstream gives, @kubernetes/client-node for the calls a scheduler or a
// drain makes, and kubectl for discovery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { startTestControlPlane, type RawResponse, type TestControlPlane } from '../support/control-plane.js';
import { Kubectl } from '../support/kubectl.js';

let cp: TestControlPlane;
let core: CoreV1Api;
let counter = 0;

beforeAll(async () => {
  cp = await startTestControlPlane();
  core = cp.kubeConfig().makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await cp?.stop();
});

interface PodShape {
  metadata: { name: string; uid: string; resourceVersion: string; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[] };
}

async function newPod(extra: Record<string, unknown> = {}): Promise<string> {
  const name = `sub-${++counter}`;
  const created = await post('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'main', image: 'supernetes.local/busybox:latest' }], ...extra },
  });
  expect(created.status, created.text).toBe(201);
  return name;
}

function post(path: string, body: unknown, query = ''): Promise<RawResponse> {
  return cp.request({ method: 'POST', path: `${path}${query}`, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function getPod(name: string): Promise<PodShape> {
  const response = await cp.request({ path: `/api/v1/namespaces/default/pods/${name}` });
  expect(response.status).toBe(200);
  return response.json as PodShape;
}

const binding = (pod: string, node: string, extra: Record<string, unknown> = {}): object => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata: { name: pod, ...extra },
  target: { apiVersion: 'v1', kind: 'Node', name: node },
});

const SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

describe('pods/binding', () => {
  it('sets spec.nodeName and PodScheduled=True, then refuses a second binding with 409', async () => {
    const name = await newPod();
    const bound = await post(`/api/v1/namespaces/default/pods/${name}/binding`, binding(name, 'node-a', { annotations: { 'scheduler/by': 'test' } }));
    expect(bound.status, bound.text).toBe(201);
    expect(bound.json).toEqual(SUCCESS);
    const pod = await getPod(name);
    expect(pod.spec.nodeName).toBe('node-a');
    expect(pod.metadata.annotations).toEqual({ 'scheduler/by': 'test' });
    expect(pod.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True', lastProbeTime: null })]);

    const again = await post(`/api/v1/namespaces/default/pods/${name}/binding`, binding(name, 'node-b'));
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "node-a"`,
      details: { name, kind: 'pods/binding' },
    });
    expect((await getPod(name)).spec.nodeName).toBe('node-a');
  });

  it('serves the legacy POST /api/v1/namespaces/NS/bindings, and client-node createNamespacedPodBinding and createNamespacedBinding', async () => {
    const legacy = await newPod();
    const response = await post('/api/v1/namespaces/default/bindings', binding(legacy, 'node-legacy'));
    expect(response.status, response.text).toBe(201);
    expect((await getPod(legacy)).spec.nodeName).toBe('node-legacy');

    const viaClient = await newPod();
    await core.createNamespacedPodBinding({ name: viaClient, namespace: 'default', body: { metadata: { name: viaClient }, target: { kind: 'Node', name: 'node-c' } } });
    expect((await getPod(viaClient)).spec.nodeName).toBe('node-c');
    const viaLegacyClient = await newPod();
    await core.createNamespacedBinding({ namespace: 'default', body: { metadata: { name: viaLegacyClient }, target: { name: 'node-d' } } });
    expect((await getPod(viaLegacyClient)).spec.nodeName).toBe('node-d');
  });

  it('refuses bad bindings with upstream codes and changes nothing', async () => {
    const name = await newPod();
    const path = `/api/v1/namespaces/default/pods/${name}/binding`;
    const cases: [object, number, RegExp][] = [
      [{ ...binding(name, 'n'), target: { kind: 'Node' } }, 422, /target\.name: Required value/],
      [{ ...binding(name, 'n'), target: { kind: 'Service', name: 'x' } }, 422, /target\.kind: Unsupported value: "Service"/],
      [binding('other-name', 'n'), 400, /name in URL does not match name in Binding object/],
      [{ ...binding(name, 'n'), kind: 'Pod' }, 400, /kind/],
      [binding(name, 'n', { uid: 'not-the-uid' }), 409, /Precondition failed: UID in precondition: not-the-uid/],
    ];
    for (const [body, code, message] of cases) {
      const response = await post(path, body);
      expect(response.status, JSON.stringify(body)).toBe(code);
      expect((response.json as { message: string }).message).toMatch(message);
    }
    expect((await post('/api/v1/namespaces/default/pods/no-such-pod/binding', binding('no-such-pod', 'n'))).status).toBe(404);
    expect((await cp.request({ path })).status).toBe(405);
    const dry = await post(path, binding(name, 'n'), '?dryRun=All');
    expect(dry.status).toBe(201);
    expect((await getPod(name)).spec.nodeName).toBeUndefined();
  });

  it('refuses a pod that is being deleted and one with scheduling gates', async () => {
    const gated = await newPod({ schedulingGates: [{ name: 'example.com/wait' }] });
    const response = await post(`/api/v1/namespaces/default/pods/${gated}/binding`, binding(gated, 'n'));
    expect(response.status).toBe(409);
    expect((response.json as { message: string }).message).toContain(`pod ${gated} has non-empty .spec.schedulingGates`);

    const held = await newPod();
    await cp.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/default/pods/${held}`,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { finalizers: ['example.com/hold'] } }),
    });
    expect((await cp.request({ method: 'DELETE', path: `/api/v1/namespaces/default/pods/${held}` })).status).toBe(200);
    const deleting = await post(`/api/v1/namespaces/default/pods/${held}/binding`, binding(held, 'n'));
    expect(deleting.status).toBe(409);
    expect((deleting.json as { message: string }).message).toContain(`pod ${held} is being deleted, cannot be assigned to a host`);
  });
});

const eviction = (pod: string, deleteOptions?: object): object => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name: pod, namespace: 'default' },
  ...(deleteOptions === undefined ? {} : { deleteOptions }),
});

describe('pods/eviction', () => {
  it('deletes an unscheduled pod at once with 201 Success', async () => {
    const name = await newPod();
    const response = await post(`/api/v1/namespaces/default/pods/${name}/eviction`, eviction(name));
    expect(response.status, response.text).toBe(201);
    expect(response.json).toEqual(SUCCESS);
    expect((await cp.request({ path: `/api/v1/namespaces/default/pods/${name}` })).status).toBe(404);
  });

  it('marks a pod on a node DisruptionTarget and deletes it gracefully with the eviction deleteOptions', async () => {
    const name = await newPod();
    await post(`/api/v1/namespaces/default/pods/${name}/binding`, binding(name, 'node-a'));
    const response = await post(`/api/v1/namespaces/default/pods/${name}/eviction`, eviction(name, { gracePeriodSeconds: 7 }));
    expect(response.status, response.text).toBe(201);
    const pod = await getPod(name);
    expect(pod.metadata.deletionTimestamp).toBeDefined();
    expect((pod.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds).toBe(7);
    expect(pod.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }),
    );
  });

  it('honours preconditions and dry run, accepts policy/v1beta1, and works through client-node', async () => {
    const name = await newPod();
    const stale = await post(`/api/v1/namespaces/default/pods/${name}/eviction`, eviction(name, { preconditions: { resourceVersion: '1' } }));
    expect(stale.status).toBe(409);
    expect((stale.json as { message: string }).message).toContain('Precondition failed: ResourceVersion in precondition: 1');
    const dry = await post(`/api/v1/namespaces/default/pods/${name}/eviction`, eviction(name, { dryRun: ['All'] }));
    expect(dry.status).toBe(201);
    expect((await getPod(name)).status.conditions ?? []).not.toContainEqual(expect.objectContaining({ type: 'DisruptionTarget' }));
    const mismatch = await post(`/api/v1/namespaces/default/pods/${name}/eviction`, { ...eviction(name), metadata: { name: 'other' } });
    expect(mismatch.status).toBe(400);
    expect((mismatch.json as { message: string }).message).toBe('name in URL does not match name in Eviction object');
    const beta = await post(`/api/v1/namespaces/default/pods/${name}/eviction`, { ...eviction(name), apiVersion: 'policy/v1beta1' });
    expect(beta.status).toBe(201);
    expect((await cp.request({ path: `/api/v1/namespaces/default/pods/${name}` })).status).toBe(404);

    const viaClient = await newPod();
    await core.createNamespacedPodEviction({ name: viaClient, namespace: 'default', body: { metadata: { name: viaClient, namespace: 'default' } } });
    expect((await cp.request({ path: `/api/v1/namespaces/default/pods/${viaClient}` })).status).toBe(404);
    expect((await post('/api/v1/namespaces/default/pods/gone/eviction', eviction('gone'))).status).toBe(404);
  });
});

describe('discovery of the pod subresources', () => {
  it('lists binding, eviction, log, exec and attach with upstream verbs and kinds', async () => {
    const list = (await cp.request({ path: '/api/v1' })).json as { resources: { name: string; kind: string; verbs: string[]; group?: string; version?: string }[] };
    const byName = new Map(list.resources.map((r) => [r.name, r]));
    expect(byName.get('bindings')).toMatchObject({ kind: 'Binding', verbs: ['create'], namespaced: true });
    expect(byName.get('pods/binding')).toMatchObject({ kind: 'Binding', verbs: ['create'] });
    expect(byName.get('pods/eviction')).toMatchObject({ kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
    expect(byName.get('pods/log')).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    expect(byName.get('pods/exec')).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
    expect(byName.get('pods/attach')).toMatchObject({ kind: 'PodAttachOptions', verbs: ['create', 'get'] });
  });

  it('lets kubectl create a Binding from a manifest', async () => {
    const name = await newPod();
    const kubectl = new Kubectl(cp.kubeconfigPath);
    const manifest = JSON.stringify(binding(name, 'node-k'));
    // The answer is a Status (as upstream's), which kubectl names as it can.
    expect(await kubectl.ok(['create', '-f', '-', '--validate=false'], manifest)).toContain('created');
    expect((await getPod(name)).spec.nodeName).toBe('node-k');
  });
});
