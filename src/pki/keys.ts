// Key pairs for the PKI: generation, PKCS#8 PEM export (what Node's `tls` and Go's
// `tls.X509KeyPair` both read) and import of a stored key for signing.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { PkiError } from './errors.js';
import type { CryptoKey, CryptoKeyPair, WebCrypto } from './x509.js';

/** ECDSA P-256 is the default: accepted by Node, Go's crypto/tls (kubectl) and OpenSSL; small and fast. */
export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

export type SigningAlgorithm = { name: 'ECDSA'; hash: 'SHA-256' } | { name: 'RSASSA-PKCS1-v1_5'; hash: 'SHA-256' };

const generateParams = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  'rsa-2048': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
} as const;

export function signingAlgorithmFor(algorithm: KeyAlgorithm): SigningAlgorithm {
  return algorithm === 'ecdsa-p256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

export async function generateKeyPair(crypto: WebCrypto, algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(generateParams[algorithm], true, ['sign', 'verify']);
}

export async function privateKeyToPem(crypto: WebCrypto, key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  return toPem('PRIVATE KEY', der);
}

export function toPem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export interface ImportedSigningKey {
  readonly privateKey: CryptoKey;
  readonly algorithm: KeyAlgorithm;
}

/**
 * Imports a PEM private key (PKCS#8, or the PKCS#1 / SEC1 forms an operator's own CA may come in)
 * for signing. Only P-256 and RSA keys are accepted.
 */
export async function importSigningKey(crypto: WebCrypto, pem: string): Promise<ImportedSigningKey> {
  let keyObject;
  try {
    keyObject = createPrivateKey(pem);
  } catch (cause) {
    throw new PkiError('UnsupportedKey', 'the private key is not a readable PEM key', { cause });
  }
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const type = keyObject.asymmetricKeyType;
  if (type === 'ec' && keyObject.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, generateParams['ecdsa-p256'], false, ['sign']);
    return { privateKey, algorithm: 'ecdsa-p256' };
  }
  if (type === 'rsa') {
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']);
    return { privateKey, algorithm: 'rsa-2048' };
  }
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  throw new PkiError('UnsupportedKey', `unsupported private key type ${type ?? 'unknown'}${curve ? ` (${curve})` : ''}`);
}

/** Whether `keyPem` is the private key of the certificate `certPem`. */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  try {
    const fromKey = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
    const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
    return fromKey.equals(fromCert);
  } catch {
    return false;
  }
}
