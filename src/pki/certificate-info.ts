// What the PKI needs to know about a stored certificate to decide whether to keep it.
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { X509Module } from './x509.js';
import type { SubjectAltNames } from './names.js';

export interface CertificateInfo extends SubjectAltNames {
  readonly commonName: string | undefined;
  readonly organizations: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  readonly subject: string;
  readonly issuer: string;
}

export function describeCertificate(x509: X509Module, pem: string): CertificateInfo {
  const cert = new x509.X509Certificate(pem);
  const dnsNames: string[] = [];
  const ips: string[] = [];
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  for (const name of san?.names.toJSON() ?? []) {
    if (name.type === 'dns') dnsNames.push(name.value);
    else if (name.type === 'ip') ips.push(name.value);
  }
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  return {
    commonName: cert.subjectName.getField('CN')[0],
    organizations: cert.subjectName.getField('O'),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCa: basic?.ca ?? false,
    subject: cert.subject,
    issuer: cert.issuer,
    dnsNames,
    ips,
  };
}

/** Whether `certPem` parses, names `caCertPem` as its issuer and carries a valid signature by it. */
export function isSignedBy(certPem: string, caCertPem: string): boolean {
  try {
    const cert = new NodeX509Certificate(certPem);
    const ca = new NodeX509Certificate(caCertPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}
