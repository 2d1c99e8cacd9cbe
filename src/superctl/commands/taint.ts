// superctl taint nodes NAME KEY[=VALUE]:EFFECT ... and KEY[:EFFECT]- to remove: kubectl's parsing,
// refusals (--overwrite to change a taint of the same key and effect) and lines (tainted,
// untainted, modified). The new list is written with the node's resourceVersion, so a concurrent
// change is not lost.
import type { Command } from 'commander';
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { Nodes } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { nodeNames } from '../remote/node-targets.js';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export interface TaintChanges {
  add: Taint[];
  remove: { key: string; effect?: string }[];
}

/** Splits the arguments into node names and taint specs (those with : or = or ending in -). */
export function parseTaintArgs(args: readonly string[]): { nodes: string[]; changes: TaintChanges } {
  const changes: TaintChanges = { add: [], remove: [] };
  const nodes: string[] = [];
  for (const arg of args) {
    if (arg.endsWith('-')) {
      const spec = arg.slice(0, -1);
      const colon = spec.indexOf(':');
      const key = colon < 0 ? spec : spec.slice(0, colon);
      const effect = colon < 0 ? undefined : spec.slice(colon + 1);
      if (key === '') throw new CliError(`error: invalid taint spec: ${arg}`);
      if (effect !== undefined && !EFFECTS.includes(effect)) throw new CliError(`error: invalid taint effect: ${effect}, unsupported taint effect`);
      changes.remove.push({ key, ...(effect === undefined ? {} : { effect }) });
    } else if (arg.includes(':') || arg.includes('=')) {
      const colon = arg.lastIndexOf(':');
      if (colon < 0) throw new CliError(`error: invalid taint spec: ${arg}, the effect is missing (KEY=VALUE:EFFECT)`);
      const effect = arg.slice(colon + 1);
      const [key = '', value] = arg.slice(0, colon).split('=', 2);
      if (!EFFECTS.includes(effect)) throw new CliError(`error: invalid taint effect: ${effect}, unsupported taint effect`);
      if (key === '' || !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key)) throw new CliError(`error: invalid taint spec: ${arg}, the key "${key}" is not a valid label key`);
      changes.add.push({ key, effect, ...(value === undefined || value === '' ? {} : { value }) });
    } else {
      nodes.push(arg);
    }
  }
  if (changes.add.length === 0 && changes.remove.length === 0) throw new CliError('error: at least one taint update is required (KEY=VALUE:EFFECT or KEY:EFFECT-)');
  return { nodes, changes };
}

/** The node's taints after the changes, and kubectl's word for what happened. */
export function applyTaints(nodeName: string, current: readonly Taint[], changes: TaintChanges, overwrite: boolean, now: Date): { taints: Taint[]; operation: string } {
  let taints = [...current];
  for (const r of changes.remove) {
    const before = taints.length;
    taints = taints.filter((t) => !(t.key === r.key && (r.effect === undefined || t.effect === r.effect)));
    if (taints.length === before) throw new CliError(`error: taint "${r.effect === undefined ? r.key : `${r.key}:${r.effect}`}" not found`);
  }
  for (const add of changes.add) {
    const same = taints.findIndex((t) => t.key === add.key && t.effect === add.effect);
    const taint: Taint = add.effect === 'NoExecute' ? { ...add, timeAdded: now.toISOString().replace(/\.\d+Z$/, 'Z') } : add;
    if (same >= 0) {
      if (!overwrite) throw new CliError(`error: node ${nodeName} already has ${add.key} taint(s) with same effect(s) and --overwrite is false`);
      taints[same] = taint;
    } else {
      taints.push(taint);
    }
  }
  const operation = changes.add.length > 0 && changes.remove.length > 0 ? 'modified' : changes.add.length > 0 ? 'tainted' : 'untainted';
  return { taints, operation };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('taint')
    .description('Update the taints on nodes: taint nodes NAME KEY=VALUE:EFFECT ... | KEY:EFFECT- | KEY-')
    .argument('<args...>', 'nodes, the node names, then taints (KEY[=VALUE]:EFFECT to add, KEY[:EFFECT]- to remove)')
    .option('--overwrite', 'replace a taint with the same key and effect')
    .option('-l, --selector <selector>', 'every node that matches this label selector')
    .option('--all', 'every node')
    .action(async (args: string[], options: { overwrite?: boolean; selector?: string; all?: boolean }) => {
      const [type = '', ...rest] = args;
      const slash = type.indexOf('/');
      const kind = slash < 0 ? type : type.slice(0, slash);
      if (!/^(nodes?|no)$/i.test(kind)) throw new CliError(`error: taints apply to nodes only, not "${kind}" (taint nodes NAME KEY=VALUE:EFFECT)`);
      const { nodes, changes } = parseTaintArgs(slash < 0 ? rest : [type.slice(slash + 1), ...rest]);
      const client = await ctx.client();
      for (const name of await nodeNames(ctx, nodes, options)) {
        const node = await client.get<Node>(Nodes, name);
        const { taints, operation } = applyTaints(name, node.spec?.taints ?? [], changes, options.overwrite === true, new Date());
        const patch = { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: taints.length === 0 ? null : taints } };
        await client.patch(Nodes, name, undefined, patch, 'merge');
        ctx.out(`node/${name} ${operation}\n`);
      }
    });
}
