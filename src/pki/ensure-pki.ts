// The PKI of a data directory: created on first start, reused afterwards. The CA is never replaced
// once it exists (every credential handed out depends on it); the serving certificate is reissued
// when the requested names change, and leaf certificates when they near expiry or no longer match.
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import {
  CertificateAuthority,
  type CertificateAndKey,
  type ClientIdentity,
  type ValidityOptions,
} from './certificate-authority.js';
import { describeCertificate } from './certificate-info.js';
import { PkiError } from './errors.js';
import { PRIVATE_MODE, PUBLIC_MODE, readOptional, writeFileAtomic } from './files.js';
import { keyMatchesCertificate } from './keys.js';
import { sameNames, servingNames, type SubjectAltNames } from './names.js';
import { loadX509, type X509Module } from './x509.js';

export const ADMIN_IDENTITY: ClientIdentity = { user: 'supernetes-admin', groups: ['system:masters'] };
/** The API server's identity toward superlets (pods/log, pods/exec): the only user a superlet serves. */
export const SUPERLET_CLIENT_IDENTITY: ClientIdentity = { user: 'supernetes:apiserver', groups: [] };
const DAY_MS = 86_400_000;

export interface EnsurePkiOptions {
  /** The data directory; the PKI lives in `DIR/pki`. */
  readonly dir: string;
  /** Extra DNS names (or IP literals) for the serving certificate. */
  readonly hosts?: readonly string[];
  /** Extra IPs for the serving certificate: the bind address (0.0.0.0 and :: are skipped) and others. */
  readonly ips?: readonly string[];
  /** Added as a DNS name when valid. Default `os.hostname()`. */
  readonly hostname?: string;
  /** Default CN=supernetes-admin, O=system:masters. */
  readonly admin?: ClientIdentity;
  /** Leaf certificates this close to expiry are reissued. Default 90 days. */
  readonly renewBeforeDays?: number;
  readonly now?: Date;
}

export interface PkiFiles {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly superletClientCert: string;
  readonly superletClientKey: string;
}

export interface Pki {
  /** `DIR/pki`. */
  readonly dir: string;
  readonly files: PkiFiles;
  readonly ca: CertificateAuthority;
  /** The CA certificate (PEM): the `ca` of the HTTPS server and of every client. */
  readonly caPem: string;
  readonly serving: CertificateAndKey & { readonly names: SubjectAltNames };
  readonly admin: CertificateAndKey & ClientIdentity;
  /** The API server's client certificate toward superlets (CN supernetes:apiserver). */
  readonly superletClient: CertificateAndKey & ClientIdentity;
  /** What this call created or reissued (all false on a plain restart). */
  readonly generated: { readonly ca: boolean; readonly serving: boolean; readonly admin: boolean; readonly superletClient: boolean };
}

export function pkiFiles(pkiDir: string): PkiFiles {
  return {
    caCert: join(pkiDir, 'ca.crt'),
    caKey: join(pkiDir, 'ca.key'),
    servingCert: join(pkiDir, 'apiserver.crt'),
    servingKey: join(pkiDir, 'apiserver.key'),
    adminCert: join(pkiDir, 'admin.crt'),
    adminKey: join(pkiDir, 'admin.key'),
    superletClientCert: join(pkiDir, 'apiserver-superlet-client.crt'),
    superletClientKey: join(pkiDir, 'apiserver-superlet-client.key'),
  };
}

