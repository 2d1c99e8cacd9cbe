// TYPE with -l SELECTOR or --all: every object of the type in the namespace that matches.
import type { KubeObject } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { ObjectTarget } from './object-target.js';

export async function selectTargets(ctx: CliContext, args: readonly string[], options: { selector?: string; all?: boolean }): Promise<ObjectTarget[]> {
  if (args.length !== 1 || args[0] === undefined || args[0].includes('/')) {
    throw new CliError('error: with --selector or --all give only the resource type (e.g. deployments)');
  }
  const resource = await (await ctx.resolver()).resolve(args[0]);
  const namespace = resource.namespaced ? await ctx.namespace() : undefined;
  const list = await (await ctx.client()).list<KubeObject>(resource, {
    ...(options.selector === undefined ? {} : { labelSelector: options.selector }),
    ...(namespace === undefined ? {} : { namespace }),
  });
  if (list.items.length === 0) {
    throw new CliError(namespace === undefined ? 'error: no objects passed to the command' : `error: no objects passed to the command (none matched in namespace ${namespace})`);
  }
  return list.items.map((item) => ({ resource, name: item.metadata?.name ?? '', namespace }));
}
