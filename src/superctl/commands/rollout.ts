// superctl rollout status|history|undo|restart|pause|resume, with kubectl's messages. status shows
// progress while it waits: a bar of updated and ready replicas on a terminal, kubectl's lines
// (each once) when piped. undo copies a ReplicaSet's template back into the Deployment (kubectl's
// way since the server-side rollback went away).
import type { Command } from 'commander';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { changeCauseOf, revisionsOf, sameJson, undoPatch, withoutHash } from '../remote/deployment-history.js';
import { displayName, groupResource, resolveTargets, type ObjectTarget } from '../remote/object-target.js';
import { selectTargets } from '../remote/select-targets.js';
import { parseDuration, watchObject } from '../remote/watch-object.js';
import { ProgressDisplay } from '../progress/progress-display.js';
import { rolloutStatus } from '../progress/rollout-status.js';

const ROLLOUT_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'];
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

interface Selecting {
  selector?: string;
  all?: boolean;
}

async function targetsOf(ctx: CliContext, args: string[], options: Selecting, kinds: string[], verb: string): Promise<ObjectTarget[]> {
  const targets = options.selector !== undefined || options.all === true ? await selectTargets(ctx, args, options) : await resolveTargets(ctx, args);
  for (const t of targets) {
    if (!kinds.includes(t.resource.kind)) throw new CliError(`error: ${displayName(t.resource, t.name)} ${verb}`);
  }
  return targets;
}

function withSelecting(command: Command): Command {
  return command.option('-l, --selector <selector>', 'every object of the type that matches this label selector').option('--all', 'every object of the type in the namespace');
}

export function register(program: Command, ctx: CliContext): void {
  const rollout = program.command('rollout').description('Manage the rollout of a deployment, daemon set or stateful set');

  withSelecting(rollout.command('status'))
    .description('Show the status of the rollout, waiting until it is done (a progress bar on a terminal)')
    .argument('<resource...>', 'TYPE NAME or TYPE/NAME')
    .option('-w, --watch [bool]', 'watch the status until the rollout is done (default true)', 'true')
    .option('--timeout <duration>', 'how long to wait before giving up (0: forever)', '0s')
    .option('--revision <n>', 'wait for this revision (deployments)', '0')
    .action(async (args: string[], options: Selecting & { watch: string | boolean; timeout: string; revision: string }) => {
      const targets = await targetsOf(ctx, args, options, ROLLOUT_KINDS, 'has no rollout status (it works on deployments, daemon sets and stateful sets)');
      const watch = options.watch !== 'false' && options.watch !== false;
      const timeoutMs = parseDuration(options.timeout, '--timeout');
      const revision = Number(options.revision);
      for (const target of targets) await waitForRollout(ctx, target, { watch, timeoutMs, revision });
    });

  withSelecting(rollout.command('history'))
    .description('View the rollout history of a deployment')
    .argument('<resource...>', 'TYPE NAME or TYPE/NAME')
    .option('--revision <n>', 'show the pod template of this revision', '0')
    .action(async (args: string[], options: Selecting & { revision: string }) => {
      const targets = await targetsOf(ctx, args, options, ['Deployment'], 'has no rollout history (superctl keeps it for deployments)');
      for (const target of targets) await history(ctx, target, Number(options.revision));
    });

  withSelecting(rollout.command('undo'))
    .description('Roll back to the previous revision (or --to-revision) of a deployment')
    .argument('<resource...>', 'TYPE NAME or TYPE/NAME')
    .option('--to-revision <n>', 'the revision to go back to (0: the previous one)', '0')
    .action(async (args: string[], options: Selecting & { toRevision: string }) => {
      if (!/^\d+$/.test(options.toRevision)) throw new CliError(`error: --to-revision must be a revision number, not "${options.toRevision}"`);
      const targets = await targetsOf(ctx, args, options, ['Deployment'], 'cannot be rolled back (superctl keeps history for deployments)');
      for (const target of targets) await undo(ctx, target, Number(options.toRevision));
    });

  withSelecting(rollout.command('restart'))
    .description('Restart a workload: its pods are replaced by a rollout')
    .argument('<resource...>', 'TYPE NAME or TYPE/NAME')
    .action(async (args: string[], options: Selecting) => {
      const targets = await targetsOf(ctx, args, options, ROLLOUT_KINDS, 'cannot be restarted (it works on deployments, daemon sets and stateful sets)');
      const client = await ctx.client();
      for (const target of targets) {
        const obj = await client.get<Deployment>(target.resource, target.name, target.namespace);
        if (obj.spec?.paused === true) throw new CliError(`error: ${groupResource(target.resource)} "${target.name}" can't restart paused deployment (run rollout resume first)`);
        const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } } } };
        await client.patch(target.resource, target.name, target.namespace, patch, 'strategic');
        ctx.out(`${displayName(target.resource, target.name)} restarted\n`);
      }
    });

  for (const [verb, paused] of [['pause', true], ['resume', false]] as const) {
    withSelecting(rollout.command(verb))
      .description(paused ? 'Mark a deployment as paused: template changes do not roll out until resumed' : 'Resume a paused deployment')
      .argument('<resource...>', 'TYPE NAME or TYPE/NAME')
      .action(async (args: string[], options: Selecting) => {
        const targets = await targetsOf(ctx, args, options, ['Deployment'], `cannot be ${paused ? 'paused' : 'resumed'} (it works on deployments)`);
        const client = await ctx.client();
        const word = paused ? 'paused' : 'resumed';
        const refused: string[] = [];
        for (const target of targets) {
          const obj = await client.get<Deployment>(target.resource, target.name, target.namespace);
          if ((obj.spec?.paused === true) === paused) {
            refused.push(`${groupResource(target.resource)} "${target.name}" ${paused ? 'is already paused' : 'is not paused'}`);
            continue;
          }
          await client.patch(target.resource, target.name, target.namespace, { spec: { paused } }, 'strategic');
          ctx.out(`${displayName(target.resource, target.name)} ${word}\n`);
        }
        // As kubectl: the others are done, then the refusals are the error.
        if (refused.length === 1) throw new CliError(`error: ${refused[0] ?? ''}`);
        if (refused.length > 1) throw new CliError(`error: [${refused.join(', ')}]`);
      });
  }
}

