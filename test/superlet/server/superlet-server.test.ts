// The superlet's HTTPS API on a stub runtime: who may use it (only a cluster-CA certificate named
// supernetes:apiserver), container logs with the kubelet's query, and exec over WebSocket with the
// remotecommand v5 and v4 protocols.
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CertificateAuthority, type CertificateAndKey } from '../../../src/pki/index.js';
import { SuperletServer } from '../../../src/superlet/server/superlet-server.js';
import { StubRuntime, STUB_LOG } from './stub-runtime.js';
import { runExec } from './ws-exec-client.js';

let ca: CertificateAuthority;
let apiserverCert: CertificateAndKey;
let otherUserCert: CertificateAndKey;
let foreignCert: CertificateAndKey;
let runtime: StubRuntime;
let port: number;
const stop = new AbortController();

/** Which container ids the "node" has: pod p1 has "main" (id c-main) and a previous run of it (c-old). */
function resolveContainer(namespace: string, pod: string, container: string, previous: boolean): Promise<string | undefined> {
  if (namespace !== 'ns' || pod !== 'p1') return Promise.resolve(undefined);
  if (container === 'main') return Promise.resolve(previous ? 'c-old' : 'c-main');
  return Promise.resolve(container === 'vanished' ? 'gone' : undefined);
}

beforeAll(async () => {
  ca = await CertificateAuthority.create();
  apiserverCert = await ca.issueClientCertificate({ user: 'supernetes:apiserver', groups: [] });
  otherUserCert = await ca.issueClientCertificate({ user: 'supernetes-admin', groups: ['system:masters'] });
  foreignCert = await (await CertificateAuthority.create()).issueClientCertificate({ user: 'supernetes:apiserver', groups: [] });
  runtime = new StubRuntime();
  const server = new SuperletServer({ runtime, caPem: ca.certPem, bind: '127.0.0.1', port: 0, resolveContainer });
  port = (await server.start(stop.signal)).port;
});

afterAll(() => {
  stop.abort();
});

function get(path: string, cert?: CertificateAndKey): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, rejectUnauthorized: false, ...(cert === undefined ? {} : { cert: cert.certPem, key: cert.keyPem }) },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const tls = (cert: CertificateAndKey) => ({ cert: cert.certPem, key: cert.keyPem, rejectUnauthorized: false });
const execUrl = (query: string, container = 'main') => `wss://127.0.0.1:${port}/exec/ns/p1/${container}?${query}`;

describe('superlet API: who may use it', () => {
  it('serves the API server certificate and refuses others with 401 or 403', async () => {
    expect(await get('/healthz', apiserverCert)).toMatchObject({ status: 200, text: 'ok' });
    expect(await get('/containerLogs/ns/p1/main')).toMatchObject({ status: 401, text: 'Unauthorized' });
    expect(await get('/containerLogs/ns/p1/main', foreignCert)).toMatchObject({ status: 401 });
    const forbidden = await get('/containerLogs/ns/p1/main', otherUserCert);
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toBe('Forbidden (user=supernetes-admin, verb=get, resource=nodes, subresource=proxy)');
    await expect(runExec({ url: execUrl('command=echo&output=1'), tls: tls(otherUserCert) })).rejects.toThrow(/upgrade refused: 403/);
    await expect(runExec({ url: execUrl('command=echo&output=1'), tls: { rejectUnauthorized: false } })).rejects.toThrow(/upgrade refused: 401/);
    expect(runtime.execCalls).toEqual([]);
  });
});

describe('superlet API: container logs', () => {
  it('streams the runtime logs with the query as the runtime options', async () => {
    const response = await get('/containerLogs/ns/p1/main?tailLines=2&sinceSeconds=30&timestamps=true', apiserverCert);
    expect(response).toMatchObject({ status: 200, text: STUB_LOG });
    expect(response.type).toMatch(/^text\/plain/);
    expect(runtime.logCalls.at(-1)).toMatchObject({ id: 'c-main', options: { follow: false, tailLines: 2, sinceSeconds: 30, timestamps: true } });
  });

  it('reads the previous container, converts sinceTime and cuts at limitBytes', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const response = await get(`/containerLogs/ns/p1/main?previous=true&sinceTime=${encodeURIComponent(since)}&limitBytes=9`, apiserverCert);
    expect(response).toMatchObject({ status: 200, text: STUB_LOG.slice(0, 9) });
    const call = runtime.logCalls.at(-1);
    expect(call?.id).toBe('c-old');
    expect(call?.options.sinceSeconds).toBeGreaterThanOrEqual(60);
    expect(call?.options.sinceSeconds).toBeLessThan(70);
  });

  it('follows until the client leaves', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/containerLogs/ns/p1/main?follow=true', ...tls(apiserverCert) }, (res) => {
        let seen = '';
        res.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes('tick 2\n')) {
            req.destroy();
            resolve(seen);
          }
        });
      });
      req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
      req.end();
    });
    expect(text.startsWith(`${STUB_LOG}tick 1\ntick 2\n`)).toBe(true);
    const follow = runtime.logCalls.at(-1);
    await expect.poll(() => follow?.options.signal?.aborted).toBe(true);
  });

  it('answers in plain text when there is no such container or the query is bad', async () => {
    expect(await get('/containerLogs/ns/p1/sidecar', apiserverCert)).toMatchObject({
      status: 400,
      text: 'container "sidecar" in pod "p1" is waiting to start: no container has been created for it on this node',
    });
    expect(await get('/containerLogs/ns/p1/sidecar?previous=1', apiserverCert)).toMatchObject({
      status: 400,
      text: 'previous terminated container "sidecar" in pod "p1" not found',
    });
    expect(await get('/containerLogs/ns/p1/vanished', apiserverCert)).toMatchObject({ status: 404 });
    expect(await get('/containerLogs/ns/p1/main?tailLines=x', apiserverCert)).toMatchObject({ status: 400 });
    expect(await get('/containerLogs/ns/p1', apiserverCert)).toMatchObject({ status: 404 });
    expect(await get('/exec/ns/p1/main?command=echo', apiserverCert)).toMatchObject({ status: 400, text: 'Upgrade request required' });
  });
});

