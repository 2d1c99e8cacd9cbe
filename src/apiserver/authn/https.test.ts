// Real HTTPS end to end: the PKI's serving certificate on a loopback server, clients proving who they
// are with the admin certificate, a token, a bad token or nothing, and the real kubectl reading the
// kubeconfig we write.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../pki/certificate-authority.js';
import { ensurePki, type Pki } from '../../pki/ensure-pki.js';
import { writeKubeconfig } from '../../pki/kubeconfig.js';
import { authenticateRequest, type AuthenticationResult } from './authenticate-request.js';
import { BearerTokenAuthenticator } from './bearer-token.js';
import { ClientCertificateAuthenticator } from './client-certificate.js';
import { loadTokenFile } from './token-file.js';
import { UnionAuthenticator } from './union.js';
import { respondUnauthorized } from './unauthorized.js';

const UNAUTHORIZED_BODY =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';
const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-supernetes.test',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'node',
  compiler: 'tsc',
  platform: 'linux/amd64',
};
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

let dir: string;
let pki: Pki;
let server: Server;
let port: number;
const seen: Array<{ method: string; path: string; result: AuthenticationResult }> = [];

function startServer(): Promise<void> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supernetes-authn-'));
  pki = await ensurePki({ dir, hostname: 'localhost', ips: ['127.0.0.1'] });
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, 'node-token-abc,system:node:n1,uid-n1,"system:nodes,extra"\n', { mode: 0o600 });
  const authenticator = new UnionAuthenticator({
    authenticators: [
      new ClientCertificateAuthenticator(),
      new BearerTokenAuthenticator({
        tokens: [...(await loadTokenFile(tokenFile)).tokens, { token: ADMIN_TOKEN, name: 'supernetes-admin', groups: ['system:masters'] }],
      }),
    ],
  });
  server = createServer(
    { cert: pki.serving.certPem, key: pki.serving.keyPem, ca: [pki.caPem], requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      authenticateRequest(authenticator, req)
        .then((result) => {
          const path = (req.url ?? '').split('?')[0] ?? '';
          seen.push({ method: req.method ?? '', path, result });
          if (result.outcome === 'rejected') return respondUnauthorized(res);
          let body: unknown = { outcome: result.outcome, user: result.user };
          if (path === '/version') body = VERSION;
          if (path === '/api') {
            body = {
              kind: 'APIVersions',
              versions: ['v1'],
              serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }],
            };
          }
          if (path === '/apis') body = { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    },
  );
  await startServer();
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

interface ClientOptions {
  readonly method?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly token?: string;
}

function call(path: string, options: ClientOptions = {}): Promise<{ status: number; body: string; contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        ca: options.ca ?? pki.caPem,
        cert: options.cert,
        key: options.key,
        headers: options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, contentType: res.headers['content-type'] }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const userOf = (body: string) => (JSON.parse(body) as { outcome: string; user: unknown });

describe('authentication over real HTTPS', () => {
  it('(a) the admin client certificate authenticates as supernetes-admin', async () => {
    const res = await call('/api/v1/namespaces', { cert: pki.admin.certPem, key: pki.admin.keyPem });
    expect(res.status).toBe(200);
    expect(userOf(res.body)).toEqual({
      outcome: 'authenticated',
      user: { name: 'supernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    });
  });

  it('(a) a client certificate from another CA, or one not for clients, is rejected', async () => {
    const stranger = await (await CertificateAuthority.create()).issueClientCertificate({ user: 'mallory', groups: ['system:masters'] });
    const foreign = await call('/api', { cert: stranger.certPem, key: stranger.keyPem });
    expect(foreign.status).toBe(401);
    expect(foreign.body).toBe(UNAUTHORIZED_BODY);
    expect(seen.at(-1)?.result).toMatchObject({ outcome: 'rejected', error: { code: 'InvalidClientCertificate' } });

    const serverCert = await call('/api', { cert: pki.serving.certPem, key: pki.serving.keyPem });
    expect(serverCert.status).toBe(401);
    expect(seen.at(-1)?.result).toMatchObject({ outcome: 'rejected', error: { code: 'InvalidClientCertificate' } });
  });

  it('(b) bearer tokens from the token file and from code authenticate', async () => {
    const node = await call('/api/v1/nodes', { token: 'node-token-abc' });
    expect(node.status).toBe(200);
    expect(userOf(node.body)).toEqual({
      outcome: 'authenticated',
      user: { name: 'system:node:n1', uid: 'uid-n1', groups: ['system:nodes', 'extra', 'system:authenticated'] },
    });
    const admin = await call('/apis', { token: ADMIN_TOKEN });
    expect(admin.status).toBe(200);
    expect(seen.at(-1)?.result).toMatchObject({ outcome: 'authenticated', user: { name: 'supernetes-admin' } });
  });

  it('(c) a bad token gets the 401 Status, even on a public path', async () => {
    for (const path of ['/api/v1/pods', '/healthz']) {
      const res = await call(path, { token: 'not-a-token' });
      expect(res.status).toBe(401);
      expect(res.contentType).toBe('application/json');
      expect(res.body).toBe(UNAUTHORIZED_BODY);
      expect(seen.at(-1)?.result).toMatchObject({ outcome: 'rejected', error: { code: 'InvalidToken' } });
    }
  });

  it('(d) without credentials only health and version answer', async () => {
    for (const path of ['/healthz', '/livez', '/readyz', '/livez/ping', '/readyz?verbose', '/version']) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(seen.at(-1)?.result.outcome).toBe('anonymous');
    }
    for (const [method, path] of [['GET', '/api'], ['GET', '/apis'], ['GET', '/api/v1/secrets'], ['POST', '/healthz'], ['GET', '/healthz/../api']] as const) {
      const res = await call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toBe(UNAUTHORIZED_BODY);
    }
  });

  it('a client that trusts another CA refuses the server', async () => {
    const other = await CertificateAuthority.create();
    await expect(call('/healthz', { ca: other.certPem })).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
  });
});

const kubectlAvailable = await new Promise<boolean>((resolve) => {
  execFile('kubectl', ['version', '--client', '-o', 'json'], { timeout: 30_000 }, (error) => resolve(error === null));
});

function kubectl(kubeconfig: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args],
      // A private HOME keeps kubectl's discovery cache out of the user's.
      { timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

// kubectl is a test dependency (scripts/install-test-deps.sh installs it): missing, this fails.
describe('(e) the real kubectl with the kubeconfig we write', () => {
  it('has kubectl to run', () => {
    expect(kubectlAvailable, 'kubectl is missing: run scripts/install-test-deps.sh (apt-get install kubernetes-client)').toBe(true);
  });

  it('gets the server version over verified TLS, authenticated by the admin certificate', async () => {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    await writeKubeconfig({
      path: kubeconfig,
      server: `https://127.0.0.1:${port}`,
      caPem: pki.caPem,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
    });
    const before = seen.length;
    const version = await kubectl(kubeconfig, 'version', '-o', 'json');
    expect(version.stderr).not.toMatch(/x509|certificate|insecure/i);
    expect(version.code).toBe(0);
    expect((JSON.parse(version.stdout) as { serverVersion: unknown }).serverVersion).toEqual(VERSION);
    const versionRequests = seen.slice(before).filter((s) => s.path === '/version');
    expect(versionRequests.length).toBeGreaterThan(0);
    for (const s of versionRequests) {
      expect(s.result).toMatchObject({ outcome: 'authenticated', user: { name: 'supernetes-admin' } });
    }

    const apis = await kubectl(kubeconfig, 'get', '--raw', '/apis');
    expect(apis.code).toBe(0);
    expect(JSON.parse(apis.stdout)).toEqual({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    expect(seen.at(-1)).toMatchObject({ path: '/apis', result: { outcome: 'authenticated' } });

    const versions = await kubectl(kubeconfig, 'api-versions');
    expect(versions.code).toBe(0);
    expect(versions.stdout.trim()).toBe('v1');
  });

  it('works with a token kubeconfig, and says Unauthorized for a bad token', async () => {
    const good = join(dir, 'token.yaml');
    await writeKubeconfig({ path: good, server: `https://127.0.0.1:${port}`, caPem: pki.caPem, token: ADMIN_TOKEN });
    const ok = await kubectl(good, 'get', '--raw', '/api');
    expect(ok.code).toBe(0);
    expect(seen.at(-1)).toMatchObject({ path: '/api', result: { outcome: 'authenticated', user: { name: 'supernetes-admin' } } });

    const bad = join(dir, 'bad-token.yaml');
    await writeKubeconfig({ path: bad, server: `https://127.0.0.1:${port}`, caPem: pki.caPem, token: 'wrong' });
    const denied = await kubectl(bad, 'get', '--raw', '/api');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/Unauthorized/);
  });

  it('refuses the server when the kubeconfig trusts another CA (TLS is really verified)', async () => {
    const other = await CertificateAuthority.create();
    const path = join(dir, 'wrong-ca.yaml');
    await writeKubeconfig({
      path,
      server: `https://127.0.0.1:${port}`,
      caPem: other.certPem,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
    });
    const res = await kubectl(path, 'get', '--raw', '/version');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/x509: certificate signed by unknown authority|failed to verify certificate/);
  });
});
