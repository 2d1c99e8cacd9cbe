// The Deployment controller alone against the in-process API server (no superlet, no ReplicaSet
// controller: ReplicaSets just sit there): adoption and release of ReplicaSets by selector and
// ownerReferences, hash collisions, rollback through the deprecated.deployment.rollback.to
// annotation, and a status written only when it changes.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployments, ReplicaSets } from '../../../src/client/resource-types.js';
import type { RestClient } from '../../../src/client/rest-client.js';
import { computeHash } from '../../../src/controller/deployment/hash.js';
import { deploymentController } from '../../../src/controller/deployment/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { condition, createNamespace, getDeployment, makeDeployment, ownedReplicaSets, waitForDeployment, waitForEvent } from './harness.js';

let controllers: TestControllers;

beforeAll(async () => {
  controllers = await startTestControllers([deploymentController]);
});

afterAll(async () => {
  await controllers?.stop();
});

const replicaSetOf = (d: Deployment, name: string, hash: string, labels: Record<string, string>): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: d.metadata?.namespace ?? '', labels: { ...labels, 'pod-template-hash': hash } },
  spec: {
    replicas: 0,
    selector: { matchLabels: { ...labels, 'pod-template-hash': hash } },
    template: { ...d.spec?.template, metadata: { ...d.spec?.template?.metadata, labels: { ...labels, 'pod-template-hash': hash } } },
  },
});