describe('superlet API: exec over WebSocket', () => {
  it('runs a command with v5: stdout, then a Success status and a normal close', async () => {
    const outcome = await runExec({ url: execUrl('command=echo&command=hi&command=there&output=1&error=1'), tls: tls(apiserverCert) });
    expect(outcome).toMatchObject({ protocol: 'v5.channel.k8s.io', stdout: 'hi there\n', stderr: '', status: { status: 'Success' }, closeCode: 1000 });
    expect(runtime.execCalls.at(-1)).toEqual({ id: 'c-main', options: { command: ['echo', 'hi', 'there'], stdin: false, stdout: true, stderr: true, tty: false } });
  });

  it('reports a non-zero exit with NonZeroExitCode and the ExitCode cause, on v4 too', async () => {
    const outcome = await runExec({ url: execUrl('command=fail&command=3&stdout=true&stderr=true'), protocols: ['v4.channel.k8s.io'], tls: tls(apiserverCert) });
    expect(outcome.protocol).toBe('v4.channel.k8s.io');
    expect(outcome.stderr).toBe('failing\n');
    expect(outcome.status).toEqual({
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [fail 3], exit code 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('feeds stdin and ends it on the v5 close signal', async () => {
    const outcome = await runExec({ url: execUrl('command=cat&input=1&output=1'), tls: tls(apiserverCert), stdin: 'hello\nworld\n' });
    expect(outcome).toMatchObject({ stdout: 'hello\nworld\n', status: { status: 'Success' } });
  });

  it('keeps what the client sends while the runtime is still starting the command', async () => {
    const outcome = await runExec({ url: execUrl('command=slowcat&input=1&output=1'), tls: tls(apiserverCert), stdin: 'early bird\n' });
    expect(outcome).toMatchObject({ stdout: 'early bird\n', status: { status: 'Success' } });
  });

  it('passes terminal resizes on channel 4', async () => {
    const outcome = await runExec({ url: execUrl('command=size&output=1&tty=1&error=1'), tls: tls(apiserverCert), resize: { Width: 120, Height: 40 } });
    expect(outcome).toMatchObject({ stdout: '120x40\n', status: { status: 'Success' } });
    // With a tty there is no stderr stream.
    expect(runtime.execCalls.at(-1)?.options).toMatchObject({ tty: true, stderr: false });
  });

  it('reports a missing container on the error channel, and refuses bad upgrades before upgrading', async () => {
    const missing = await runExec({ url: execUrl('command=echo&output=1', 'sidecar'), tls: tls(apiserverCert) });
    expect(missing.status).toMatchObject({ status: 'Failure', reason: 'NotFound', message: 'container not found ("sidecar") in pod "ns/p1"' });
    const vanished = await runExec({ url: execUrl('command=echo&output=1', 'vanished'), tls: tls(apiserverCert) });
    expect(vanished.status).toMatchObject({ status: 'Failure', reason: 'NotFound' });
    await expect(runExec({ url: execUrl('command=echo'), tls: tls(apiserverCert) })).rejects.toThrow(/400 .*at least 1 of stdin, stdout, stderr/);
    await expect(runExec({ url: execUrl('output=1'), tls: tls(apiserverCert) })).rejects.toThrow(/400 .*at least one command/);
    await expect(runExec({ url: execUrl('command=echo&output=1'), protocols: ['base64.channel.k8s.io'], tls: tls(apiserverCert) })).rejects.toThrow(
      /400 .*v5\.channel\.k8s\.io, v4\.channel\.k8s\.io/,
    );
  });

  it('closes the session when the client leaves', async () => {
    const before = runtime.closedSessions.length;
    const ws = new WebSocket(execUrl('command=cat&input=1&output=1'), ['v5.channel.k8s.io'], tls(apiserverCert));
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping\n')])));
      ws.on('message', (data: Buffer) => {
        if (data[0] === 1 && data.subarray(1).toString() === 'ping\n') resolve();
      });
    });
    ws.terminate();
    await expect.poll(() => runtime.closedSessions.length).toBe(before + 1);
  });
});
