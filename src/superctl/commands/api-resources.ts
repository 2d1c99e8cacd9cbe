// superctl api-resources: the served resource types from discovery, as kubectl lists them
// (by group, then name).
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError, oneLineUsageErrors } from '../cli-error.js';
import type { ApiResource } from '../resource-resolver.js';
import { alignColumns } from '../printers/tab-writer.js';

interface ApiResourcesOptions {
  output?: string;
  namespaced?: string;
  apiGroup?: string;
  headers?: boolean;
  verbs?: string[];
  sortBy?: string;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function register(program: Command, ctx: CliContext): void {
  oneLineUsageErrors(program.command('api-resources'))
    .description('Print the supported API resources on the server')
    .option('-o, --output <format>', 'wide or name')
    .option('--namespaced <bool>', 'true: only namespaced resources; false: only cluster-wide ones')
    .option('--api-group <group>', 'only this API group ("" for the core group)')
    .option('--no-headers', 'print no header line')
    .option('--verbs <verbs>', 'only resources that support these verbs (comma-separated)', (v: string, prev: string[] = []) => [...prev, ...v.split(',')])
    .option('--sort-by <field>', 'name or kind')
    .action(async (options: ApiResourcesOptions) => {
      if (options.output !== undefined && options.output !== 'wide' && options.output !== 'name') {
        throw new CliError(`error: --output ${options.output} is not available (wide or name)`);
      }
      if (options.namespaced !== undefined && options.namespaced !== 'true' && options.namespaced !== 'false') {
        throw new CliError(`error: invalid argument "${options.namespaced}" for "--namespaced" flag: true or false`);
      }
      let resources: ApiResource[] = [...(await (await ctx.resolver()).all())];
      if (options.namespaced !== undefined) resources = resources.filter((r) => r.namespaced === (options.namespaced === 'true'));
      if (options.apiGroup !== undefined) resources = resources.filter((r) => r.group === options.apiGroup);
      if (options.verbs !== undefined) resources = resources.filter((r) => (options.verbs ?? []).every((v) => r.verbs.includes(v)));
      const key = (r: ApiResource): string => (options.sortBy === 'name' ? r.plural : options.sortBy === 'kind' ? r.kind : r.group);
      resources.sort((a, b) => compare(key(a), key(b)) || compare(a.plural, b.plural));
      if (options.output === 'name') {
        ctx.out(resources.map((r) => `${r.group === '' ? r.plural : `${r.plural}.${r.group}`}\n`).join(''));
        return;
      }
      const wide = options.output === 'wide';
      const rows = resources.map((r) => {
        const row = [r.plural, r.shortNames.join(','), r.group === '' ? r.version : `${r.group}/${r.version}`, String(r.namespaced), r.kind];
        if (wide) row.push([...r.verbs].sort().join(','), r.categories.join(','));
        return row;
      });
      if (options.headers !== false) rows.unshift(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]);
      ctx.out(alignColumns(rows));
    });
}
