// Reads a standard kubeconfig (the file kubectl uses) into the few settings the REST client needs.
// Both forms of each credential are accepted: inline base64 `*-data` and a file path, which is
// resolved against the kubeconfig's own directory as kubectl does.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface ClientConfig {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  userAgent?: string;
  /** The context's default namespace, when it names one (an addition; kubectl's `-n` default). */
  namespace?: string;
}

export class KubeconfigError extends Error {
  readonly code = 'KubeconfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeconfigError';
  }
}

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The `inner` map of the entry called `name` in a kubeconfig list (clusters, users, contexts). */
function named(config: Dict, list: string, inner: string, name: string, path: string): Dict {
  const entries = config[list];
  if (Array.isArray(entries)) {
    for (const entry of entries) {
      if (isDict(entry) && entry.name === name) return isDict(entry[inner]) ? entry[inner] : {};
    }
  }
  throw new KubeconfigError(`${path}: no ${inner} named "${name}" in ${list}`);
}

async function credential(section: Dict, key: string, base: string, path: string): Promise<string | undefined> {
  const data = str(section[`${key}-data`]);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(section[key]);
  if (file === undefined) return undefined;
  const full = isAbsolute(file) ? file : resolve(base, file);
  try {
    return await readFile(full, 'utf8');
  } catch (error) {
    throw new KubeconfigError(`${path}: cannot read ${key} file ${full}`, { cause: error });
  }
}

export async function loadKubeconfig(path: string, context?: string): Promise<ClientConfig> {
  let doc: unknown;
  try {
    doc = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(error as Error).message}`, { cause: error });
  }
  return clientConfigOf(doc, { path, baseDir: dirname(resolve(path)), ...(context !== undefined ? { context } : {}) });
}

/**
 * The settings of one context of an already parsed kubeconfig (superctl merges several files
 * first). path names the source in errors; relative credential paths are resolved against baseDir.
 */
export async function clientConfigOf(doc: unknown, source: { path: string; baseDir: string; context?: string }): Promise<ClientConfig> {
  const { path, baseDir: base, context } = source;
  if (!isDict(doc)) throw new KubeconfigError(`${path}: not a kubeconfig (expected a YAML map)`);
  const contextName = context ?? str(doc['current-context']);
  if (contextName === undefined) throw new KubeconfigError(`${path}: no current-context and no context given`);
  const ctx = named(doc, 'contexts', 'context', contextName, path);
  const clusterName = str(ctx.cluster);
  if (clusterName === undefined) throw new KubeconfigError(`${path}: context "${contextName}" names no cluster`);
  const cluster = named(doc, 'clusters', 'cluster', clusterName, path);
  const userName = str(ctx.user);
  const user = userName === undefined ? {} : named(doc, 'users', 'user', userName, path);
  const server = str(cluster.server);
  if (server === undefined) throw new KubeconfigError(`${path}: cluster "${clusterName}" has no server`);

  const config: ClientConfig = { server };
  const caPem = await credential(cluster, 'certificate-authority', base, path);
  if (caPem !== undefined) config.caPem = caPem;
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTlsVerify = true;
  const certPem = await credential(user, 'client-certificate', base, path);
  const keyPem = await credential(user, 'client-key', base, path);
  if (certPem !== undefined) config.certPem = certPem;
  if (keyPem !== undefined) config.keyPem = keyPem;
  let token = str(user.token);
  const tokenFile = str(user.tokenFile);
  if (token === undefined && tokenFile !== undefined) {
    const full = isAbsolute(tokenFile) ? tokenFile : resolve(base, tokenFile);
    try {
      token = (await readFile(full, 'utf8')).trim();
    } catch (error) {
      throw new KubeconfigError(`${path}: cannot read tokenFile ${full}`, { cause: error });
    }
  }
  if (token !== undefined) config.token = token;
  const namespace = str(ctx.namespace);
  if (namespace !== undefined) config.namespace = namespace;
  return config;
}
