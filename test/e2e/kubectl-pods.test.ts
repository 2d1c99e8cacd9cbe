// The real kubectl against pods that run on Docker: apply, get, logs, exec (WebSocket for kubectl
// 1.30+, SPDY before), describe, delete. Each kubectl version on the machine runs logs and exec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { Kubectl, kubectlVersions } from '../support/kubectl.js';
import { containerStatus, isRunningAndReady, waitForPod } from '../support/pods.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;

const MANIFEST = `
apiVersion: v1
kind: Pod
metadata:
  name: talker
  labels: {app: talker}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: supernetes.local/busybox:latest
    command: ["sh", "-c", "echo line-one; echo line-two; echo to-stderr >&2; exec sleep 3600"]
  - name: side
    image: supernetes.local/busybox:latest
    command: ["sh", "-c", "echo side-says-hi; exec sleep 3600"]
`;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
  await cluster.kubectl.ok(['apply', '-f', '-'], MANIFEST);
  await waitForPod(cluster.client, 'talker', isRunningAndReady, 'Running');
});

afterAll(async () => {
  await cluster?.stop();
});

describe('kubectl with running pods', { timeout: 180_000 }, () => {
  it('shows the pod Running with its node and IP in get -o wide', async () => {
    const out = await cluster.kubectl.ok(['get', 'pod', 'talker', '-o', 'wide']);
    expect(out).toMatch(/talker\s+2\/2\s+Running\s+0\s+\S+\s+\d+\.\d+\.\d+\.\d+\s+node-/);
  });

  it('describes the pod with its containers and the superlet\'s events', async () => {
    const out = await cluster.kubectl.ok(['describe', 'pod', 'talker']);
    expect(out).toMatch(/Status:\s+Running/);
    expect(out).toMatch(/Container ID:\s+docker:\/\//);
    expect(out).toMatch(/Started\s+\S+\s+superlet\s+Started container main/);
  });

  for (const { version, binary } of kubectlVersions()) {
    it(`kubectl ${version}: logs and exec reach the containers`, async () => {
      const kubectl = new Kubectl(cluster.plane.kubeconfigPath, binary);
      // Docker reads stdout and stderr through two pipes, so the stderr line may be stored before
      // or after the stdout lines; each stream keeps its own order, and the stored order is fixed.
      const all = await kubectl.ok(['logs', 'talker', '-c', 'main']);
      expect(all.split('\n').filter((line) => line.startsWith('line-'))).toEqual(['line-one', 'line-two']);
      expect([...all.split('\n')].sort()).toEqual(['', 'line-one', 'line-two', 'to-stderr']);
      expect(await kubectl.ok(['logs', 'talker', '-c', 'side'])).toBe('side-says-hi\n');
      const lastLine = all.split('\n').at(-2);
      expect(await kubectl.ok(['logs', 'talker', '-c', 'main', '--tail', '1'])).toBe(`${lastLine}\n`);
      const stamped = await kubectl.ok(['logs', 'talker', '-c', 'main', '--timestamps']);
      expect(stamped.split('\n')[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z ${all.split('\n')[0]}$`));
      // kubectl picks the first container itself when none is named (the server would refuse).
      const defaulted = await kubectl.run(['logs', 'talker']);
      expect(defaulted.stdout).toBe(all);

      expect(await kubectl.ok(['exec', 'talker', '-c', 'main', '--', 'echo', 'hi from exec'])).toBe('hi from exec\n');
      expect(await kubectl.ok(['exec', '-i', 'talker', '-c', 'main', '--', 'tr', 'a-z', 'A-Z'], 'shout this\n')).toBe('SHOUT THIS\n');
      const failing = await kubectl.run(['exec', 'talker', '-c', 'main', '--', 'sh', '-c', 'exit 3']);
      expect(failing.code).toBe(3);
    });
  }

  it('follows logs with logs -f until the pod writes more', async () => {
    await cluster.kubectl.ok(['exec', 'talker', '-c', 'main', '--', 'sh', '-c', 'echo appended > /proc/1/fd/1']);
    const child = cluster.kubectl.spawn(['logs', '-f', 'talker', '-c', 'main']);
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => { seen += chunk.toString(); });
    try {
      await waitFor(() => seen.includes('appended'), { what: 'logs -f to show the appended line', timeoutMs: 30_000 });
      await cluster.kubectl.ok(['exec', 'talker', '-c', 'main', '--', 'sh', '-c', 'echo later-line > /proc/1/fd/1']);
      await waitFor(() => seen.includes('later-line'), { what: 'logs -f to follow a new line', timeoutMs: 30_000 });
    } finally {
      child.kill();
    }
  });

  it('shows the previous container\'s logs after a restart (logs --previous)', async () => {
    await cluster.kubectl.ok(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: restarter}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: d, emptyDir: {}}]
  containers:
  - name: main
    image: supernetes.local/busybox:latest
    volumeMounts: [{name: d, mountPath: /d}]
    command: ["sh", "-c", "if [ -f /d/ran ]; then echo second-run; exec sleep 3600; fi; touch /d/ran; echo first-run; exit 1"]
`);
    await waitForPod(cluster.client, 'restarter', (p) => isRunningAndReady(p) && containerStatus(p, 'main')?.restartCount === 1, 'Running after one restart');
    expect(await cluster.kubectl.ok(['logs', 'restarter'])).toBe('second-run\n');
    expect(await cluster.kubectl.ok(['logs', 'restarter', '--previous'])).toBe('first-run\n');
  });

  it('deletes the pod and waits for it to be gone', async () => {
    await cluster.kubectl.ok(['delete', 'pod', 'restarter', '--wait=true', '--timeout=60s']);
    const after = await cluster.kubectl.run(['get', 'pod', 'restarter']);
    expect(after.stderr).toMatch(/NotFound/);
  });
});
