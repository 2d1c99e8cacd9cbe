import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadKubeconfig } from './kubeconfig.js';

let dir: string;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'client-kubeconfig-'));
  await writeFile(join(dir, 'ca.pem'), 'CA FROM FILE');
  await writeFile(join(dir, 'cert.pem'), 'CERT FROM FILE');
  await writeFile(join(dir, 'key.pem'), 'KEY FROM FILE');
  await writeFile(join(dir, 'token'), 'file-token\n');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'inline',
    clusters: [
      { name: 'c1', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA DATA') } },
      { name: 'c2', cluster: { server: 'https://127.0.0.1:7443', 'certificate-authority': 'ca.pem', 'insecure-skip-tls-verify': true } },
    ],
    users: [
      { name: 'u1', user: { 'client-certificate-data': b64('CERT DATA'), 'client-key-data': b64('KEY DATA'), token: 'inline-token' } },
      { name: 'u2', user: { 'client-certificate': 'cert.pem', 'client-key': join(dir, 'key.pem'), tokenFile: 'token' } },
    ],
    contexts: [
      { name: 'inline', context: { cluster: 'c1', user: 'u1', namespace: 'team' } },
      { name: 'files', context: { cluster: 'c2', user: 'u2' } },
      { name: 'broken', context: { cluster: 'missing', user: 'u1' } },
    ],
  };
  await writeFile(join(dir, 'config'), stringify(config));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadKubeconfig', () => {
  it('reads the current context with inline data', async () => {
    expect(await loadKubeconfig(join(dir, 'config'))).toEqual({
      server: 'https://127.0.0.1:6443',
      caPem: 'CA DATA',
      certPem: 'CERT DATA',
      keyPem: 'KEY DATA',
      token: 'inline-token',
      namespace: 'team',
    });
  });

  it('reads a named context with file paths relative to the kubeconfig', async () => {
    expect(await loadKubeconfig(join(dir, 'config'), 'files')).toEqual({
      server: 'https://127.0.0.1:7443',
      caPem: 'CA FROM FILE',
      certPem: 'CERT FROM FILE',
      keyPem: 'KEY FROM FILE',
      token: 'file-token',
      insecureSkipTlsVerify: true,
    });
  });

  it('says what is missing', async () => {
    await expect(loadKubeconfig(join(dir, 'config'), 'nope')).rejects.toThrow(/no context named "nope"/);
    await expect(loadKubeconfig(join(dir, 'config'), 'broken')).rejects.toThrow(/no cluster named "missing"/);
    await expect(loadKubeconfig(join(dir, 'absent'))).rejects.toThrow(/cannot read kubeconfig/);
  });
});
