// The cluster's certificate authority: a self-signed CA that issues the API server's serving
// certificate and client certificates (CN = user name, O = groups, as Kubernetes reads them).
import { PkiError } from './errors.js';
import { describeCertificate, isSignedBy } from './certificate-info.js';
import {
  generateKeyPair,
  importSigningKey,
  keyMatchesCertificate,
  privateKeyToPem,
  signingAlgorithmFor,
  type ImportedSigningKey,
  type KeyAlgorithm,
} from './keys.js';
import type { SubjectAltNames } from './names.js';
import { loadX509, type CryptoKeyPair, type X509Toolkit } from './x509.js';

export interface CertificateAndKey {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

export interface ClientIdentity {
  readonly user: string;
  readonly groups: readonly string[];
}

export interface ValidityOptions {
  /** Defaults: 10 years for the CA, 1 year for what it issues. */
  readonly validityDays?: number;
  /** The clock, for tests. */
  readonly now?: Date;
  readonly keyAlgorithm?: KeyAlgorithm;
}

export interface CreateCaOptions extends ValidityOptions {
  /** Default `supernetes-ca@<unix seconds>`, unique per CA as k3s does, so two clusters' CAs never share a name. */
  readonly commonName?: string;
}

export interface ServingCertificateOptions extends ValidityOptions {
  readonly names: SubjectAltNames;
  readonly commonName?: string;
}

export type ClientCertificateOptions = ValidityOptions & ClientIdentity;

const DAY_MS = 86_400_000;
// Tolerate clocks that are a little behind ours (another node, a container).
const BACKDATE_MS = 3_600_000;
export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;

function validity(options: ValidityOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const now = options.now?.getTime() ?? Date.now();
  const days = options.validityDays ?? defaultDays;
  if (!(days > 0)) throw new RangeError(`validityDays must be positive, got ${days}`);
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

export class CertificateAuthority {
  private constructor(
    private readonly toolkit: X509Toolkit,
    readonly certPem: string,
    readonly keyPem: string,
    private readonly signingKey: ImportedSigningKey,
  ) {}

  static async create(options: CreateCaOptions = {}): Promise<CertificateAuthority> {
    const toolkit = await loadX509();
    const { x509, crypto } = toolkit;
    const algorithm = options.keyAlgorithm ?? 'ecdsa-p256';
    const keys = await generateKeyPair(crypto, algorithm);
    const { notBefore, notAfter } = validity(options, CA_VALIDITY_DAYS);
    const unixSeconds = Math.floor((options.now?.getTime() ?? Date.now()) / 1000);
    const commonName = options.commonName ?? `supernetes-ca@${unixSeconds}`;
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: [{ CN: [commonName] }],
        keys,
        notBefore,
        notAfter,
        signingAlgorithm: signingAlgorithmFor(algorithm),
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(
            x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
            true,
          ),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    const keyPem = await privateKeyToPem(crypto, keys.privateKey);
    return new CertificateAuthority(toolkit, cert.toString('pem') + '\n', keyPem, { privateKey: keys.privateKey, algorithm });
  }

  /** Loads a stored CA; throws `PkiError('InvalidCa')` unless the certificate is a CA and the key is its key. */
  static async fromPem(stored: CertificateAndKey): Promise<CertificateAuthority> {
    const toolkit = await loadX509();
    let isCa: boolean;
    try {
      isCa = describeCertificate(toolkit.x509, stored.certPem).isCa;
    } catch (cause) {
      throw new PkiError('InvalidCa', 'the CA certificate cannot be parsed', { cause });
    }
    if (!isCa) throw new PkiError('InvalidCa', 'the CA certificate is not a CA (basicConstraints CA:FALSE)');
    if (!keyMatchesCertificate(stored.keyPem, stored.certPem)) {
      throw new PkiError('InvalidCa', 'the CA private key does not belong to the CA certificate');
    }
    const signingKey = await importSigningKey(toolkit.crypto, stored.keyPem);
    return new CertificateAuthority(toolkit, stored.certPem, stored.keyPem, signingKey);
  }

  /** Whether this CA signed `certPem`. */
  issued(certPem: string): boolean {
    return isSignedBy(certPem, this.certPem);
  }

  async issueServingCertificate(options: ServingCertificateOptions): Promise<CertificateAndKey> {
    const { x509 } = this.toolkit;
    const names = [
      ...options.names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...options.names.ips.map((value) => ({ type: 'ip' as const, value })),
    ];
    return this.issue(options, [{ CN: [options.commonName ?? 'supernetes-apiserver'] }], x509.ExtendedKeyUsage.serverAuth, [
      new x509.SubjectAlternativeNameExtension(names),
    ]);
  }

  async issueClientCertificate(options: ClientCertificateOptions): Promise<CertificateAndKey> {
    if (options.user.length === 0) throw new PkiError('InvalidName', 'a client certificate needs a user name');
    if (options.groups.some((g) => g.length === 0)) throw new PkiError('InvalidName', 'group names must not be empty');
    // DER order O..., CN: what `openssl x509 -subject` shows for kubeadm's admin.conf.
    const subject = [...options.groups.map((group) => ({ O: [group] })), { CN: [options.user] }];
    return this.issue(options, subject, this.toolkit.x509.ExtendedKeyUsage.clientAuth, []);
  }

  private async issue(
    options: ValidityOptions,
    subject: Array<Record<string, string[]>>,
    usage: string,
    extra: InstanceType<X509Toolkit['x509']['Extension']>[],
  ): Promise<CertificateAndKey> {
    const { x509, crypto } = this.toolkit;
    const algorithm = options.keyAlgorithm ?? 'ecdsa-p256';
    const keys: CryptoKeyPair = await generateKeyPair(crypto, algorithm);
    const ca = new x509.X509Certificate(this.certPem);
    const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    const { notBefore, notAfter } = validity(options, LEAF_VALIDITY_DAYS);
    let keyUsage = x509.KeyUsageFlags.digitalSignature;
    // RSA key exchange (TLS 1.2 without ECDHE) encrypts with the certificate's key.
    if (algorithm === 'rsa-2048') keyUsage |= x509.KeyUsageFlags.keyEncipherment;
    const cert = await x509.X509CertificateGenerator.create(
      {
        subject,
        issuer: ca.subjectName,
        publicKey: keys.publicKey,
        signingKey: this.signingKey.privateKey,
        signingAlgorithm: signingAlgorithmFor(this.signingKey.algorithm),
        notBefore,
        notAfter: notAfter > ca.notAfter ? ca.notAfter : notAfter,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(keyUsage, true),
          new x509.ExtendedKeyUsageExtension([usage], false),
          caKeyId !== undefined
            ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
            : await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey, false, crypto),
          ...extra,
        ],
      },
      crypto,
    );
    return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(crypto, keys.privateKey) };
  }
}
