// Loads @peculiar/x509 wired to Node's WebCrypto. The library keeps its crypto provider in a
// module-level singleton of its own; we set it here, where the PKI is built, idempotently, and also
// pass the provider explicitly to every call that accepts one.
import { webcrypto } from 'node:crypto';
import { ensureReflectMetadata } from './reflect-metadata.js';

export type X509Module = typeof import('@peculiar/x509');
export type WebCrypto = webcrypto.Crypto;
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

export interface X509Toolkit {
  readonly x509: X509Module;
  readonly crypto: WebCrypto;
}

export async function loadX509(): Promise<X509Toolkit> {
  // The polyfill must exist before the library is evaluated, hence the dynamic import (the module
  // loader caches it, so later calls cost nothing).
  ensureReflectMetadata();
  const x509 = await import('@peculiar/x509');
  const crypto = webcrypto;
  if (!x509.cryptoProvider.has('default') || x509.cryptoProvider.get() !== crypto) x509.cryptoProvider.set(crypto);
  return { x509, crypto };
}
