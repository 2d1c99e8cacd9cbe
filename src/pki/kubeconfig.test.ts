import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CertificateAuthority } from './certificate-authority.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supernetes-kubeconfig-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const decode = (value: unknown) => Buffer.from(String(value), 'base64').toString('utf8');

describe('writeKubeconfig', () => {
  it('writes a standard kubeconfig with embedded credentials, mode 0600', async () => {
    const ca = await CertificateAuthority.create();
    const admin = await ca.issueClientCertificate({ user: 'supernetes-admin', groups: ['system:masters'] });
    const path = join(dir, 'sub', 'kubeconfig.yaml');
    await writeKubeconfig({ path, caPem: ca.certPem, clientCertPem: admin.certPem, clientKeyPem: admin.keyPem });
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const text = await readFile(path, 'utf8');
    const doc = parse(text) as {
      clusters: Array<{ name: string; cluster: Record<string, string> }>;
      users: Array<{ name: string; user: Record<string, string> }>;
      contexts: Array<{ name: string; context: Record<string, string> }>;
      'current-context': string;
    };
    expect(doc.clusters[0]?.cluster.server).toBe('https://127.0.0.1:6443');
    expect(decode(doc.clusters[0]?.cluster['certificate-authority-data'])).toBe(ca.certPem);
    expect(decode(doc.users[0]?.user['client-certificate-data'])).toBe(admin.certPem);
    expect(decode(doc.users[0]?.user['client-key-data'])).toBe(admin.keyPem);
    expect(doc.contexts[0]).toEqual({ name: 'supernetes', context: { cluster: 'supernetes', user: 'supernetes-admin' } });
    expect(doc['current-context']).toBe('supernetes');
    // Base64 data is never folded across lines (some readers would not join them).
    expect(text).toMatch(/^ {6}client-key-data: [A-Za-z0-9+/=]+$/m);
  });

  it('supports a token user, custom names and a namespace; refuses a key without a certificate', () => {
    const text = buildKubeconfig({
      server: 'https://[::1]:7443',
      caPem: 'CA',
      token: 'abc',
      user: 'bot',
      cluster: 'c',
      context: 'x',
      namespace: 'ns',
    });
    // (@kubernetes/client-node 2.x cannot be loaded on Node 20: its undici 8 needs Node 22; real
    // kubectl reads these files in authn/https.test.ts.)
    expect(parse(text)).toMatchObject({
      clusters: [{ name: 'c', cluster: { server: 'https://[::1]:7443', 'certificate-authority-data': 'Q0E=' } }],
      users: [{ name: 'bot', user: { token: 'abc' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'bot', namespace: 'ns' } }],
      'current-context': 'x',
    });
    expect(() => buildKubeconfig({ caPem: 'CA', clientKeyPem: 'k' })).toThrow(TypeError);
    expect(() => buildKubeconfig({ caPem: 'CA' })).toThrow(TypeError);
  });
});
