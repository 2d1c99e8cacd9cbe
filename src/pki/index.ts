// The API server's PKI: CA, serving and client certificates on disk, and the admin kubeconfig.
export { ensurePki, pkiFiles, ADMIN_IDENTITY, SUPERLET_CLIENT_IDENTITY, type EnsurePkiOptions, type Pki, type PkiFiles } from './ensure-pki.js';
export {
  CertificateAuthority,
  CA_VALIDITY_DAYS,
  LEAF_VALIDITY_DAYS,
  type CertificateAndKey,
  type ClientIdentity,
  type ClientCertificateOptions,
  type CreateCaOptions,
  type ServingCertificateOptions,
  type ValidityOptions,
} from './certificate-authority.js';
export { describeCertificate, isSignedBy, type CertificateInfo } from './certificate-info.js';
export { PkiError, type PkiErrorCode } from './errors.js';
export { type KeyAlgorithm } from './keys.js';
export {
  DEFAULT_DNS_NAMES,
  DEFAULT_IPS,
  canonicalDnsName,
  canonicalIp,
  sameNames,
  servingNames,
  type ServingNamesOptions,
  type SubjectAltNames,
} from './names.js';
export { buildKubeconfig, writeKubeconfig, type KubeconfigOptions, type WriteKubeconfigOptions } from './kubeconfig.js';
export { loadX509, type X509Toolkit } from './x509.js';
