// The superlet's serving certificate, made at start as the kubelet makes its own when none is
// given: a throwaway CA "<host>-ca@<unix seconds>" signs a certificate for this host. Nobody is
// asked to trust it; the API server, like upstream's, does not verify the node's certificate.
import { hostname as osHostname } from 'node:os';
import { CertificateAuthority, canonicalDnsName, canonicalIp, DEFAULT_IPS } from '../../pki/index.js';

export interface ServingCertificate {
  /** The leaf followed by the throwaway CA, PEM. */
  readonly certPem: string;
  readonly keyPem: string;
}

export async function selfSignedServingCertificate(options: { readonly bind: string; readonly hostname?: string; readonly now?: Date }): Promise<ServingCertificate> {
  const host = canonicalDnsName(options.hostname ?? osHostname()) ?? 'superlet';
  const unixSeconds = Math.floor((options.now?.getTime() ?? Date.now()) / 1000);
  const ca = await CertificateAuthority.create({ commonName: `${host}-ca@${unixSeconds}`, ...(options.now === undefined ? {} : { now: options.now }) });
  const ips = new Set(DEFAULT_IPS.map((ip) => canonicalIp(ip) ?? ip));
  const bound = canonicalIp(options.bind);
  if (bound !== undefined && bound !== '0.0.0.0' && bound !== '::') ips.add(bound);
  const leaf = await ca.issueServingCertificate({
    commonName: `${host}@${unixSeconds}`,
    names: { dnsNames: [...new Set(['localhost', host])], ips: [...ips] },
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem };
}
