// The whole path with real pieces: kubectl (and @kubernetes/client-node) → SuperAPIServer →
// SuperletServer → DockerRuntime → a busybox container. The container is made directly through the
// runtime with the pod's identity (no pod workers here), and the superlet's resolver maps the pod's
// container to it. Without Docker these tests fail, they do not skip.
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Exec, Log, type V1Status } from '@kubernetes/client-node';
import { DockerRuntime } from '../../../src/superlet/runtime/docker/index.js';
import type { PodRef } from '../../../src/superlet/runtime/runtime.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { Kubectl, kubectlVersions } from '../../support/kubectl.js';
import { BUSYBOX, DockerHarness, dockerReady } from '../runtime/docker-fixture.js';
import { containerConfig, sandboxConfig } from '../runtime/fixtures.js';
import { createPod, startSuperletFor, type TestSuperlet } from './superlet-fixture.js';

const harness = new DockerHarness('server');
const runtime = new DockerRuntime({ docker: harness.docker });
let plane: TestControlPlane;
let superlet: TestSuperlet;
let kubectl: Kubectl;
const containers = new Map<string, string>();

/** Prints "started", then "tick N" three times a second until stopped. */
const TICKER = 'echo started; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done';

beforeAll(async () => {
  await dockerReady(harness.docker);
  plane = await startTestControlPlane();
  kubectl = new Kubectl(plane.kubeconfigPath);
  const nodeName = harness.node();
  superlet = await startSuperletFor(plane, runtime, nodeName, (namespace, pod, container) => Promise.resolve(containers.get(`${namespace}/${pod}/${container}`)));
  await createPod(plane, { name: 'ticker', nodeName, containers: ['main'], image: BUSYBOX });
  const created = (await plane.request({ path: '/api/v1/namespaces/default/pods/ticker' })).json as { metadata: { uid: string } };
  const pod: PodRef = { uid: created.metadata.uid, name: 'ticker', namespace: 'default', nodeName };
  const sandbox = await runtime.runSandbox(sandboxConfig(pod));
  const id = await runtime.createContainer(sandbox.id, pod, containerConfig(BUSYBOX, { name: 'main', command: ['sh', '-c', TICKER] }));
  await runtime.startContainer(id);
  containers.set('default/ticker/main', id);
}, 120_000);

afterAll(async () => {
  superlet?.stop();
  await plane?.stop();
  await harness.cleanup();
});

describe('kubectl logs and exec against a busybox container', () => {
  it('kubectl logs prints the container output, with --tail and --timestamps', async () => {
    await expect.poll(async () => (await kubectl.run(['logs', 'ticker'])).stdout, { timeout: 10_000 }).toMatch(/^started\ntick 1\n/);
    expect(await kubectl.ok(['logs', 'ticker', '--tail=1'])).toMatch(/^tick \d+\n$/);
    expect(await kubectl.ok(['logs', 'ticker', '--tail=1', '--timestamps'])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z tick \d+\n$/);
  });

  it('kubectl logs -f follows new lines as they are written', async () => {
    const child = kubectl.spawn(['logs', '-f', 'ticker', '--tail=1']);
    let out = '';
    const lines = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no new lines followed; got ${JSON.stringify(out)}`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const seen = out.split('\n').filter((l) => l.startsWith('tick'));
        if (seen.length >= 3) {
          clearTimeout(timer);
          resolve(seen);
        }
      });
      child.once('exit', (code) => reject(new Error(`kubectl logs -f exited ${String(code)}: ${out}`)));
    });
    child.kill();
    const numbers = lines.map((l) => Number(l.split(' ')[1]));
    expect(numbers[1]).toBe((numbers[0] ?? 0) + 1);
    expect(numbers[2]).toBe((numbers[0] ?? 0) + 2);
  });

  // kubectl 1.30 and later speak WebSocket (v5.channel.k8s.io), 1.27 to 1.29 SPDY/3.1 (v4).
  it.each(kubectlVersions())('kubectl $version exec: a command, stdin, stderr and the exit code', async ({ binary }) => {
    const k = new Kubectl(plane.kubeconfigPath, binary);
    expect(await k.ok(['exec', 'ticker', '--', 'echo', 'hi'])).toBe('hi\n');
    expect(await k.ok(['exec', '-i', 'ticker', '--', 'sh', '-c', 'tr a-z A-Z'], 'shout this\n')).toBe('SHOUT THIS\n');
    const both = await k.run(['exec', 'ticker', '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(both).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    const failed = await k.run(['exec', 'ticker', '--', 'sh', '-c', 'exit 3']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('command terminated with exit code 3');
  });
});

describe('@kubernetes/client-node against a busybox container', () => {
  it('Exec runs a command with stdin and reports the status', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(plane.kubeConfig()).exec('default', 'ticker', 'main', ['sh', '-c', 'read line; echo got $line; exit 5'], stdout, null, stdin, false, resolve).catch(reject);
      stdin.end('it\n');
    });
    expect(output).toBe('got it\n');
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '5' }] } });
  });

  it('Log follows the container', async () => {
    let seen = '';
    let abort: AbortController | undefined;
    await new Promise<void>((resolve, reject) => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          seen += chunk.toString();
          if ((seen.match(/tick/g) ?? []).length >= 2) resolve();
          callback();
        },
      });
      new Log(plane.kubeConfig())
        .log('default', 'ticker', 'main', sink, { follow: true, tailLines: 1 })
        .then((controller) => (abort = controller))
        .catch(reject);
    });
    abort?.abort();
    expect(seen).toMatch(/^tick \d+\ntick \d+\n/);
  });
});
