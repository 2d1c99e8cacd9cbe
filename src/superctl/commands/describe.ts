// superctl describe: kubectl's describe. Names are exact, else a prefix (kubectl's rule);
// without names every object of the type (or those -l selects).
import type { Command } from 'commander';
import { ApiError, isNotFound } from '../../client/client-errors.js';
import { resourcePath } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError, oneLineUsageErrors } from '../cli-error.js';
import { describeObject } from '../describe/index.js';
import type { ApiResource } from '../resource-resolver.js';
import { parseResourceArgs } from './get-requests.js';

interface DescribeOptions {
  selector?: string;
  allNamespaces?: boolean;
  showEvents?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  oneLineUsageErrors(program.command('describe'))
    .description('Show details of a specific resource or group of resources')
    .argument('[resources...]', 'TYPE [NAME_PREFIX...] | TYPE/NAME ...')
    .option('-l, --selector <selector>', 'label selector')
    .option('-A, --all-namespaces', 'describe the objects of every namespace')
    .option('--show-events [bool]', 'show the events of each object (default true)')
    .action(async (args: string[], options: DescribeOptions) => {
      await runDescribe(ctx, args, options);
    });
}

type Listed = { metadata?: { name?: string } };

async function runDescribe(ctx: CliContext, args: string[], options: DescribeOptions): Promise<void> {
  const parsed = await parseResourceArgs(args, await ctx.resolver(), 'describe');
  const client = await ctx.client();
  const namespace = options.allNamespaces === true ? undefined : await ctx.namespace();
  const getJson = async <T>(path: string, query: Record<string, string> = {}): Promise<T> => {
    const response = await client.request('GET', path, { query });
    if (response.status < 200 || response.status > 299) throw ApiError.fromResponse(response.status, 'GET', path, response.body);
    return JSON.parse(response.body.toString('utf8')) as T;
  };
  const list = async (resource: ApiResource): Promise<Listed[]> => {
    const ns = resource.namespaced ? namespace : undefined;
    const query: Record<string, string> = options.selector === undefined ? {} : { labelSelector: options.selector };
    return (await getJson<{ items?: Listed[] | null }>(resourcePath(resource, ns), query)).items ?? [];
  };
  const found: { resource: ApiResource; object: unknown }[] = [];
  const errors: string[] = [];
  let matched = false;
  for (const request of parsed.requests) {
    const resource = request.resource;
    const ns = resource.namespaced ? namespace : undefined;
    if (request.names.length === 0) {
      for (const object of await list(resource)) found.push({ resource, object });
      continue;
    }
    for (const name of request.names) {
      try {
        found.push({ resource, object: await getJson(resourcePath(resource, ns, name)) });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        // kubectl's DescribeMatchingResources: `describe TYPE PREFIX` with one name falls back to a
        // prefix match, each object followed by a blank line.
        const prefixed = args.length === 2 && !args[1]?.includes('/') ? (await list(resource)).filter((o) => (o.metadata?.name ?? '').startsWith(name)) : [];
        if (prefixed.length === 0) errors.push(`Error from server (NotFound): ${(error as ApiError).message}`);
        for (const object of prefixed) {
          ctx.out(`${await describeText(client, resource, object, options)}\n`);
          matched = true;
        }
      }
    }
  }
  const texts: string[] = [];
  for (const { resource, object } of found) texts.push(await describeText(client, resource, object, options));
  ctx.out(texts.join('\n\n'));
  if (found.length === 0 && !matched && errors.length === 0) {
    const allNamespaced = parsed.requests.every((r) => r.resource.namespaced);
    ctx.err(allNamespaced && namespace !== undefined ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
  }
  if (errors.length > 0) throw new CliError(errors.join('\n'));
}

async function describeText(client: RestClient, resource: ApiResource, object: unknown, options: DescribeOptions): Promise<string> {
  const text = await describeObject(client, resource.group, resource.kind, object);
  return options.showEvents === false || String(options.showEvents) === 'false' ? withoutEvents(text) : text;
}

function withoutEvents(text: string): string {
  const at = text.search(/^Events:/m);
  return at === -1 ? text : text.slice(0, at);
}
