// superctl logs and exec against a cluster on Docker: the log of a pod and of a deployment's pod,
// --tail, --timestamps, -l with a [pod/NAME/CONTAINER] prefix on every line, -f following new
// lines, -c; exec's output, stdin (-i), exit codes, and the same answers as the real kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allControllers } from '../../src/controller/all-controllers.js';
import { Pods } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startTestControllers, type TestControllers } from '../support/controllers.js';
import { isRunningAndReady, shellPod, waitForPod, BUSYBOX } from '../support/pods.js';
import { Superctl } from '../support/superctl.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;
let controllers: TestControllers;
let superctl: Superctl;

const TWO_CONTAINERS = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'duo', namespace: 'default', labels: { app: 'duo' } },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      { name: 'first', image: BUSYBOX, command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo first-$i; done; exec sleep 3600'] },
      { name: 'second', image: BUSYBOX, command: ['sh', '-c', 'echo second-1; touch /tmp/i-am-second; exec sleep 3600'] },
    ],
  },
};

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: talker}
spec:
  replicas: 2
  selector: {matchLabels: {app: talker}}
  template:
    metadata: {labels: {app: talker}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: talk
        image: ${BUSYBOX}
        command: ["sh", "-c", "echo hello from $HOSTNAME; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done"]
`;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
  controllers = await startTestControllers(allControllers(), { plane: cluster.plane });
  superctl = new Superctl(cluster.plane.kubeconfigPath);
  await cluster.client.create(Pods, TWO_CONTAINERS);
  await cluster.client.create(Pods, shellPod('solo', 'echo line-a; echo line-b; echo oops >&2; exec sleep 3600', { terminationGracePeriodSeconds: 1 }));
  await cluster.kubectl.ok(['apply', '-f', '-'], DEPLOYMENT);
  await waitForPod(cluster.client, 'duo', isRunningAndReady, 'running');
  await waitForPod(cluster.client, 'solo', isRunningAndReady, 'running');
}, 300_000);

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

describe('superctl logs', { timeout: 180_000 }, () => {
  it('prints a pod log as kubectl does (stdout and stderr of the container)', async () => {
    const ours = await waitFor(async () => {
      const out = await superctl.ok(['logs', 'solo']);
      return out.includes('oops') ? out : undefined;
    }, { what: 'the whole log of solo', timeoutMs: 30_000 });
    expect(ours.split('\n').sort()).toEqual((await cluster.kubectl.ok(['logs', 'solo'])).split('\n').sort());
    expect(ours).toContain('line-a\n');
  });

  it('picks a container with -c, says which one it defaulted to, and --tail keeps the last lines', async () => {
    await waitFor(async () => (await superctl.ok(['logs', 'duo', '-c', 'first'])).includes('first-5'), { what: 'first-5', timeoutMs: 30_000 });
    expect(await superctl.ok(['logs', 'duo', '-c', 'second'])).toBe('second-1\n');
    expect(await superctl.ok(['logs', 'duo', 'first', '--tail=2'])).toBe('first-4\nfirst-5\n');
    const defaulted = await superctl.run(['logs', 'duo', '--tail', '1']);
    expect(defaulted.stdout).toBe('first-5\n');
    expect(defaulted.stderr).toBe((await cluster.kubectl.run(['logs', 'duo', '--tail', '1'])).stderr);
  });

  it('--timestamps starts every line with an RFC3339 time', async () => {
    const lines = (await superctl.ok(['logs', 'duo', '-c', 'second', '--timestamps'])).trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z second-1$/);
  });

  it('-l prints every matching pod with a [pod/NAME/CONTAINER] prefix on each line', async () => {
    await waitFor(async () => (await cluster.client.list(Pods, { namespace: 'default', labelSelector: 'app=talker' })).items.length === 2 || undefined, { what: '2 talker pods', timeoutMs: 60_000 });
    const out = await waitFor(async () => {
      const text = await superctl.ok(['logs', '-l', 'app=talker', '--tail=1']);
      return text.trimEnd().split('\n').length === 2 ? text : undefined;
    }, { what: 'a line from each talker pod', timeoutMs: 60_000 });
    const pods = (await cluster.client.list<{ metadata: { name: string } }>(Pods, { namespace: 'default', labelSelector: 'app=talker' })).items.map((p) => p.metadata.name).sort();
    const lines = out.trimEnd().split('\n');
    expect(lines.map((l) => /^\[pod\/([^/]+)\/talk\] tick-\d+$/.exec(l)?.[1]).sort()).toEqual(pods);
  });

  it('logs deploy/NAME uses one of its pods and says which', async () => {
    const result = await superctl.run(['logs', 'deploy/talker', '--tail=-1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^hello from talker-/);
    expect(result.stderr).toMatch(/^Found 2 pods, using pod\/talker-/);
  });

  it('-f follows new lines until stopped', async () => {
    const child = superctl.spawn(['logs', '-f', 'deploy/talker', '--tail=1']);
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
    try {
      const first = await waitFor(() => /tick-(\d+)/.exec(text)?.[1], { what: 'a first tick', timeoutMs: 30_000 });
      await waitFor(() => new RegExp(`tick-${Number(first) + 2}\\n`).test(text), { what: 'two more ticks while following', timeoutMs: 30_000 });
    } finally {
      child.kill();
    }
  });

  it('a missing pod or container is one clear line and exit code 1', async () => {
    const missing = await superctl.run(['logs', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    const badContainer = await superctl.run(['logs', 'duo', '-c', 'third']);
    expect(badContainer.code).toBe(1);
    expect(badContainer.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('superctl exec', { timeout: 180_000 }, () => {
  it('runs a command and prints its output, like kubectl', async () => {
    const ours = await superctl.ok(['exec', 'solo', '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(ours).toBe(await cluster.kubectl.ok(['exec', 'solo', '--', 'sh', '-c', 'echo out; echo err >&2']));
    expect(ours).toBe('out\n');
    const result = await superctl.run(['exec', 'solo', '--', 'sh', '-c', 'echo err >&2']);
    expect(result.stderr).toBe('err\n');
  });

  it('passes stdin with -i and ends it, so cat returns', async () => {
    expect(await superctl.ok(['exec', '-i', 'solo', '--', 'sh', '-c', 'tr a-z A-Z'], 'shout this\n')).toBe('SHOUT THIS\n');
  });

  it('exits with the command exit code and kubectl message', async () => {
    const ours = await superctl.run(['exec', 'solo', '--', 'sh', '-c', 'exit 7']);
    const theirs = await cluster.kubectl.run(['exec', 'solo', '--', 'sh', '-c', 'exit 7']);
    expect(ours.code).toBe(7);
    expect(theirs.code).toBe(7);
    expect(ours.stderr).toBe('command terminated with exit code 7\n');
  });

  it('-c picks the container; deploy/NAME picks a pod', async () => {
    expect((await superctl.run(['exec', 'duo', '-c', 'second', '--', 'ls', '/tmp/i-am-second'])).code).toBe(0);
    expect((await superctl.run(['exec', 'duo', '-c', 'first', '--', 'ls', '/tmp/i-am-second'])).code).not.toBe(0);
    const host = await superctl.run(['exec', 'deploy/talker', '--', 'hostname']);
    expect(host.code).toBe(0);
    expect(host.stdout).toMatch(/^talker-/);
  });

  it('a command that does not exist fails with a clear line', async () => {
    const result = await superctl.run(['exec', 'solo', '--', 'no-such-command']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().length).toBeGreaterThan(0);
  });
});
