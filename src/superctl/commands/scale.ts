// superctl scale: sets replicas through the scale subresource, as kubectl does, optionally only
// when the current count (--current-replicas) or version (--resource-version) is what was expected.
import type { Command } from 'commander';
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import { ApiError } from '../../client/client-errors.js';
import { resourcePath } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { displayName, resolveTargets, type ObjectTarget } from '../remote/object-target.js';
import { selectTargets } from '../remote/select-targets.js';

interface ScaleOptions {
  replicas?: string;
  currentReplicas?: string;
  resourceVersion?: string;
  selector?: string;
  all?: boolean;
}

function count(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new CliError(`error: ${flag} must be a whole number >= 0, not "${text}"`);
  return Number(text);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('scale')
    .description('Set a new size for a deployment, replica set, replication controller, or stateful set')
    .argument('<resource...>', 'TYPE NAME, or TYPE/NAME')
    .option('--replicas <count>', 'the new number of replicas (required)')
    .option('--current-replicas <count>', 'only scale if the current number of replicas is this')
    .option('--resource-version <version>', 'only scale if the resource version is this')
    .option('-l, --selector <selector>', 'scale every object of the type that matches this label selector')
    .option('--all', 'scale every object of the type in the namespace')
    .action(async (args: string[], options: ScaleOptions) => {
      const replicas = count(options.replicas, '--replicas');
      if (replicas === undefined) throw new CliError('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
      const current = count(options.currentReplicas, '--current-replicas');
      const targets = options.selector !== undefined || options.all === true ? await selectTargets(ctx, args, options) : await resolveTargets(ctx, args);
      for (const target of targets) {
        await scaleOne(ctx, target, replicas, current, options.resourceVersion);
        ctx.out(`${displayName(target.resource, target.name)} scaled\n`);
      }
    });
}

async function scaleOne(ctx: CliContext, target: ObjectTarget, replicas: number, current: number | undefined, resourceVersion: string | undefined): Promise<void> {
  const client = await ctx.client();
  if (!target.resource.verbs.includes('patch') && !target.resource.verbs.includes('update')) {
    throw new CliError(`error: ${displayName(target.resource, target.name)} cannot be scaled`);
  }
  if (current === undefined && resourceVersion === undefined) {
    await client.patch<Scale>(target.resource, target.name, target.namespace, { spec: { replicas } }, 'merge', { subresource: 'scale' });
    return;
  }
  const path = resourcePath(target.resource, target.namespace, target.name, 'scale');
  const response = await client.request('GET', path);
  if (response.status !== 200) throw ApiError.fromResponse(response.status, 'GET', path, response.body);
  const scale = JSON.parse(response.body.toString('utf8')) as Scale;
  const actual = scale.spec?.replicas ?? 0;
  if (current !== undefined && actual !== current) throw new CliError(`error: Expected replicas to be ${current}, was ${actual}`);
  const actualVersion = scale.metadata?.resourceVersion ?? '';
  if (resourceVersion !== undefined && actualVersion !== resourceVersion) {
    throw new CliError(`error: Expected resource version to be ${resourceVersion}, was ${actualVersion}`);
  }
  // The version makes the write fail (409) if the object changed since it was checked.
  await client.update<Scale>(target.resource, { ...scale, spec: { replicas } }, { subresource: 'scale' });
}
