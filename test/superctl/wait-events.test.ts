// superctl wait, events, run and expose against the real API server, scheduler and a superlet on
// the fake runtime, compared with the real kubectl where the output is deterministic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { Pods, Services } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { BUSYBOX } from '../support/pods.js';
import { Superctl } from '../support/superctl.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;
let superctl: Superctl;

/** TYPE REASON OBJECT of each row of an events table (LAST SEEN and MESSAGE left out). */
function eventKeys(table: string): string[] {
  return table.trimEnd().split('\n').slice(1).map((line) => {
    // Columns are separated by at least two spaces; LAST SEEN ("5s (x2 over 9s)") holds single ones only.
    return line.split(/\s{2,}/).slice(1, 4).join(' ');
  }).sort();
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, runtime: 'fake' });
  superctl = new Superctl(cluster.plane.kubeconfigPath);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('superctl run, wait, events, expose', { timeout: 120_000 }, () => {
  it('run creates a pod as kubectl run does', async () => {
    expect(await superctl.ok(['run', 'w1', `--image=${BUSYBOX}`, '--env=A=1', '--port=8080', '--', 'sleep', '100'])).toBe('pod/w1 created\n');
    await cluster.kubectl.ok(['run', 'w2', `--image=${BUSYBOX}`, '--env=A=1', '--port=8080', '--', 'sleep', '100']);
    const ours = await cluster.client.get<Pod>(Pods, 'w1', 'default');
    const theirs = await cluster.client.get<Pod>(Pods, 'w2', 'default');
    expect(ours.metadata?.labels).toEqual({ run: 'w1' });
    expect({ ...ours.spec?.containers[0], name: 'x' }).toEqual({ ...theirs.spec?.containers[0], name: 'x' });
    expect(ours.spec?.restartPolicy).toBe(theirs.spec?.restartPolicy);
    const dry = await superctl.ok(['run', 'w3', `--image=${BUSYBOX}`, '--restart=Never', '--dry-run=client', '-o', 'json']);
    expect((JSON.parse(dry) as Pod).spec?.restartPolicy).toBe('Never');
    await expect(cluster.client.get<Pod>(Pods, 'w3', 'default')).rejects.toThrow(/not found/);
  });

  it('wait --for=condition and --for=jsonpath print what kubectl prints', async () => {
    const [ours, theirs] = [await superctl.run(['wait', '--for=condition=Ready', 'pod/w1', '--timeout=60s']), await cluster.kubectl.run(['wait', '--for=condition=Ready', 'pod/w1', '--timeout=60s'])];
    expect(ours).toEqual({ code: 0, stdout: 'pod/w1 condition met\n', stderr: '' });
    expect(ours).toEqual(theirs);
    expect(await superctl.ok(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/w1', 'pod/w2'])).toBe('pod/w1 condition met\npod/w2 condition met\n');
    expect(await superctl.ok(['wait', "--for=jsonpath='{.spec.containers[0].env[0].value}'=1", '-l', 'run=w1', 'pods'])).toBe('pod/w1 condition met\n');
  });

  it('wait times out with kubectl line and exit code; a missing object is NotFound', async () => {
    await cluster.client.create(Pods, { metadata: { name: 'stuck', namespace: 'default' }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: BUSYBOX }] } });
    const [ours, theirs] = [await superctl.run(['wait', '--for=condition=Ready', 'pod/stuck', '--timeout=2s']), await cluster.kubectl.run(['wait', '--for=condition=Ready', 'pod/stuck', '--timeout=2s'])];
    expect(ours).toEqual({ code: 1, stdout: '', stderr: 'error: timed out waiting for the condition on pods/stuck\n' });
    expect(ours).toEqual(theirs);
    const [missing, kubectlMissing] = [await superctl.run(['wait', '--for=condition=Ready', 'pod/none', '--timeout=2s']), await cluster.kubectl.run(['wait', '--for=condition=Ready', 'pod/none', '--timeout=2s'])];
    expect(missing).toEqual(kubectlMissing);
    const bad = await superctl.run(['wait', '--for=sometimes', 'pod/w1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('wait --for=delete returns once the pod is gone', async () => {
    const child = superctl.spawn(['wait', '--for=delete', 'pod/w2', '--timeout=60s']);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await cluster.client.delete(Pods, 'w2', 'default', { gracePeriodSeconds: 0 });
    expect(await exited).toBe(0);
    expect(out).toBe('pod/w2 deleted\n');
  });

  it('events lists the same events as kubectl events, with its columns', async () => {
    const ours = await waitFor(async () => {
      const text = await superctl.ok(['events', '--for', 'pod/w1']);
      return text.includes('Started') ? text : undefined;
    }, { what: 'the Started event of w1', timeoutMs: 30_000, intervalMs: 500 });
    expect(ours.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(ours).toMatch(/Normal\s+Scheduled\s+Pod\/w1\s+Successfully assigned default\/w1 to /);
    expect(eventKeys(ours)).toEqual(eventKeys(await cluster.kubectl.ok(['events', '--for', 'pod/w1'])));
    const warnings = await superctl.run(['events', '--types=Warning']);
    expect(warnings.stdout).not.toMatch(/Normal/);
    const all = await superctl.ok(['events', '-A']);
    expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+LAST SEEN/);
  });

  it('events --watch prints new events as they happen', async () => {
    const child = superctl.spawn(['events', '--watch']);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    try {
      await waitFor(() => out.includes('LAST SEEN'), { what: 'the header', timeoutMs: 20_000 });
      await superctl.ok(['run', 'w4', `--image=${BUSYBOX}`]);
      await waitFor(() => /Scheduled\s+Pod\/w4/.test(out), { what: 'the Scheduled event of w4', timeoutMs: 30_000 });
    } finally {
      child.kill();
    }
  });

  it('expose makes the Service kubectl expose makes', async () => {
    await cluster.kubectl.ok(['create', 'deployment', 'web', `--image=${BUSYBOX}`, '--port=8080']);
    expect(await superctl.ok(['expose', 'deployment/web', '--port=80', '--target-port=8080'])).toBe('service/web exposed\n');
    const ours = await cluster.client.get<Service>(Services, 'web', 'default');
    const theirs = JSON.parse(await cluster.kubectl.ok(['expose', 'deployment/web', '--name=web2', '--port=80', '--target-port=8080', '--dry-run=client', '-o', 'json'])) as Service;
    expect(ours.spec?.selector).toEqual(theirs.spec?.selector);
    expect(ours.spec?.ports).toEqual(theirs.spec?.ports);
    expect(ours.metadata?.labels).toEqual(theirs.metadata?.labels);
    const inferred = await superctl.ok(['expose', 'pod/w1', '--name=w1-svc', '--type=NodePort']);
    expect(inferred).toBe('service/w1-svc exposed\n');
    const svc = await cluster.client.get<Service>(Services, 'w1-svc', 'default');
    expect(svc.spec?.ports?.[0]?.port).toBe(8080);
    expect(svc.spec?.type).toBe('NodePort');
    const [ours2, theirs2] = [await superctl.run(['expose', 'pod/stuck']), await cluster.kubectl.run(['expose', 'pod/stuck'])];
    expect(ours2.code).toBe(1);
    expect(ours2.stderr).toBe(theirs2.stderr.split('\n')[0] + '\n');
  });
});
