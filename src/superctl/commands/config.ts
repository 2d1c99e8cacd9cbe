// superctl config: view, get-contexts, current-context, use-context, set-context, as kubectl
// config: reads the merged kubeconfig, writes to the file that defines what changes.
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError, oneLineUsageErrors } from '../cli-error.js';
import { kubeconfigFileDefining, readMergedKubeconfig, updateKubeconfigFile, type KubeconfigDoc } from '../kubeconfig-files.js';
import { toGoJson } from '../printers/go-json.js';
import { toGoYaml } from '../printers/go-yaml.js';
import { jsonPathText } from '../printers/object-printers.js';
import { parseOutputFormat } from '../printers/output-format.js';
import { alignColumns } from '../printers/tab-writer.js';

const REDACTED_DATA = ['certificate-authority-data', 'client-certificate-data', 'client-key-data'];
const REDACTED_SECRETS = ['token', 'password'];

type Entry = { name: string } & Record<string, unknown>;

function byName(a: Entry, b: Entry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

// What kubectl config view shows: secrets hidden unless --raw, entries sorted by name (kubectl
// holds them in maps), only the current context's with --minify.
function viewOf(doc: KubeconfigDoc, options: { raw?: boolean; minify?: boolean }, contextFlag: string | undefined): Record<string, unknown> {
  const lists = { clusters: [...(doc.clusters ?? [])] as Entry[], contexts: [...(doc.contexts ?? [])] as Entry[], users: [...(doc.users ?? [])] as Entry[] };
  let current = contextFlag ?? doc['current-context'] ?? '';
  if (options.minify === true) {
    if (current === '') throw new CliError('error: current-context must exist in order to minify');
    const context = lists.contexts.find((c) => c.name === current);
    if (context === undefined) throw new CliError(`error: cannot locate context ${current}`);
    const inner = (context.context ?? {}) as Record<string, unknown>;
    lists.contexts = [context];
    lists.clusters = lists.clusters.filter((c) => c.name === inner.cluster);
    lists.users = lists.users.filter((u) => u.name === inner.user);
  } else if (contextFlag === undefined) {
    current = doc['current-context'] ?? '';
  }
  const hide = (entry: Entry, key: string): Entry => {
    if (options.raw === true) return entry;
    const inner = { ...((entry[key] ?? {}) as Record<string, unknown>) };
    for (const field of REDACTED_DATA) if (typeof inner[field] === 'string' && inner[field] !== '') inner[field] = 'DATA+OMITTED';
    for (const field of REDACTED_SECRETS) if (typeof inner[field] === 'string' && inner[field] !== '') inner[field] = 'REDACTED';
    return { ...entry, [key]: inner };
  };
  return {
    apiVersion: 'v1',
    clusters: lists.clusters.sort(byName).map((c) => hide(c, 'cluster')),
    contexts: lists.contexts.sort(byName),
    'current-context': current,
    kind: 'Config',
    preferences: {},
    users: lists.users.sort(byName).map((u) => hide(u, 'user')),
  };
}

export function register(program: Command, ctx: CliContext): void {
  const config = oneLineUsageErrors(program.command('config')).description('Modify kubeconfig files (view, get-contexts, use-context, set-context)');

  config
    .command('view')
    .description('Display merged kubeconfig settings or a specified kubeconfig file')
    .option('--raw', 'show certificates and tokens')
    .option('--minify', 'only what the current context uses')
    .option('--flatten', 'accepted for kubectl compatibility (credentials are shown as stored)')
    .option('-o, --output <format>', 'yaml (default), json or jsonpath=...', 'yaml')
    .action((options: { raw?: boolean; minify?: boolean; output: string }) => {
      const view = viewOf(readMergedKubeconfig(ctx.options, ctx.env), options, ctx.options.context);
      const format = parseOutputFormat(options.output);
      if (format.kind === 'json') ctx.out(toGoJson(view));
      else if (format.kind === 'jsonpath') ctx.out(jsonPathText(format.template, view));
      else if (format.kind === 'yaml') ctx.out(toGoYaml(view));
      else throw new CliError(`error: output format "${options.output}" is not supported by config view (yaml, json, jsonpath)`);
    });

  config
    .command('get-contexts')
    .description('Describe one or many contexts')
    .argument('[name]', 'only this context')
    .option('-o, --output <format>', 'name: print only the names')
    .option('--no-headers', 'print no header line')
    .action((name: string | undefined, options: { output?: string; headers?: boolean }) => {
      const doc = readMergedKubeconfig(ctx.options, ctx.env);
      const current = doc['current-context'] ?? '';
      let contexts = [...((doc.contexts ?? []) as Entry[])].sort(byName);
      if (name !== undefined) {
        contexts = contexts.filter((c) => c.name === name);
        if (contexts.length === 0) throw new CliError(`error: context ${name} not found`);
      }
      if (options.output === 'name') {
        ctx.out(contexts.map((c) => `${c.name}\n`).join(''));
        return;
      }
      if (options.output !== undefined) throw new CliError(`error: output must be one of '' or 'name': ${options.output}`);
      const rows = contexts.map((c) => {
        const inner = (c.context ?? {}) as Record<string, string | undefined>;
        return [c.name === current ? '*' : '', c.name, inner.cluster ?? '', inner.user ?? '', inner.namespace ?? ''];
      });
      if (options.headers !== false) rows.unshift(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']);
      ctx.out(alignColumns(rows));
    });

  config
    .command('current-context')
    .description('Display the current-context')
    .action(() => {
      const current = readMergedKubeconfig(ctx.options, ctx.env)['current-context'];
      if (current === undefined || current === '') throw new CliError('error: current-context is not set');
      ctx.out(`${current}\n`);
    });

  config
    .command('use-context')
    .description('Set the current-context in a kubeconfig file')
    .argument('<name>', 'the context to use')
    .action((name: string) => {
      const doc = readMergedKubeconfig(ctx.options, ctx.env);
      if (!(doc.contexts ?? []).some((c) => c.name === name)) throw new CliError(`error: no context exists with the name: "${name}"`);
      updateKubeconfigFile(kubeconfigFileDefining(ctx.options, ctx.env, 'current-context'), (file) => {
        file['current-context'] = name;
      });
      ctx.out(`Switched to context "${name}".\n`);
    });

  config
    .command('set-context')
    .description('Set a context entry in kubeconfig')
    .argument('[name]', 'the context to set (or --current)')
    .option('--current', 'modify the current context')
    .option('--namespace <namespace>', 'the context namespace')
    .option('--cluster <cluster>', 'the context cluster')
    .option('--user <user>', 'the context user')
    .action((nameArg: string | undefined, options: { current?: boolean; namespace?: string; cluster?: string; user?: string }) => {
      const doc = readMergedKubeconfig(ctx.options, ctx.env);
      let name = nameArg;
      if (options.current === true) {
        if (nameArg !== undefined) throw new CliError('error: you cannot specify both a context name and --current');
        name = doc['current-context'];
        if (name === undefined || name === '') throw new CliError('error: no current context is set');
      }
      if (name === undefined || name === '') throw new CliError('error: you must specify a context name or --current');
      const contextName = name;
      // -n before set-context is the global flag: kubectl reads it as the context's namespace too.
      const namespace = options.namespace ?? ctx.options.namespace;
      const exists = (doc.contexts ?? []).some((c) => c.name === contextName);
      updateKubeconfigFile(kubeconfigFileDefining(ctx.options, ctx.env, 'contexts', contextName), (file) => {
        const contexts = (file.contexts ?? []) as Entry[];
        let entry = contexts.find((c) => c.name === contextName);
        if (entry === undefined) {
          entry = { name: contextName, context: {} };
          contexts.push(entry);
        }
        const inner = { ...((entry.context ?? {}) as Record<string, unknown>) };
        if (namespace !== undefined) inner.namespace = namespace;
        if (options.cluster !== undefined) inner.cluster = options.cluster;
        if (options.user !== undefined) inner.user = options.user;
        entry.context = inner;
        file.contexts = contexts as NonNullable<KubeconfigDoc["contexts"]>;
      });
      ctx.out(`Context "${contextName}" ${exists ? 'modified' : 'created'}.\n`);
    });
}
