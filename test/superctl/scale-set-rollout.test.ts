// superctl scale, set image and rollout against the real API server and controllers, on nodes of
// the fake runtime (the rollout logic is the controllers'; Docker adds nothing here but time). The
// messages, errors and exit codes are compared with the real kubectl's, run on the same cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { Deployments } from '../../src/client/resource-types.js';
import { allControllers } from '../../src/controller/all-controllers.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startTestControllers, type TestControllers } from '../support/controllers.js';
import { Superctl } from '../support/superctl.js';

let cluster: TestCluster;
let controllers: TestControllers;
let superctl: Superctl;

const MANIFEST = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: supernetes.local/busybox:latest}
`;

const WAITING = [
  /^Waiting for deployment spec update to be observed\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ out of \d+ new replicas have been updated\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ old replicas are pending termination\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ of \d+ updated replicas are available\.\.\.$/,
];

/** Both tools' answers, for comparing. */
async function both(args: string[]): Promise<[{ code: number; stdout: string; stderr: string }, { code: number; stdout: string; stderr: string }]> {
  return [await superctl.run(args), await cluster.kubectl.run(args)];
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake' });
  controllers = await startTestControllers(allControllers(), { plane: cluster.plane });
  superctl = new Superctl(cluster.plane.kubeconfigPath);
  await cluster.kubectl.ok(['apply', '-f', '-'], MANIFEST);
}, 120_000);

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

describe('superctl scale, set image, rollout', { timeout: 120_000 }, () => {
  it('rollout status waits until the rollout is done, printing kubectl lines (each once) when piped', async () => {
    const out = await superctl.ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    const lines = out.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('deployment "web" successfully rolled out');
    for (const line of lines.slice(0, -1)) expect(WAITING.some((re) => re.test(line)), line).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
    expect(out).not.toContain('\r');
    expect(await superctl.ok(['rollout', 'status', 'deploy/web'])).toBe(await cluster.kubectl.ok(['rollout', 'status', 'deploy/web']));
  });

  it('scale prints what kubectl prints, and --current-replicas refuses a wrong count as kubectl does', async () => {
    const ours = await superctl.run(['scale', 'deploy/web', '--replicas=3']);
    expect(ours).toEqual({ code: 0, stdout: 'deployment.apps/web scaled\n', stderr: '' });
    expect((await cluster.client.get<Deployment>(Deployments, 'web', 'default')).spec?.replicas).toBe(3);
    expect(await cluster.kubectl.ok(['scale', 'deployment', 'web', '--replicas=3'])).toBe(ours.stdout);
    const [mine, theirs] = await both(['scale', 'deploy/web', '--replicas=1', '--current-replicas=5']);
    expect(mine).toEqual(theirs);
    expect((await cluster.client.get<Deployment>(Deployments, 'web', 'default')).spec?.replicas).toBe(3);
    expect((await superctl.run(['scale', 'deploy/web', '--replicas=2', '--current-replicas=3'])).stdout).toBe('deployment.apps/web scaled\n');
  });

  it('set image updates the template, prints nothing when nothing changes, and names a missing container', async () => {
    expect(await superctl.ok(['set', 'image', 'deploy/web', 'web=supernetes.local/busybox:1.0'])).toBe('deployment.apps/web image updated\n');
    const d = await cluster.client.get<Deployment>(Deployments, 'web', 'default');
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('supernetes.local/busybox:1.0');
    const [again, kubectlAgain] = await both(['set', 'image', 'deploy/web', 'web=supernetes.local/busybox:1.0']);
    expect(again).toEqual(kubectlAgain);
    const [missing, kubectlMissing] = await both(['set', 'image', 'deploy/web', 'nope=x']);
    expect(missing.code).toBe(kubectlMissing.code);
    expect(missing.stderr).toBe(kubectlMissing.stderr);
    expect(await superctl.ok(['rollout', 'status', 'deploy/web', '--timeout=90s'])).toMatch(/deployment "web" successfully rolled out\n$/);
  });

  it('rollout history lists the revisions exactly as kubectl does', async () => {
    const [ours, theirs] = await both(['rollout', 'history', 'deployment/web']);
    expect(ours).toEqual(theirs);
    expect(ours.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
  });

  it('rollout undo goes back to the previous template, and refuses a revision that does not exist as kubectl does', async () => {
    expect(await superctl.ok(['rollout', 'undo', 'deploy/web'])).toBe('deployment.apps/web rolled back\n');
    const d = await cluster.client.get<Deployment>(Deployments, 'web', 'default');
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('supernetes.local/busybox:latest');
    expect(d.spec?.template.metadata?.labels?.['pod-template-hash']).toBeUndefined();
    expect(await superctl.ok(['rollout', 'status', 'deploy/web', '--timeout=90s'])).toMatch(/successfully rolled out\n$/);
    const [history, kubectlHistory] = await both(['rollout', 'history', 'deploy/web']);
    expect(history).toEqual(kubectlHistory);
    expect(history.stdout).toMatch(/\n2\s+<none>\n3\s+<none>\n/);
    const [missing, kubectlMissing] = await both(['rollout', 'undo', 'deploy/web', '--to-revision=99']);
    expect(missing).toEqual(kubectlMissing);
    expect(await superctl.ok(['rollout', 'undo', 'deploy/web', '--to-revision=2'])).toBe('deployment.apps/web rolled back\n');
    expect((await cluster.client.get<Deployment>(Deployments, 'web', 'default')).spec?.template.spec?.containers[0]?.image).toBe('supernetes.local/busybox:1.0');
  });

  it('pause and resume say what kubectl says, also when there is nothing to do; a paused deployment is not rolled back', async () => {
    expect(await superctl.ok(['rollout', 'pause', 'deploy/web'])).toBe('deployment.apps/web paused\n');
    expect((await cluster.client.get<Deployment>(Deployments, 'web', 'default')).spec?.paused).toBe(true);
    let [ours, theirs] = await both(['rollout', 'pause', 'deploy/web']);
    expect(ours).toEqual(theirs);
    [ours, theirs] = await both(['rollout', 'undo', 'deploy/web']);
    expect(ours.code).toBe(theirs.code);
    // kubectl's line leaves the deployment's name out of the command it suggests; ours names it.
    expect(theirs.stderr).toBe("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n");
    expect(ours.stderr).toBe("error: you cannot rollback a paused deployment; resume it first with 'superctl rollout resume deployment/web' and try again\n");
    [ours, theirs] = await both(['rollout', 'restart', 'deploy/web']);
    expect(ours).toEqual(theirs);
    expect(await superctl.ok(['rollout', 'resume', 'deploy/web'])).toBe('deployment.apps/web resumed\n');
    [ours, theirs] = await both(['rollout', 'resume', 'deploy/web']);
    expect(ours).toEqual(theirs);
  });

  it('rollout restart stamps the template with restartedAt, which starts a new revision', async () => {
    expect(await superctl.ok(['rollout', 'restart', 'deploy/web'])).toBe('deployment.apps/web restarted\n');
    const d = await cluster.client.get<Deployment>(Deployments, 'web', 'default');
    expect(d.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await superctl.ok(['rollout', 'status', 'deploy/web', '--timeout=90s'])).toMatch(/successfully rolled out\n$/);
  });

  it('bad input is one line and exit code 1: no such deployment, no such type, a kind without rollouts', async () => {
    const [ours, theirs] = await both(['rollout', 'status', 'deploy/nope']);
    expect(ours.code).toBe(1);
    expect(ours.stderr).toBe(theirs.stderr);
    const noType = await superctl.run(['scale', 'widgets/x', '--replicas=1']);
    expect(noType).toEqual({ code: 1, stdout: '', stderr: 'error: the server doesn\'t have a resource type "widgets"\n' });
    const noReplicas = await superctl.run(['scale', 'deploy/web']);
    expect(noReplicas.code).toBe(1);
    expect(noReplicas.stderr.trimEnd().split('\n')).toHaveLength(1);
    const timeout = await superctl.run(['rollout', 'status', 'deploy/web', '--timeout=nonsense']);
    expect(timeout.code).toBe(1);
  });
});