/** Requests to deployments/status so far, as the API server counts them. */
async function statusWrites(client: RestClient): Promise<number> {
  const text = (await client.request('GET', '/metrics')).body.toString('utf8');
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{') || !line.includes('resource="deployments"') || !line.includes('subresource="status"')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('Deployment controller: ReplicaSet ownership', () => {
  it('adopts an orphan ReplicaSet that matches its selector and template, and releases one whose labels stop matching', async () => {
    const { client } = controllers;
    const ns = 'adopt';
    await createNamespace(client, ns);
    // Paused: the controller makes no ReplicaSet of its own while we prepare the orphan.
    const d = await client.create<Deployment>(Deployments, { ...makeDeployment(ns, 'web', { replicas: 2 }), spec: { ...makeDeployment(ns, 'web').spec!, replicas: 2, paused: true } });
    const hash = computeHash(d.spec?.template, undefined);
    await client.create<ReplicaSet>(ReplicaSets, replicaSetOf(d, `web-${hash}`, hash, { app: 'web' }));
    await waitFor(async () => (await ownedReplicaSets(client, ns, d)).length === 1, { what: 'the orphan adopted', timeoutMs: 20_000, intervalMs: 100 });
    // Adopted while paused; a paused deployment still scales its only ReplicaSet.
    const adopted = await waitFor(
      async () => {
        const [rs] = await ownedReplicaSets(client, ns, d);
        return rs?.spec?.replicas === 2 ? rs : undefined;
      },
      { what: 'the adopted ReplicaSet scaled to 2', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(adopted.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    await client.patch(Deployments, 'web', ns, { spec: { paused: false } }, 'merge');
    const resumed = await waitForDeployment(client, ns, 'web', (x) => condition(x, 'Progressing')?.reason === 'DeploymentResumed', 'DeploymentResumed');
    expect(resumed.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect((await client.get<ReplicaSet>(ReplicaSets, `web-${hash}`, ns)).metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect((await client.list<ReplicaSet>(ReplicaSets, { namespace: ns })).items).toHaveLength(1);

    // Its labels no longer match: released (owner reference removed). The deployment then needs a
    // new ReplicaSet, whose name is taken by the released one: a hash collision, resolved by
    // collisionCount.
    await client.patch(ReplicaSets, `web-${hash}`, ns, { metadata: { labels: { app: 'elsewhere', 'pod-template-hash': hash } } }, 'merge');
    await waitFor(
      async () => {
        const rs = await client.get<ReplicaSet>(ReplicaSets, `web-${hash}`, ns);
        return (rs.metadata?.ownerReferences ?? []).length === 0;
      },
      { what: 'the ReplicaSet released', timeoutMs: 20_000, intervalMs: 100 },
    );
    const bumped = await waitForDeployment(client, ns, 'web', (x) => x.status?.collisionCount === 1, 'collisionCount 1');
    const hash2 = computeHash(bumped.spec?.template, 1);
    expect(hash2).not.toBe(hash);
    const [current, ...more] = await waitFor(
      async () => {
        const owned = await ownedReplicaSets(client, ns, d);
        return owned.length === 1 ? owned : undefined;
      },
      { what: 'a new ReplicaSet', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(more).toEqual([]);
    expect(current?.metadata?.name).toBe(`web-${hash2}`);
    expect(current?.spec?.replicas).toBe(2);
  });

  it('ignores a ReplicaSet another controller owns, even if it matches', async () => {
    const { client } = controllers;
    const ns = 'others';
    await createNamespace(client, ns);
    // Two deployments select the same pods (a user error upstream tolerates): ownership decides.
    const web = makeDeployment(ns, 'web');
    const other = await client.create<Deployment>(Deployments, { ...web, metadata: { name: 'other', namespace: ns }, spec: { ...web.spec!, paused: true, replicas: 0 } });
    const theirs = replicaSetOf(other, 'theirs', 'x', { app: 'web' });
    theirs.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'other', uid: other.metadata?.uid ?? '', controller: true }];
    await client.create<ReplicaSet>(ReplicaSets, theirs);
    const d = await client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 1 }));
    const mine = await waitFor(
      async () => {
        const owned = await ownedReplicaSets(client, ns, d);
        return owned.length === 1 ? owned[0] : undefined;
      },
      { what: 'its own new ReplicaSet', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(mine?.metadata?.name).not.toBe('theirs');
    const still = await client.get<ReplicaSet>(ReplicaSets, 'theirs', ns);
    expect(still.metadata?.ownerReferences?.map((r) => r.uid)).toEqual([other.metadata?.uid]);
  });
});

describe('Deployment controller: rollback annotation and status writes', () => {
  it('rolls back through deprecated.deployment.rollback.to with upstream events, and clears the request', async () => {
    const { client } = controllers;
    const ns = 'rollback';
    await createNamespace(client, ns);
    await client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 1, image: 'supernetes.local/busybox:v1' }));
    await waitForDeployment(client, ns, 'web', (x) => x.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '1', 'revision 1');
    await client.patch(Deployments, 'web', ns, { spec: { template: { spec: { containers: [{ name: 'main', image: 'supernetes.local/busybox:v2' }] } } } }, 'strategic');
    await waitForDeployment(client, ns, 'web', (x) => x.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2', 'revision 2');

    await client.patch(Deployments, 'web', ns, { metadata: { annotations: { 'deprecated.deployment.rollback.to': '1' } } }, 'merge');
    const d = await waitForDeployment(client, ns, 'web', (x) => x.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '3', 'revision 3');
    expect(d.spec?.template?.spec?.containers?.[0]?.image).toBe('supernetes.local/busybox:v1');
    expect(d.metadata?.annotations).not.toHaveProperty('deprecated.deployment.rollback.to');
    expect(d.spec?.template?.metadata?.labels).toEqual({ app: 'web' });
    await waitForEvent(client, ns, 'web', 'DeploymentRollback', /^Rolled back deployment "web" to revision 1$/);

    await client.patch(Deployments, 'web', ns, { metadata: { annotations: { 'deprecated.deployment.rollback.to': '9' } } }, 'merge');
    await waitForEvent(client, ns, 'web', 'DeploymentRollbackRevisionNotFound', /^Unable to find the revision to rollback to\.$/);
    await waitForDeployment(client, ns, 'web', (x) => x.metadata?.annotations?.['deprecated.deployment.rollback.to'] === undefined, 'the request cleared');
  });

  it('writes the status only when it changes, and reports a paused deployment', async () => {
    const { client } = controllers;
    const ns = 'quiet';
    await createNamespace(client, ns);
    await client.create<Deployment>(Deployments, makeDeployment(ns, 'web', { replicas: 2 }));
    const settled = await waitForDeployment(client, ns, 'web', (x) => x.status?.observedGeneration === 1 && condition(x, 'Progressing') !== undefined, 'first status');
    expect(condition(settled, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated' });
    expect(condition(settled, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });

    // Changes that need a sync but change no status: an annotation, which the sync copies to the
    // ReplicaSet. Seeing the second on the ReplicaSet proves the first sync is over (one key never
    // runs twice at once). The API server drops a write that changes nothing, so the requests are
    // counted where it counts them, in /metrics.
    const before = await getDeployment(client, ns, 'web');
    const statusWritesBefore = await statusWrites(client);
    for (const probe of ['1', '2']) {
      await client.patch<Deployment>(Deployments, 'web', ns, { metadata: { annotations: { probe } } }, 'merge');
      await waitFor(async () => (await ownedReplicaSets(client, ns, before))[0]?.metadata?.annotations?.probe === probe, {
        what: `annotation probe=${probe} copied to the ReplicaSet`,
        timeoutMs: 20_000,
        intervalMs: 50,
      });
    }
    expect(await statusWrites(client)).toBe(statusWritesBefore);

    await client.patch(Deployments, 'web', ns, { spec: { paused: true } }, 'merge');
    const paused = await waitForDeployment(client, ns, 'web', (x) => condition(x, 'Progressing')?.reason === 'DeploymentPaused', 'DeploymentPaused');
    expect(condition(paused, 'Progressing')).toMatchObject({ status: 'Unknown', message: 'Deployment is paused' });
    await client.patch(Deployments, 'web', ns, { spec: { paused: false } }, 'merge');
    const resumed = await waitForDeployment(client, ns, 'web', (x) => condition(x, 'Progressing')?.reason === 'DeploymentResumed', 'DeploymentResumed');
    expect(condition(resumed, 'Progressing')).toMatchObject({ status: 'Unknown', message: 'Deployment is resumed' });
  });
});
