// The real kubectl against the Deployment and ReplicaSet controllers on a fake-runtime cluster:
// rollout status / history / undo (and --to-revision) / restart / pause / resume, scale and set
// image behave as on Kubernetes. kubectl does undo itself, by copying the ReplicaSet's template
// into the deployment; the controller then makes that ReplicaSet the newest revision.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentController } from '../../../src/controller/deployment/index.js';
import { replicaSetController } from '../../../src/controller/replicaset/index.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { Kubectl, kubectlVersions } from '../../support/kubectl.js';
import { waitFor } from '../../support/wait.js';
import { condition, createNamespace, getDeployment, ownedReplicaSets, waitForDeployment, waitForEvent, waitForRollout } from './harness.js';

let cluster: TestCluster;
let controllers: TestControllers;
const versions = kubectlVersions();
const newest = versions[versions.length - 1] ?? { version: 'default', binary: 'kubectl' };
let kubectl: Kubectl;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake' });
  controllers = await startTestControllers([deploymentController, replicaSetController], { plane: cluster.plane });
  kubectl = new Kubectl(cluster.plane.kubeconfigPath, newest.binary);
});

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

function manifest(ns: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  annotations:
    kubernetes.io/change-cause: create v1
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: supernetes.local/busybox:v1
        readinessProbe:
          exec: {command: ["true"]}
          initialDelaySeconds: 1
          periodSeconds: 1
`;
}

const WAITING = /Waiting for deployment "web" rollout to finish: (\d+ out of \d+ new replicas have been updated|\d+ old replicas are pending termination|\d+ of \d+ updated replicas are available)\.\.\./;

const imageOf = (d: Deployment | ReplicaSet): string | undefined => d.spec?.template?.spec?.containers?.[0]?.image;
const revisionOf = (o: Deployment | ReplicaSet): string | undefined => o.metadata?.annotations?.['deployment.kubernetes.io/revision'];

/** The rows of `kubectl rollout history`: revision and change-cause. */
function historyRows(out: string): [string, string][] {
  return out
    .split('\n')
    .filter((line) => /^\d+\s/.test(line))
    .map((line) => {
      const [revision = '', ...cause] = line.trim().split(/\s+/);
      return [revision, cause.join(' ')];
    });
}

describe(`kubectl ${newest.version} rollout against the Deployment controller`, () => {
  it('status, set image, history, undo, undo --to-revision, restart, pause, scale while paused, resume', async () => {
    const ns = 'kubectl';
    await createNamespace(cluster.client, ns);
    const ok = (args: string[], input?: string): Promise<string> => kubectl.ok(['-n', ns, ...args], input);

    await ok(['apply', '-f', '-'], manifest(ns, 3));
    const first = await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(first).toContain('deployment "web" successfully rolled out');
    expect(first).toMatch(WAITING);

    expect(await ok(['set', 'image', 'deployment/web', 'main=supernetes.local/busybox:v2'])).toContain('deployment.apps/web image updated');
    await ok(['annotate', 'deployment/web', 'kubernetes.io/change-cause=image v2', '--overwrite']);
    const second = await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(second).toContain('deployment "web" successfully rolled out');
    let d = await waitForRollout(cluster.client, ns, 'web');
    expect(revisionOf(d)).toBe('2');
    // The change-cause reaches the new ReplicaSet, where history reads it.
    await waitFor(async () => historyRows(await ok(['rollout', 'history', 'deployment/web'])).join(';') === '1,create v1;2,image v2', { what: 'history 1 and 2 with causes', timeoutMs: 20_000, intervalMs: 200 });
    expect(await ok(['rollout', 'history', 'deployment/web', '--revision=1'])).toContain('supernetes.local/busybox:v1');

    // undo: back to revision 1's template, which becomes revision 3 (1 is kept in revision-history).
    expect(await ok(['rollout', 'undo', 'deployment/web'])).toContain('deployment.apps/web rolled back');
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    d = await waitForDeployment(cluster.client, ns, 'web', (x) => revisionOf(x) === '3', 'revision 3');
    expect(imageOf(d)).toBe('supernetes.local/busybox:v1');
    expect(d.metadata?.annotations?.['kubernetes.io/change-cause']).toBe('create v1');
    let rss = await ownedReplicaSets(cluster.client, ns, d);
    const v1 = rss.find((rs) => imageOf(rs) === 'supernetes.local/busybox:v1');
    expect(v1?.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(rss).toHaveLength(2);
    await waitFor(async () => historyRows(await ok(['rollout', 'history', 'deployment/web'])).join(';') === '2,image v2;3,create v1', { what: 'history 2 and 3', timeoutMs: 20_000, intervalMs: 200 });

    // undo --to-revision=2
    await ok(['rollout', 'undo', 'deployment/web', '--to-revision=2']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    d = await waitForDeployment(cluster.client, ns, 'web', (x) => revisionOf(x) === '4', 'revision 4');
    expect(imageOf(d)).toBe('supernetes.local/busybox:v2');
    const undoMissing = await kubectl.run(['-n', ns, 'rollout', 'undo', 'deployment/web', '--to-revision=99']);
    expect(undoMissing.code).not.toBe(0);
    expect(undoMissing.stderr).toMatch(/unable to find specified revision 99 in history/);

    // restart: a new template (restartedAt), so a new ReplicaSet, revision 5.
    expect(await ok(['rollout', 'restart', 'deployment/web'])).toContain('deployment.apps/web restarted');
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    d = await waitForDeployment(cluster.client, ns, 'web', (x) => revisionOf(x) === '5', 'revision 5');
    expect(d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    rss = await ownedReplicaSets(cluster.client, ns, d);
    expect(rss.filter((rs) => (rs.spec?.replicas ?? 0) > 0).map(revisionOf)).toEqual(['5']);

    // pause: no rollout of a new template, but scaling still applies.
    expect(await ok(['rollout', 'pause', 'deployment/web'])).toContain('deployment.apps/web paused');
    d = await waitForDeployment(cluster.client, ns, 'web', (x) => condition(x, 'Progressing')?.reason === 'DeploymentPaused', 'DeploymentPaused');
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'Unknown', message: 'Deployment is paused' });
    await ok(['set', 'image', 'deployment/web', 'main=supernetes.local/busybox:v3']);
    expect(await ok(['scale', 'deployment/web', '--replicas=5'])).toContain('deployment.apps/web scaled');
    d = await waitForDeployment(cluster.client, ns, 'web', (x) => x.status?.observedGeneration === x.metadata?.generation && x.status?.availableReplicas === 5, 'scaled to 5 while paused', 30_000);
    rss = await ownedReplicaSets(cluster.client, ns, d);
    expect(rss.some((rs) => imageOf(rs) === 'supernetes.local/busybox:v3')).toBe(false);
    expect(rss.filter((rs) => (rs.spec?.replicas ?? 0) > 0).map((rs) => [revisionOf(rs), rs.spec?.replicas])).toEqual([['5', 5]]);
    const undoPaused = await kubectl.run(['-n', ns, 'rollout', 'undo', 'deployment/web']);
    expect(undoPaused.code).not.toBe(0);
    expect(undoPaused.stderr).toContain("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");

    expect(await ok(['rollout', 'resume', 'deployment/web'])).toContain('deployment.apps/web resumed');
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    d = await waitForRollout(cluster.client, ns, 'web');
    expect(revisionOf(d)).toBe('6');
    expect(imageOf(d)).toBe('supernetes.local/busybox:v3');
    expect(d.status).toMatchObject({ replicas: 5, updatedReplicas: 5, availableReplicas: 5 });
    await waitForEvent(cluster.client, ns, 'web', 'ScalingReplicaSet', /^Scaled up replica set web-[456789bcdf]+ from 3 to 5$/);

    const out = await ok(['get', 'deployment', 'web']);
    expect(out).toMatch(/web\s+5\/5\s+5\s+5\s/);
  });

  it('rollout status fails once the progress deadline is exceeded', async () => {
    const ns = 'kubectl-deadline';
    await createNamespace(cluster.client, ns);
    await kubectl.ok(['-n', ns, 'create', 'deployment', 'web', '--image=supernetes.local/busybox:v1', '--replicas=2']);
    await waitForRollout(cluster.client, ns, 'web');
    await kubectl.ok(['-n', ns, 'patch', 'deployment', 'web', '-p', '{"spec":{"progressDeadlineSeconds":2}}']);
    await kubectl.ok(['-n', ns, 'set', 'env', 'deployment/web', 'FAKE_EXIT_CODE=1']);
    const result = await kubectl.run(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('deployment "web" exceeded its progress deadline');
    const d = await getDeployment(cluster.client, ns, 'web');
    expect(condition(d, 'Progressing')?.reason).toBe('ProgressDeadlineExceeded');
  });
});

describe('every kubectl version reads the rollout', () => {
  it.each(versions)('kubectl $version: rollout status and history', async ({ version, binary }) => {
    const ns = `v${version.replace(/\D/g, '')}`;
    await createNamespace(cluster.client, ns);
    const k = new Kubectl(cluster.plane.kubeconfigPath, binary);
    await k.ok(['-n', ns, 'apply', '-f', '-'], manifest(ns, 2));
    expect(await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('deployment "web" successfully rolled out');
    await k.ok(['-n', ns, 'set', 'image', 'deployment/web', 'main=supernetes.local/busybox:v2']);
    expect(await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('deployment "web" successfully rolled out');
    const rows = historyRows(await k.ok(['-n', ns, 'rollout', 'history', 'deployment/web']));
    expect(rows.map(([revision]) => revision)).toEqual(['1', '2']);
  });
});
