// httpGet and tcpSocket probes against real listeners on 127.0.0.1, through the Prober as the
// probe manager calls it: status codes, redirects, headers, HTTPS without verification, timeouts
// and refused connections, with the kubelet's wording.
import { once } from 'node:events';
import http, { type IncomingHttpHeaders, type RequestListener } from 'node:http';
import https from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { CertificateAuthority } from '../../../src/pki/certificate-authority.js';
import { Prober } from '../../../src/superlet/probes/prober.js';
import { PROBE_USER_AGENT } from '../../../src/superlet/probes/http-probe.js';
import type { ProbeOutcome } from '../../../src/superlet/probes/probe-types.js';

const HOST = '127.0.0.1';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listen(server: http.Server | https.Server): Promise<number> {
  server.listen(0, HOST);
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

async function httpServer(handler: RequestListener): Promise<number> {
  return listen(http.createServer(handler));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const prober = new Prober({ runtime: { execSync: () => Promise.reject(new Error('no exec here')) } });

function container(ports: Container['ports'] = []): Container {
  return { name: 'main', ports };
}

function run(probe: Probe, c: Container = container()): Promise<ProbeOutcome> {
  const pod: Pod = { metadata: { name: 'web', namespace: 'ns', uid: 'u1' }, spec: { containers: [c] } };
  return prober.run(probe, { pod, container: c, containerId: 'c1', podIP: HOST });
}

describe('httpGet', () => {
  it('2xx is success with the body as output; the port may be a container port name', async () => {
    const port = await httpServer((_req, res) => res.end('all good'));
    expect(await run({ httpGet: { path: '/healthz', port: 'web' } }, container([{ name: 'web', containerPort: port }]))).toEqual({ result: 'success', output: 'all good' });
  });

  it('4xx and 5xx fail with the kubelet message', async () => {
    const port = await httpServer((req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 500;
      res.end('broken');
    });
    expect(await run({ httpGet: { path: '/healthz', port } })).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect(await run({ httpGet: { path: '/missing', port } })).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 404' });
  });

  it('sends the path with its query, kube-probe headers and the pod headers; Host sets the host', async () => {
    const seen: { url?: string; headers?: IncomingHttpHeaders } = {};
    const port = await httpServer((req, res) => {
      seen.url = req.url;
      seen.headers = req.headers;
      res.end();
    });
    await run({ httpGet: { path: '/ready?deep=1', port, httpHeaders: [{ name: 'X-Probe', value: 'yes' }, { name: 'Host', value: 'app.example' }] } });
    expect(seen.url).toBe('/ready?deep=1');
    expect(seen.headers?.['user-agent']).toBe(PROBE_USER_AGENT);
    expect(seen.headers?.accept).toBe('*/*');
    expect(seen.headers?.['x-probe']).toBe('yes');
    expect(seen.headers?.host).toBe('app.example');
  });

  it('follows redirects on the same host, not to another one (a warning), and not forever', async () => {
    const port = await httpServer((req, res) => {
      const to: Record<string, string> = { '/old': '/new', '/away': `http://localhost:${port}/new` };
      if (req.url === '/loop') {
        res.writeHead(302, { Location: '/loop' }).end();
        return;
      }
      const location = req.url === undefined ? undefined : to[req.url];
      if (location !== undefined) {
        res.writeHead(301, { Location: location }).end('moved');
        return;
      }
      res.end(req.url === '/new' ? 'arrived' : 'other');
    });
    expect(await run({ httpGet: { path: '/old', port } })).toEqual({ result: 'success', output: 'arrived' });
    expect(await run({ httpGet: { path: '/away', port } })).toEqual({ result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
    expect(await run({ httpGet: { path: '/loop', port } })).toEqual({ result: 'failure', output: `Get "http://${HOST}:${port}/loop": stopped after 10 redirects` });
  });

  it('a refused connection fails with the dial error', async () => {
    const port = await closedPort();
    expect(await run({ httpGet: { path: '/healthz', port } })).toEqual({
      result: 'failure',
      output: `Get "http://${HOST}:${port}/healthz": dial tcp ${HOST}:${port}: connect: connection refused`,
    });
  });

  it('a server that does not answer within timeoutSeconds fails in about that time', async () => {
    const port = await httpServer(() => undefined);
    const began = Date.now();
    expect(await run({ httpGet: { path: '/slow', port }, timeoutSeconds: 1 })).toEqual({
      result: 'failure',
      output: `Get "http://${HOST}:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(950);
    // Bounded by the timeout, not by the server (which never answers); generous for a loaded machine.
    expect(took).toBeLessThan(15_000);
  });

  it('keeps at most 10 KiB of a body', async () => {
    const port = await httpServer((_req, res) => res.end('y'.repeat(100_000)));
    const outcome = await run({ httpGet: { path: '/', port } });
    expect(outcome.result).toBe('success');
    expect(outcome.output).toHaveLength(10 * 1024);
  });

  describe('HTTPS', () => {
    let tls: { certPem: string; keyPem: string };
    beforeAll(async () => {
      // A certificate nothing trusts: the kubelet does not verify probe certificates.
      const ca = await CertificateAuthority.create();
      tls = await ca.issueServingCertificate({ names: { dnsNames: ['probe.invalid'], ips: [] } });
    });

    it('succeeds without verifying the certificate', async () => {
      const port = await listen(https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('secure')));
      expect(await run({ httpGet: { path: '/', port, scheme: 'HTTPS' } })).toEqual({ result: 'success', output: 'secure' });
    });
  });
});

describe('tcpSocket', () => {
  let port: number;
  let accepted = 0;
  const server = createTcpServer((socket) => {
    accepted++;
    socket.destroy();
  });
  beforeAll(async () => {
    server.listen(0, HOST);
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a listener is success, by number or by port name', async () => {
    expect(await run({ tcpSocket: { port } })).toEqual({ result: 'success', output: '' });
    expect(await run({ tcpSocket: { port: 'db' } }, container([{ name: 'db', containerPort: port }]))).toEqual({ result: 'success', output: '' });
    expect(accepted).toBeGreaterThanOrEqual(1);
  });

  it('the probe host wins over the pod address', async () => {
    expect(await run({ tcpSocket: { port, host: HOST } })).toEqual({ result: 'success', output: '' });
  });

  it('nothing listening fails with the dial error', async () => {
    const closed = await closedPort();
    expect(await run({ tcpSocket: { port: closed } })).toEqual({ result: 'failure', output: `dial tcp ${HOST}:${closed}: connect: connection refused` });
  });
});
