// The nodes a node verb acts on: names, or -l SELECTOR, or --all (taint).
import type { Node } from 'kubernetes-types/core/v1.js';
import { Nodes } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

/** Node names from NAME, node/NAME or nodes NAME arguments, or from a selector. */
export async function nodeNames(ctx: CliContext, args: readonly string[], options: { selector?: string; all?: boolean }): Promise<string[]> {
  const names = args.filter((a, i) => !(i === 0 && args.length > 1 && /^(nodes?|no)$/i.test(a))).map((a) => a.replace(/^(nodes?|no)\//i, ''));
  if (options.selector !== undefined || options.all === true) {
    if (names.length > 0) throw new CliError('error: give node names, or -l/--all, not both');
    const list = await (await ctx.client()).list<Node>(Nodes, options.selector === undefined ? {} : { labelSelector: options.selector });
    if (list.items.length === 0) throw new CliError('error: No resources found');
    return list.items.map((n) => n.metadata?.name ?? '');
  }
  if (names.length === 0) throw new CliError('error: USAGE: give one or more node names (or -l SELECTOR)');
  return names;
}
