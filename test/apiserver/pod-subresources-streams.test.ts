// pods/log, pods/exec and pods/attach through SuperAPIServer to a real SuperletServer on a stub
// runtime (no Docker): the checks the API server makes itself, the way it finds the superlet from
// the Node object, the query it forwards, and the streams it passes through, seen by raw HTTPS
// and WebSocket clients, @kubernetes/client-node and kubectl.
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Exec, Log, type V1Status } from '@kubernetes/client-node';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Kubectl, kubectlVersions } from '../support/kubectl.js';
import { StubRuntime, STUB_LOG } from '../superlet/server/stub-runtime.js';
import { createNode, createPod, startSuperletFor, type TestSuperlet } from '../superlet/server/superlet-fixture.js';
import { runExec } from '../superlet/server/ws-exec-client.js';

let plane: TestControlPlane;
let superlet: TestSuperlet;
let runtime: StubRuntime;
let tls: { ca: string; cert: string; key: string };

beforeAll(async () => {
  plane = await startTestControlPlane();
  runtime = new StubRuntime();
  superlet = await startSuperletFor(plane, runtime, 'stub-node', (namespace, pod, container, previous) =>
    Promise.resolve(
      namespace === 'default' && ['web', 'multi'].includes(pod) && ['main', 'a', 'b', 'setup'].includes(container) ? `${pod}-${container}${previous ? '-old' : ''}` : undefined,
    ),
  );
  await createPod(plane, { name: 'web', nodeName: 'stub-node', containers: ['main'] });
  await createPod(plane, { name: 'multi', nodeName: 'stub-node', containers: ['a', 'b'], initContainers: ['setup'] });
  await createPod(plane, { name: 'pending', containers: ['main'] });
  await createPod(plane, { name: 'lost', nodeName: 'no-such-node', containers: ['main'] });
  await createNode(plane, 'unreachable', { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], port: 1 });
  await createPod(plane, { name: 'far', nodeName: 'unreachable', containers: ['main'] });
  await createNode(plane, 'nameless', { addresses: [{ type: 'ExternalIP', address: '127.0.0.1' }] });
  await createPod(plane, { name: 'stray', nodeName: 'nameless', containers: ['main'] });
  const kc = plane.kubeConfig();
  const decode = (data: string | undefined): string => Buffer.from(data ?? '', 'base64').toString('utf8');
  tls = { ca: decode(kc.getCurrentCluster()?.caData), cert: decode(kc.getCurrentUser()?.certData), key: decode(kc.getCurrentUser()?.keyData) };
});

afterAll(async () => {
  superlet?.stop();
  await plane?.stop();
});

const podPath = (pod: string, sub: string, query = ''): string => `/api/v1/namespaces/default/pods/${pod}/${sub}${query === '' ? '' : `?${query}`}`;

async function failure(path: string): Promise<{ code: number; reason: string; message: string }> {
  const response = await plane.request({ path });
  const status = response.json as { code: number; reason: string; message: string };
  expect(response.status, response.text).toBe(status.code);
  return { code: status.code, reason: status.reason, message: status.message };
}

describe('pods/log', () => {
  it('streams the superlet log as text/plain and forwards the options', async () => {
    const response = await plane.request({ path: podPath('web', 'log', 'tailLines=2&timestamps=true&sinceSeconds=10&limitBytes=100') });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.text).toBe(STUB_LOG);
    expect(runtime.logCalls.at(-1)).toMatchObject({ id: 'web-main', options: { follow: false, tailLines: 2, timestamps: true, sinceSeconds: 10 } });
    const previous = await plane.request({ path: podPath('multi', 'log', 'container=b&previous=true') });
    expect(previous.text).toBe(STUB_LOG);
    expect(runtime.logCalls.at(-1)?.id).toBe('multi-b-old');
  });

  it('refuses what upstream refuses, with its messages', async () => {
    expect(await failure(podPath('multi', 'log'))).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: 'a container name must be specified for pod multi, choose one of: [setup a b]',
    });
    expect(await failure(podPath('web', 'log', 'container=nope'))).toMatchObject({ code: 400, message: 'container nope is not valid for pod web' });
    expect(await failure(podPath('pending', 'log'))).toMatchObject({ code: 400, message: 'pod pending does not have a host assigned' });
    expect(await failure(podPath('web', 'log', 'tailLines=-1'))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    });
    expect((await failure(podPath('web', 'log', 'sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z'))).message).toContain('at most one of `sinceTime` or `sinceSeconds`');
    expect(await failure(podPath('web', 'log', 'tailLines=abc'))).toMatchObject({ code: 400, message: 'strconv.ParseInt: parsing "abc": invalid syntax' });
    expect(await failure(podPath('nothere', 'log'))).toMatchObject({ code: 404, message: 'pods "nothere" not found' });
    expect((await plane.request({ method: 'POST', path: podPath('web', 'log'), body: '{}' })).status).toBe(405);
  });

  it('relays the superlet refusals and says when a node cannot be reached', async () => {
    // multi/setup resolves; "x" exists in no pod spec, so take a pod container the superlet does not know.
    await createPod(plane, { name: 'ghost', nodeName: 'stub-node', containers: ['main'] });
    expect(await failure(podPath('ghost', 'log'))).toMatchObject({
      code: 400,
      message: 'container "main" in pod "ghost" is waiting to start: no container has been created for it on this node',
    });
    expect(await failure(podPath('lost', 'log'))).toMatchObject({ code: 404, message: 'nodes "no-such-node" not found' });
    expect(await failure(podPath('stray', 'log'))).toMatchObject({ code: 500, message: 'no preferred addresses found; known addresses: [{ExternalIP 127.0.0.1}]' });
    const far = await failure(podPath('far', 'log'));
    expect(far.code).toBe(500);
    expect(far.message).toMatch(/^Get "https:\/\/127\.0\.0\.1:1\/containerLogs\/default\/far\/main": connect ECONNREFUSED/);
  });

  it('follows through client-node Log until aborted, and kubectl logs reads it', async () => {
    let seen = '';
    const sawTicks = new Promise<void>((resolve) => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          seen += chunk.toString();
          if (seen.includes('tick 2\n')) resolve();
          callback();
        },
      });
      void new Log(plane.kubeConfig()).log('default', 'web', 'main', sink, { follow: true }).then((abort) => sawTicks.then(() => abort.abort()));
    });
    await sawTicks;
    expect(seen.startsWith(`${STUB_LOG}tick 1\n`)).toBe(true);
    const follow = runtime.logCalls.findLast((c) => c.options.follow);
    await expect.poll(() => follow?.options.signal?.aborted, { timeout: 5000 }).toBe(true);
    expect(await new Kubectl(plane.kubeconfigPath).ok(['logs', 'web'])).toBe(STUB_LOG);
  });
});