async function waitForRollout(ctx: CliContext, target: ObjectTarget, options: { watch: boolean; timeoutMs: number; revision: number }): Promise<void> {
  const client = await ctx.client();
  const display = new ProgressDisplay(ctx.streams.stdout);
  let seen = false;
  try {
    await watchObject(client, target.resource, target.name, (obj) => {
      if (obj === undefined) {
        if (!seen) throw new CliError(`Error from server (NotFound): ${target.resource.plural}${target.resource.group === '' ? '' : `.${target.resource.group}`} "${target.name}" not found`);
        throw new CliError(`error: ${displayName(target.resource, target.name)} was deleted while its rollout was watched`);
      }
      seen = true;
      const step = rolloutStatus(target.resource.kind, obj, options.revision);
      if (step.finished) {
        display.finish(step.message);
        return true;
      }
      display.update(step);
      return !options.watch;
    }, { namespace: target.namespace, timeoutMs: options.timeoutMs });
  } catch (error) {
    display.clear();
    throw error;
  }
}

async function history(ctx: CliContext, target: ObjectTarget, revision: number): Promise<void> {
  const client = await ctx.client();
  const d = await client.get<Deployment>(target.resource, target.name, target.namespace);
  const revisions = await revisionsOf(client, d);
  const name = displayName(target.resource, target.name);
  if (revision > 0) {
    const found = revisions.find((r) => r.revision === revision);
    if (found === undefined) throw new CliError(`error: unable to find the specified revision`);
    ctx.out(`${name} with revision #${revision}\n${describeTemplate(found.replicaSet.spec?.template)}\n`);
    return;
  }
  ctx.out(`${name} \n`);
  if (revisions.length === 0) {
    ctx.out('No rollout history found.\n');
    return;
  }
  const rows = [['REVISION', 'CHANGE-CAUSE'], ...revisions.map((r) => [String(r.revision), changeCauseOf(r.replicaSet)])];
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length)) + 2;
  ctx.out(`${rows.map(([rev = '', cause = '']) => `${rev.padEnd(width)}${cause}`).join('\n')}\n\n`);
}

/** A pod template as kubectl describe shows one (the parts a revision usually differs in). */
function describeTemplate(template: PodTemplateSpec | undefined): string {
  const lines = ['Pod Template:'];
  const map = (title: string, entries: Record<string, string> | undefined): void => {
    const list = Object.entries(entries ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (list.length === 0) return void lines.push(`  ${title}:\t<none>`);
    list.forEach(([k, v], i) => lines.push(i === 0 ? `  ${title}:\t${k}=${v}` : `\t${k}=${v}`));
  };
  map('Labels', template?.metadata?.labels);
  map('Annotations', template?.metadata?.annotations);
  lines.push('  Containers:');
  for (const c of template?.spec?.containers ?? []) {
    lines.push(`   ${c.name}:`, `    Image:\t${c.image ?? ''}`);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`);
    lines.push(`    Port:\t${ports.length === 0 ? '<none>' : ports.join(', ')}`);
    if (c.command !== undefined) lines.push('    Command:', ...c.command.map((a) => `      ${a}`));
    if (c.args !== undefined) lines.push('    Args:', ...c.args.map((a) => `      ${a}`));
    const env = (c.env ?? []).map((e) => `      ${e.name}:\t${e.value ?? '<set from a reference>'}`);
    lines.push(`    Environment:${env.length === 0 ? '\t<none>' : ''}`, ...env);
  }
  return `${lines.join('\n')}\n`;
}

async function undo(ctx: CliContext, target: ObjectTarget, toRevision: number): Promise<void> {
  const client = await ctx.client();
  const d = await client.get<Deployment>(target.resource, target.name, target.namespace);
  const revisions = await revisionsOf(client, d);
  let chosen;
  if (toRevision > 0) {
    chosen = revisions.find((r) => r.revision === toRevision);
    if (chosen === undefined) throw new CliError(`error: unable to find specified revision ${toRevision} in history`);
  } else {
    chosen = revisions.length >= 2 ? revisions[revisions.length - 2] : undefined;
    if (chosen === undefined) throw new CliError(`error: no rollout history found for deployment "${target.name}"`);
  }
  // After the revision is found, as kubectl checks.
  if (d.spec?.paused === true) {
    throw new CliError(`error: you cannot rollback a paused deployment; resume it first with 'superctl rollout resume deployment/${target.name}' and try again`);
  }
  const name = displayName(target.resource, target.name);
  if (sameJson(withoutHash(chosen.replicaSet.spec?.template), withoutHash(d.spec?.template))) {
    ctx.out(`${name} skipped rollback (current template already matches revision ${toRevision})\n`);
    return;
  }
  await client.patch(target.resource, target.name, target.namespace, undoPatch(d, chosen.replicaSet), 'json');
  ctx.out(`${name} rolled back\n`);
}
