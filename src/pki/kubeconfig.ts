// A standard kubeconfig (what kubectl, client-go and @kubernetes/client-node read) with the
// credentials embedded as base64 data, so the file works wherever it is copied.
import { stringify } from 'yaml';
import { PRIVATE_MODE, writeFileAtomic } from './files.js';

export interface KubeconfigOptions {
  /** Default `https://127.0.0.1:6443`. */
  readonly server?: string;
  readonly caPem: string;
  /** A client certificate and its key, or a bearer token (or both). */
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
  readonly token?: string;
  /** Default `supernetes-admin`. */
  readonly user?: string;
  /** Default `supernetes`. */
  readonly cluster?: string;
  /** Default `supernetes`. */
  readonly context?: string;
  readonly namespace?: string;
}

export interface WriteKubeconfigOptions extends KubeconfigOptions {
  readonly path: string;
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function buildKubeconfig(options: KubeconfigOptions): string {
  const hasCert = options.clientCertPem !== undefined || options.clientKeyPem !== undefined;
  if (hasCert && (options.clientCertPem === undefined || options.clientKeyPem === undefined)) {
    throw new TypeError('a kubeconfig client certificate needs both clientCertPem and clientKeyPem');
  }
  if (!hasCert && options.token === undefined) {
    throw new TypeError('a kubeconfig needs a client certificate or a token');
  }
  const cluster = options.cluster ?? 'supernetes';
  const user = options.user ?? 'supernetes-admin';
  const context = options.context ?? 'supernetes';
  const credentials: Record<string, string> = {};
  if (options.clientCertPem !== undefined && options.clientKeyPem !== undefined) {
    credentials['client-certificate-data'] = base64(options.clientCertPem);
    credentials['client-key-data'] = base64(options.clientKeyPem);
  }
  if (options.token !== undefined) credentials.token = options.token;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: cluster,
        cluster: { server: options.server ?? 'https://127.0.0.1:6443', 'certificate-authority-data': base64(options.caPem) },
      },
    ],
    users: [{ name: user, user: credentials }],
    contexts: [
      {
        name: context,
        context: { cluster, user, ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) },
      },
    ],
    'current-context': context,
  };
  // No line folding: base64 data must stay on one line for every reader.
  return stringify(config, { lineWidth: 0 });
}

/** Writes the kubeconfig atomically with mode 0600 (it holds a private key or token). */
export async function writeKubeconfig(options: WriteKubeconfigOptions): Promise<void> {
  await writeFileAtomic(options.path, buildKubeconfig(options), PRIVATE_MODE);
}
