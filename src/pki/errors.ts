// PKI errors: a stable code for each way the on-disk PKI or a request for a certificate can be wrong.

export type PkiErrorCode =
  | 'InvalidName' // a host, IP, user or group that cannot go into a certificate
  | 'MissingCaKey' // a CA certificate without its key (we never replace an existing CA)
  | 'InvalidCa' // the stored CA cannot be read or is not a CA
  | 'UnsupportedKey'; // a private key of a type we cannot sign with

export class PkiError extends Error {
  constructor(
    readonly code: PkiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `PkiError(${code})`;
  }
}
