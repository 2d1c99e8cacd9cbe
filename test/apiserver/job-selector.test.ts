// A Job gets its selector and pod labels from its uid, as upstream's Job strategy generates them,
// unless spec.manualSelector is true; a hand-written selector without it is refused, and the
// selector cannot change afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

let plane: TestControlPlane;

beforeAll(async () => {
  plane = await startTestControlPlane();
});

afterAll(async () => {
  await plane?.stop();
});

const path = '/apis/batch/v1/namespaces/default/jobs';
const template = { metadata: { labels: { app: 'calc' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } };

interface JobBody {
  metadata: { uid: string };
  spec: { selector: unknown; template: { metadata: { labels: Record<string, string> } } };
  message?: string;
}

async function create(name: string, spec: Record<string, unknown>): Promise<{ status: number; body: JobBody }> {
  const body = JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template, ...spec } });
  const response = await plane.request({ method: 'POST', path, body, headers: { 'Content-Type': 'application/json' } });
  return { status: response.status, body: response.json as JobBody };
}

describe('Job selector generation', () => {
  it('generates the selector and the template labels from the uid', async () => {
    const { status, body } = await create('generated', {});
    expect(status).toBe(201);
    const uid = body.metadata.uid;
    expect(body.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(body.spec.template.metadata.labels).toEqual({
      app: 'calc',
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'generated',
      'controller-uid': uid,
      'job-name': 'generated',
    });
  });

  it('refuses a hand-written selector without manualSelector, and stores nothing', async () => {
    const { status, body } = await create('handmade', { selector: { matchLabels: { app: 'calc' } } });
    expect(status).toBe(422);
    expect(body.message).toContain('`selector` not auto-generated');
    expect((await plane.request({ path: `${path}/handmade` })).status).toBe(404);
  });

  it('keeps a manual selector that matches the template, and refuses one that does not', async () => {
    const ok = await create('manual', { manualSelector: true, selector: { matchLabels: { app: 'calc' } } });
    expect(ok.status).toBe(201);
    expect(ok.body.spec.selector).toEqual({ matchLabels: { app: 'calc' } });
    expect(ok.body.spec.template.metadata.labels).toEqual({ app: 'calc' });
    const bad = await create('manual-bad', { manualSelector: true, selector: { matchLabels: { app: 'other' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toContain('`selector` does not match template `labels`');
  });

  it('refuses a change of the selector', async () => {
    const response = await plane.request({
      method: 'PATCH',
      path: `${path}/generated`,
      body: JSON.stringify({ spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'other' } } } }),
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('field is immutable');
  });
});
