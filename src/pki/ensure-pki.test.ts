import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeCertificate } from './certificate-info.js';
import { ensurePki, pkiFiles } from './ensure-pki.js';
import { loadX509 } from './x509.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supernetes-pki-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('ensurePki', () => {
  it('creates the CA, serving and admin certificates under DIR/pki with private keys 0600', async () => {
    const pki = await ensurePki({ dir, hostname: 'node-a', ips: ['0.0.0.0'] });
    expect(pki.dir).toBe(join(dir, 'pki'));
    expect(pki.generated).toEqual({ ca: true, serving: true, admin: true, superletClient: true });
    expect(await mode(pki.dir)).toBe(0o700);
    for (const key of [pki.files.caKey, pki.files.servingKey, pki.files.adminKey, pki.files.superletClientKey]) expect(await mode(key)).toBe(0o600);
    for (const cert of [pki.files.caCert, pki.files.servingCert, pki.files.adminCert]) expect(await mode(cert)).toBe(0o644);
    expect(await readFile(pki.files.caCert, 'utf8')).toBe(pki.caPem);
    expect(pki.serving.names.dnsNames).toContain('node-a');
    expect(pki.admin).toMatchObject({ user: 'supernetes-admin', groups: ['system:masters'] });
    const { x509 } = await loadX509();
    const admin = describeCertificate(x509, pki.admin.certPem);
    expect(admin.commonName).toBe('supernetes-admin');
    expect(admin.organizations).toEqual(['system:masters']);
    const superletClient = describeCertificate(x509, pki.superletClient.certPem);
    expect(superletClient.commonName).toBe('supernetes:apiserver');
    expect(pki.ca.issued(pki.superletClient.certPem)).toBe(true);
  });

  it('(f) a second start on the same dir reuses the CA and every certificate', async () => {
    const first = await ensurePki({ dir, hostname: 'node-a', ips: ['10.0.0.1'] });
    const second = await ensurePki({ dir, hostname: 'node-a', ips: ['10.0.0.1'] });
    expect(second.generated).toEqual({ ca: false, serving: false, admin: false, superletClient: false });
    expect(second.caPem).toBe(first.caPem);
    expect(second.ca.keyPem).toBe(first.ca.keyPem);
    expect(second.serving).toEqual(first.serving);
    expect(second.admin).toEqual(first.admin);
    expect(second.superletClient).toEqual(first.superletClient);
  });

  it('reissues only the serving certificate when the requested names change', async () => {
    const first = await ensurePki({ dir, hostname: 'node-a' });
    const second = await ensurePki({ dir, hostname: 'node-a', hosts: ['api.example'], ips: ['10.9.9.9'] });
    expect(second.generated).toEqual({ ca: false, serving: true, admin: false, superletClient: false });
    expect(second.caPem).toBe(first.caPem);
    expect(second.serving.certPem).not.toBe(first.serving.certPem);
    const { x509 } = await loadX509();
    const info = describeCertificate(x509, await readFile(second.files.servingCert, 'utf8'));
    expect(info.dnsNames).toContain('api.example');
    expect(info.ips).toContain('10.9.9.9');
    expect(second.ca.issued(second.serving.certPem)).toBe(true);
  });

  it('reissues leaf certificates that near expiry, a changed admin identity, and a damaged pair', async () => {
    const first = await ensurePki({ dir, hostname: 'node-a' });
    const later = await ensurePki({ dir, hostname: 'node-a', now: new Date(Date.now() + 300 * 86_400_000) });
    expect(later.generated).toEqual({ ca: false, serving: true, admin: true, superletClient: true });
    expect(later.caPem).toBe(first.caPem);

    const other = await ensurePki({ dir, hostname: 'node-a', admin: { user: 'root', groups: ['system:masters', 'ops'] } });
    expect(other.generated).toEqual({ ca: false, serving: false, admin: true, superletClient: false });

    await writeFile(pkiFiles(other.dir).servingKey, first.admin.keyPem, { mode: 0o600 });
    const repaired = await ensurePki({ dir, hostname: 'node-a', admin: { user: 'root', groups: ['ops', 'system:masters'] } });
    expect(repaired.generated).toEqual({ ca: false, serving: true, admin: false, superletClient: false });
  });

  it('never replaces a CA whose key is missing, and starts over when only the key was written', async () => {
    const first = await ensurePki({ dir, hostname: 'node-a' });
    await unlink(first.files.caKey);
    await expect(ensurePki({ dir, hostname: 'node-a' })).rejects.toMatchObject({ code: 'MissingCaKey' });
    expect(await readFile(first.files.caCert, 'utf8')).toBe(first.caPem);

    await unlink(first.files.caCert);
    await writeFile(first.files.caKey, first.ca.keyPem, { mode: 0o600 });
    const fresh = await ensurePki({ dir, hostname: 'node-a' });
    expect(fresh.generated).toEqual({ ca: true, serving: true, admin: true, superletClient: true });
    expect(fresh.caPem).not.toBe(first.caPem);
  });

  it('refuses an expired CA', async () => {
    await ensurePki({ dir, hostname: 'node-a' });
    await expect(ensurePki({ dir, hostname: 'node-a', now: new Date(Date.now() + 3700 * 86_400_000) })).rejects.toMatchObject({
      code: 'InvalidCa',
    });
  });
});
