// Deployments on the real Docker daemon, with every SuperController controller running as in
// `supernetes server`: 5 replicas come up; a rolling update keeps at least replicas - maxUnavailable
// ready pods and at most replicas + maxSurge pods on every watch event; rollout undo goes back; a
// container killed from outside is restarted and a pod deleted by hand is replaced.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { Deployments, Pods } from '../../src/client/resource-types.js';
import { allControllers } from '../../src/controller/all-controllers.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startTestControllers, type TestControllers } from '../support/controllers.js';
import { containerStatus, isRunningAndReady } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
let cluster: TestCluster;
let controllers: TestControllers;
const watching = new AbortController();
/** Pods of the deployment that are not being deleted, by uid: ready or not. */
const live = new Map<string, boolean>();
let tracking = false;
let minReady = Infinity;
let maxPods = 0;

const MANIFEST = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 2, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: supernetes.local/busybox:latest
        command: ["sh", "-c", "echo up > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
        readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
`;

async function livePods(): Promise<Pod[]> {
  const list = await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=web' });
  return list.items.filter((p) => p.metadata?.deletionTimestamp === undefined && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
  controllers = await startTestControllers(allControllers(), { plane: cluster.plane });
  void (async () => {
    for await (const event of cluster.client.watch<Pod>(Pods, { namespace: 'default', labelSelector: 'app=web', signal: watching.signal })) {
      const pod = event.object;
      const uid = pod.metadata?.uid ?? '';
      const gone = event.type === 'DELETED' || pod.metadata?.deletionTimestamp !== undefined || pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
      if (gone) live.delete(uid);
      else if (event.type === 'ADDED' || event.type === 'MODIFIED') live.set(uid, isRunningAndReady(pod));
      if (tracking) {
        minReady = Math.min(minReady, [...live.values()].filter(Boolean).length);
        maxPods = Math.max(maxPods, live.size);
      }
    }
  })().catch(() => undefined);
});

afterAll(async () => {
  watching.abort();
  await controllers?.stop();
  await cluster?.stop();
});

describe('Deployments on Docker', { timeout: 300_000 }, () => {
  it('brings 5 replicas up: kubectl rollout status succeeds', async () => {
    await cluster.kubectl.ok(['apply', '-f', '-'], MANIFEST);
    const out = await cluster.kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=240s']);
    expect(out).toMatch(/deployment "web" successfully rolled out/);
    expect((await livePods()).filter(isRunningAndReady)).toHaveLength(5);
  });

  it('rolls out a new template without dropping below 4 ready pods or going above 7 pods', async () => {
    minReady = Infinity;
    maxPods = 0;
    tracking = true;
    await cluster.kubectl.ok(['set', 'image', 'deployment/web', 'web=supernetes.local/busybox:1.0']);
    await cluster.kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=240s']);
    tracking = false;
    const pods = await livePods();
    expect(pods.filter(isRunningAndReady)).toHaveLength(5);
    expect(new Set(pods.map((p) => p.spec?.containers[0]?.image))).toEqual(new Set(['supernetes.local/busybox:1.0']));
    expect(minReady).toBeGreaterThanOrEqual(4);
    expect(maxPods).toBeLessThanOrEqual(7);
    const history = await cluster.kubectl.ok(['rollout', 'history', 'deployment/web']);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
  });

  it('goes back to the previous template with rollout undo', async () => {
    await cluster.kubectl.ok(['rollout', 'undo', 'deployment/web']);
    await cluster.kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=240s']);
    const deployment = await cluster.client.get<Deployment>(Deployments, 'web', 'default');
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('supernetes.local/busybox:latest');
    await waitFor(async () => {
      const pods = await livePods();
      return pods.length === 5 && pods.every((p) => isRunningAndReady(p) && p.spec?.containers[0]?.image === 'supernetes.local/busybox:latest');
    }, { what: '5 ready pods of the first template', timeoutMs: 120_000, intervalMs: 250 });
  });

  it('restarts a container killed with docker kill, and replaces a pod deleted by hand', async () => {
    const [first, second] = await livePods();
    const id = containerStatus(first!, 'web')?.containerID?.replace('docker://', '') ?? '';
    await run('docker', ['kill', id]);
    await waitFor(async () => {
      const pod = await cluster.client.get<Pod>(Pods, first!.metadata!.name!, 'default');
      return (containerStatus(pod, 'web')?.restartCount ?? 0) >= 1 && isRunningAndReady(pod);
    }, { what: 'the killed container restarted', timeoutMs: 120_000, intervalMs: 250 });

    await cluster.client.delete(Pods, second!.metadata!.name!, 'default', { gracePeriodSeconds: 1 });
    await waitFor(async () => {
      const pods = await livePods();
      return pods.length === 5 && pods.every(isRunningAndReady) && !pods.some((p) => p.metadata?.uid === second!.metadata?.uid);
    }, { what: 'the deleted pod replaced', timeoutMs: 120_000, intervalMs: 250 });
  });

  it('deleting a namespace removes its deployments, pods and containers, then the namespace', async () => {
    await cluster.kubectl.ok(['create', 'namespace', 'doomed']);
    await cluster.kubectl.ok(['-n', 'doomed', 'apply', '-f', '-'], MANIFEST.replace('replicas: 5', 'replicas: 2'));
    await cluster.kubectl.ok(['-n', 'doomed', 'rollout', 'status', 'deployment/web', '--timeout=240s']);
    const pods = (await cluster.client.list<Pod>(Pods, { namespace: 'doomed' })).items;
    expect(pods).toHaveLength(2);
    await cluster.kubectl.ok(['delete', 'namespace', 'doomed', '--timeout=180s']);
    const node = cluster.nodes[0]!;
    for (const pod of pods) {
      const uid = pod.metadata!.uid!;
      await waitFor(async () => (await node.runtime.listContainers({ nodeName: node.name, podUid: uid })).length === 0
        && (await node.runtime.listSandboxes({ nodeName: node.name, podUid: uid })).length === 0,
      { what: `the containers of ${pod.metadata!.name!} removed`, timeoutMs: 60_000, intervalMs: 250 });
    }
    const gone = await cluster.kubectl.run(['get', 'namespace', 'doomed']);
    expect(gone.stderr).toMatch(/NotFound/);
  });
});
