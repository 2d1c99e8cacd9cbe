// superctl cordon and uncordon: mark nodes unschedulable or schedulable again (spec.unschedulable),
// with kubectl's lines. drain cordons through the same function.
import type { Command } from 'commander';
import type { Node } from 'kubernetes-types/core/v1.js';
import { Nodes } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { nodeNames } from '../remote/node-targets.js';

/** Sets spec.unschedulable; returns kubectl's line ("node/n1 cordoned", "node/n1 already cordoned"). */
export async function setUnschedulable(client: RestClient, name: string, unschedulable: boolean): Promise<string> {
  const node = await client.get<Node>(Nodes, name);
  const word = unschedulable ? 'cordoned' : 'uncordoned';
  if ((node.spec?.unschedulable === true) === unschedulable) return `node/${name} already ${word}`;
  await client.patch(Nodes, name, undefined, { spec: { unschedulable: unschedulable ? true : null } }, 'strategic');
  return `node/${name} ${word}`;
}

export function register(program: Command, ctx: CliContext): void {
  for (const [verb, unschedulable] of [['cordon', true], ['uncordon', false]] as const) {
    program
      .command(verb)
      .description(unschedulable ? 'Mark a node unschedulable: no new pods are placed on it' : 'Mark a node schedulable again')
      .argument('[node...]', 'node names')
      .option('-l, --selector <selector>', 'every node that matches this label selector')
      .action(async (args: string[], options: { selector?: string }) => {
        const client = await ctx.client();
        for (const name of await nodeNames(ctx, args, options)) ctx.out(`${await setUnschedulable(client, name, unschedulable)}\n`);
      });
  }
}