export async function ensurePki(options: EnsurePkiOptions): Promise<Pki> {
  const { x509 } = await loadX509();
  const dir = join(options.dir, 'pki');
  const files = pkiFiles(dir);
  const now = options.now ?? new Date();
  const renewBeforeMs = (options.renewBeforeDays ?? 90) * DAY_MS;
  const validity: ValidityOptions = { now };
  const names = servingNames({ hosts: options.hosts, ips: options.ips, hostname: options.hostname ?? osHostname() });
  const admin = options.admin ?? ADMIN_IDENTITY;

  const { ca, generated: caGenerated } = await ensureCa(x509, files, now);

  // A stored leaf is kept only if it is intact, ours, not about to expire, and still what is asked for.
  const reusable = (stored: CertificateAndKey | undefined, wanted: (pem: string) => boolean) => {
    if (!stored || !keyMatchesCertificate(stored.keyPem, stored.certPem) || !ca.issued(stored.certPem)) return false;
    try {
      const info = describeCertificate(x509, stored.certPem);
      return info.notAfter.getTime() - now.getTime() > renewBeforeMs && wanted(stored.certPem);
    } catch {
      return false;
    }
  };

  let serving = await readPair(files.servingCert, files.servingKey);
  const servingGenerated = !reusable(serving, (pem) => sameNames(describeCertificate(x509, pem), names));
  if (!serving || servingGenerated) {
    serving = await ca.issueServingCertificate({ ...validity, names });
    await writePair(files.servingCert, files.servingKey, serving);
  }

  // A client certificate is kept while it still names the wanted user and groups.
  const ensureClient = async (certPath: string, keyPath: string, identity: ClientIdentity) => {
    let pair = await readPair(certPath, keyPath);
    const generated = !reusable(pair, (pem) => {
      const info = describeCertificate(x509, pem);
      return info.commonName === identity.user && sameSet(info.organizations, identity.groups);
    });
    if (!pair || generated) {
      pair = await ca.issueClientCertificate({ ...validity, ...identity });
      await writePair(certPath, keyPath, pair);
    }
    return { pair: { ...pair, user: identity.user, groups: [...identity.groups] }, generated };
  };
  const adminClient = await ensureClient(files.adminCert, files.adminKey, admin);
  const superletClient = await ensureClient(files.superletClientCert, files.superletClientKey, SUPERLET_CLIENT_IDENTITY);

  return {
    dir,
    files,
    ca,
    caPem: ca.certPem,
    serving: { ...serving, names },
    admin: adminClient.pair,
    superletClient: superletClient.pair,
    generated: { ca: caGenerated, serving: servingGenerated, admin: adminClient.generated, superletClient: superletClient.generated },
  };
}

async function ensureCa(
  x509: X509Module,
  files: PkiFiles,
  now: Date,
): Promise<{ ca: CertificateAuthority; generated: boolean }> {
  const certPem = await readOptional(files.caCert);
  const keyPem = await readOptional(files.caKey);
  if (certPem === undefined) {
    // A key without a certificate is what a crash between the two writes leaves; nobody can trust a
    // CA whose certificate was never written, so starting over is safe.
    const ca = await CertificateAuthority.create({ now });
    await writeFileAtomic(files.caKey, ca.keyPem, PRIVATE_MODE);
    await writeFileAtomic(files.caCert, ca.certPem, PUBLIC_MODE);
    return { ca, generated: true };
  }
  if (keyPem === undefined) {
    throw new PkiError(
      'MissingCaKey',
      `${files.caCert} exists but ${files.caKey} does not; refusing to replace the CA (restore the key, or move ${files.caCert} away to start a new CA)`,
    );
  }
  const ca = await CertificateAuthority.fromPem({ certPem, keyPem });
  const { notAfter } = describeCertificate(x509, certPem);
  if (notAfter <= now) {
    throw new PkiError('InvalidCa', `the CA in ${files.caCert} expired on ${notAfter.toISOString()}`);
  }
  return { ca, generated: false };
}

async function readPair(certPath: string, keyPath: string): Promise<CertificateAndKey | undefined> {
  const certPem = await readOptional(certPath);
  const keyPem = await readOptional(keyPath);
  return certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : undefined;
}

async function writePair(certPath: string, keyPath: string, pair: CertificateAndKey): Promise<void> {
  await writeFileAtomic(keyPath, pair.keyPem, PRIVATE_MODE);
  await writeFileAtomic(certPath, pair.certPem, PUBLIC_MODE);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
