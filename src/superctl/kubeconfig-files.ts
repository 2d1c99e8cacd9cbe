// Which kubeconfig superctl reads, as kubectl chooses it: --kubeconfig, else every file in
// KUBECONFIG merged (the first file to set a value wins, entries of the same name are not
// merged), else ~/.kube/config. Then --context, --server, --token and --insecure-skip-tls-verify
// override what the file says.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { clientConfigOf, type ClientConfig } from '../client/kubeconfig.js';
import { CliError } from './cli-error.js';
import type { GlobalOptions } from './cli-context.js';

export type KubeconfigDoc = Record<string, unknown> & {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
  'current-context'?: string;
};

const LISTS = ['clusters', 'users', 'contexts'] as const;
const PATH_KEYS = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];

/** The files kubectl would read, in order; the first is where changes are written. */
export function kubeconfigPaths(options: GlobalOptions, env: NodeJS.ProcessEnv): string[] {
  if (options.kubeconfig !== undefined && options.kubeconfig !== '') return [options.kubeconfig];
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (list.length > 0) return list;
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

function readDoc(path: string, required: boolean): KubeconfigDoc {
  if (!existsSync(path)) {
    if (required) throw new CliError(`error: the kubeconfig ${path} does not exist (create a cluster with \`supernetes server\`, or pass --kubeconfig)`);
    return {};
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`error: cannot read the kubeconfig ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new CliError(`error: the kubeconfig ${path} is not a YAML map`);
  return absolutize(doc as KubeconfigDoc, dirname(resolve(path)));
}

// Relative credential paths are relative to the file that names them, so they are resolved before merging.
function absolutize(doc: KubeconfigDoc, base: string): KubeconfigDoc {
  for (const list of LISTS) {
    for (const entry of (doc[list] ?? []) as { [k: string]: unknown }[]) {
      for (const inner of Object.values(entry)) {
        if (typeof inner !== 'object' || inner === null) continue;
        const map = inner as Record<string, unknown>;
        for (const key of PATH_KEYS) {
          const value = map[key];
          if (typeof value === 'string' && value !== '' && !isAbsolute(value)) map[key] = resolve(base, value);
        }
      }
    }
  }
  return doc;
}

/** The merged kubeconfig. With --kubeconfig the file must exist; KUBECONFIG entries may be missing. */
export function readMergedKubeconfig(options: GlobalOptions, env: NodeJS.ProcessEnv): KubeconfigDoc {
  const explicit = options.kubeconfig !== undefined && options.kubeconfig !== '';
  const paths = kubeconfigPaths(options, env);
  const merged: KubeconfigDoc = { apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [], users: [], contexts: [] };
  for (const path of paths) {
    const doc = readDoc(path, explicit);
    if (merged['current-context'] === undefined && typeof doc['current-context'] === 'string' && doc['current-context'] !== '') {
      merged['current-context'] = doc['current-context'];
    }
    for (const list of LISTS) {
      const target = merged[list] as { name: string }[];
      for (const entry of (doc[list] ?? []) as { name: string }[]) {
        if (!target.some((e) => e.name === entry.name)) target.push(entry);
      }
    }
  }
  return merged;
}

/** The client settings for the selected context, with the command-line overrides. */
export async function loadCliConfig(options: GlobalOptions, env: NodeJS.ProcessEnv): Promise<ClientConfig> {
  let config: ClientConfig;
  const doc = readMergedKubeconfig(options, env);
  const hasContext = (doc.contexts ?? []).length > 0;
  if (!hasContext && options.server !== undefined) {
    config = { server: options.server };
  } else {
    if (!hasContext) {
      const where = kubeconfigPaths(options, env).join(', ');
      throw new CliError(`error: no configuration found in ${where}: pass --kubeconfig (supernetes server writes DATA_DIR/kubeconfig.yaml) or --server`);
    }
    try {
      config = await clientConfigOf(doc, { path: kubeconfigPaths(options, env).join(delimiter), baseDir: process.cwd(), ...(options.context !== undefined ? { context: options.context } : {}) });
    } catch (error) {
      throw new CliError(`error: ${(error as Error).message}`);
    }
  }
  if (options.server !== undefined && options.server !== '') config.server = options.server;
  if (options.token !== undefined && options.token !== '') {
    config.token = options.token;
    delete config.certPem;
    delete config.keyPem;
  }
  if (options.insecureSkipTlsVerify === true) {
    config.insecureSkipTlsVerify = true;
    delete config.caPem;
  }
  return config;
}

/**
 * Changes one kubeconfig file in place (comments and layout kept), as `kubectl config` writes:
 * the file is created when missing.
 */
export function updateKubeconfigFile(path: string, change: (doc: KubeconfigDoc) => void): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  let document;
  try {
    document = parseDocument(text === '' ? 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\npreferences: {}\n' : text);
  } catch (error) {
    throw new CliError(`error: cannot read the kubeconfig ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const data = (document.toJS() ?? {}) as KubeconfigDoc;
  change(data);
  // Only the top-level keys kubectl config changes are replaced, the rest of the file stays as written.
  for (const key of ['current-context', 'contexts', 'clusters', 'users'] as const) {
    if (data[key] !== undefined) document.set(key, data[key]);
  }
  writeFileSync(path, String(document), { mode: 0o600 });
}

/** The file a change to an entry goes to: the first that defines it, else the first file. */
export function kubeconfigFileDefining(options: GlobalOptions, env: NodeJS.ProcessEnv, list: 'contexts' | 'clusters' | 'users' | 'current-context', name?: string): string {
  const paths = kubeconfigPaths(options, env);
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigDoc;
    if (list === 'current-context' ? typeof doc['current-context'] === 'string' && doc['current-context'] !== '' : (doc[list] ?? []).some((e) => e.name === name)) return path;
  }
  return paths[0] ?? join(env.HOME ?? homedir(), '.kube', 'config');
}