describe('pods/exec and pods/attach', () => {
  const wss = (pod: string, query: string, sub = 'exec'): string => `wss://127.0.0.1:${plane.port}${podPath(pod, sub, query)}`;

  it('proxies a WebSocket exec to the superlet: output, exit status, stdin', async () => {
    const echo = await runExec({ url: wss('web', 'command=echo&command=hi&stdout=true&stderr=true'), tls });
    expect(echo).toMatchObject({ protocol: 'v5.channel.k8s.io', stdout: 'hi\n', status: { status: 'Success' }, closeCode: 1000 });
    expect(runtime.execCalls.at(-1)).toEqual({ id: 'web-main', options: { command: ['echo', 'hi'], stdin: false, stdout: true, stderr: true, tty: false } });
    const failed = await runExec({ url: wss('multi', 'container=b&command=fail&command=7&stdout=true&stderr=true'), protocols: ['v4.channel.k8s.io'], tls });
    expect(failed).toMatchObject({ protocol: 'v4.channel.k8s.io', stderr: 'failing\n', status: { reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } } });
    const cat = await runExec({ url: wss('web', 'command=cat&stdin=true&stdout=true'), tls, stdin: 'typed\n' });
    expect(cat).toMatchObject({ stdout: 'typed\n', status: { status: 'Success' } });
  });

  it('refuses before proxying what upstream refuses', async () => {
    const plain = await plane.request({ path: podPath('web', 'exec', 'command=echo&stdout=true') });
    expect(plain.status).toBe(400);
    expect((plain.json as { message: string }).message).toBe('Upgrade request required');
    await expect(runExec({ url: wss('multi', 'command=echo&stdout=true'), tls })).rejects.toThrow(/400 .*a container name must be specified for pod multi, choose one of: \[setup a b\]/);
    await expect(runExec({ url: wss('pending', 'command=echo&stdout=true'), tls })).rejects.toThrow(/400 .*pod pending does not have a host assigned/);
    await expect(runExec({ url: wss('web', 'command=echo'), tls })).rejects.toThrow(/400 .*at least 1 of stdin, stdout, stderr/);
    await expect(runExec({ url: wss('far', 'command=echo&stdout=true'), tls })).rejects.toThrow(/500 .*error dialing backend/);
    await expect(runExec({ url: wss('web', 'command=echo&stdout=true'), tls: { ca: tls.ca } })).rejects.toThrow(/401/);
  });

  it('reports attach as unsupported by the runtime on the error channel', async () => {
    const attach = await runExec({ url: wss('web', 'stdout=true', 'attach'), tls });
    expect(attach.status).toMatchObject({ status: 'Failure', reason: 'BadRequest', message: expect.stringContaining('attach is not supported') as unknown });
  });

  it('serves client-node Exec', async () => {
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(plane.kubeConfig()).exec('default', 'web', 'main', ['echo', 'from', 'client-node'], stdout, null, null, false, resolve).catch(reject);
    });
    expect(status.status).toBe('Success');
    expect(output).toBe('from client-node\n');
  });

  // 1.30 and later speak WebSocket; 1.27 to 1.29 SPDY/3.1: both are proxied to the superlet.
  it.each(kubectlVersions())('kubectl $version exec runs commands, passes stdin and exit codes', async ({ binary }) => {
    const kubectl = new Kubectl(plane.kubeconfigPath, binary);
    expect(await kubectl.ok(['exec', 'web', '--', 'echo', 'hi'])).toBe('hi\n');
    expect(await kubectl.ok(['exec', '-i', 'web', '--', 'cat'], 'from stdin\n')).toBe('from stdin\n');
    const failed = await kubectl.run(['exec', 'multi', '-c', 'a', '--', 'fail', '4']);
    expect(failed.code).toBe(4);
    expect(failed.stderr).toContain('failing');
    const wrong = await kubectl.run(['exec', 'web', '-c', 'nope', '--', 'echo']);
    expect(wrong.stderr).toContain('container nope is not valid for pod web');
  });
});
