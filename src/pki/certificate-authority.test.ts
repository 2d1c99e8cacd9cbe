import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from './certificate-authority.js';
import { describeCertificate } from './certificate-info.js';
import { PkiError } from './errors.js';
import { servingNames } from './names.js';
import { loadX509 } from './x509.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

describe('CertificateAuthority', () => {
  it('creates a self-signed P-256 CA with PKCS#8 key', async () => {
    const ca = await CertificateAuthority.create();
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toMatch(/^CN=supernetes-ca@\d+$/);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(ca.keyPem).asymmetricKeyType).toBe('ec');
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(3600);
  });

  it('issues a serving certificate for the requested names, signed by the CA, usable by tls', async () => {
    const ca = await CertificateAuthority.create();
    const names = servingNames({ hostname: 'node-a', ips: ['10.2.3.4'] });
    const serving = await ca.issueServingCertificate({ names });
    const cert = new X509Certificate(serving.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    for (const host of ['localhost', 'node-a', 'kubernetes.default.svc.cluster.local']) expect(cert.checkHost(host)).toBe(host);
    for (const ip of ['127.0.0.1', '::1', '10.2.3.4']) expect(cert.checkIP(ip)).toBe(ip);
    expect(cert.checkIP('10.2.3.5')).toBeUndefined();
    expect(cert.keyUsage).toEqual([SERVER_AUTH]);
    expect(ca.issued(serving.certPem)).toBe(true);
    expect(() => createSecureContext({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem })).not.toThrow();
  });

  it('issues client certificates with CN = user, O = groups and clientAuth', async () => {
    const ca = await CertificateAuthority.create();
    const client = await ca.issueClientCertificate({ user: 'jane', groups: ['dev,ops', 'system:masters'] });
    const cert = new X509Certificate(client.certPem);
    expect(cert.keyUsage).toEqual([CLIENT_AUTH]);
    const { x509 } = await loadX509();
    const info = describeCertificate(x509, client.certPem);
    expect(info.commonName).toBe('jane');
    expect(info.organizations).toEqual(['dev,ops', 'system:masters']);
    expect(info.isCa).toBe(false);
    await expect(ca.issueClientCertificate({ user: '', groups: [] })).rejects.toThrow(PkiError);
  });

  it('never issues past its own expiry', async () => {
    const ca = await CertificateAuthority.create({ validityDays: 10 });
    const leaf = await ca.issueClientCertificate({ user: 'u', groups: [], validityDays: 365 });
    expect(Date.parse(new X509Certificate(leaf.certPem).validTo)).toBeLessThanOrEqual(
      Date.parse(new X509Certificate(ca.certPem).validTo),
    );
  });

  it('reloads from PEM and keeps signing; an RSA CA works too', async () => {
    const rsa = await CertificateAuthority.create({ keyAlgorithm: 'rsa-2048' });
    const loaded = await CertificateAuthority.fromPem({ certPem: rsa.certPem, keyPem: rsa.keyPem });
    const leaf = await loaded.issueClientCertificate({ user: 'u', groups: ['g'] });
    expect(rsa.issued(leaf.certPem)).toBe(true);
    expect(new X509Certificate(rsa.certPem).publicKey.asymmetricKeyType).toBe('rsa');
  });

  it('refuses a CA whose key does not match or which is not a CA', async () => {
    const a = await CertificateAuthority.create();
    const b = await CertificateAuthority.create();
    await expect(CertificateAuthority.fromPem({ certPem: a.certPem, keyPem: b.keyPem })).rejects.toMatchObject({ code: 'InvalidCa' });
    const leaf = await a.issueClientCertificate({ user: 'u', groups: [] });
    await expect(CertificateAuthority.fromPem(leaf)).rejects.toMatchObject({ code: 'InvalidCa' });
    await expect(CertificateAuthority.fromPem({ certPem: 'garbage', keyPem: a.keyPem })).rejects.toMatchObject({ code: 'InvalidCa' });
    expect(b.issued(leaf.certPem)).toBe(false);
  });
});
