// superctl set image: new images for named containers (or * for all) of pods and the workloads
// that template them, by a strategic merge patch that names the containers, as kubectl sends.
// Nothing changes and nothing is printed for an object that already runs those images.
import type { Command } from 'commander';
import type { KubeObject } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { displayName, resolveTargets, type ObjectTarget } from '../remote/object-target.js';
import { patchAtPodSpec, podSpecOf } from '../remote/pod-template.js';
import { selectTargets } from '../remote/select-targets.js';

/** Splits the args into objects and CONTAINER=IMAGE pairs (those hold an =). */
function splitArgs(args: readonly string[]): { objects: string[]; images: Map<string, string> } {
  const objects: string[] = [];
  const images = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) {
      objects.push(arg);
      continue;
    }
    const name = arg.slice(0, eq);
    const image = arg.slice(eq + 1);
    if (name === '' || image === '') throw new CliError(`error: "${arg}" is not CONTAINER_NAME=IMAGE`);
    images.set(name, image);
  }
  if (images.size === 0) throw new CliError('error: at least one image update is required (CONTAINER_NAME=IMAGE)');
  return { objects, images };
}

export function register(program: Command, ctx: CliContext): void {
  const set = program.command('set').description('Set specific features on objects');
  set
    .command('image')
    .description('Update the image of a pod template: set image (TYPE NAME | TYPE/NAME) CONTAINER=IMAGE ...')
    .argument('<args...>', 'TYPE NAME or TYPE/NAME, then CONTAINER_NAME=IMAGE pairs (* for every container)')
    .option('-l, --selector <selector>', 'every object of the type that matches this label selector')
    .option('--all', 'every object of the type in the namespace')
    .action(async (args: string[], options: { selector?: string; all?: boolean }) => {
      const { objects, images } = splitArgs(args);
      const targets = options.selector !== undefined || options.all === true ? await selectTargets(ctx, objects, options) : await resolveTargets(ctx, objects);
      for (const target of targets) {
        if (await setImages(ctx, target, images)) ctx.out(`${displayName(target.resource, target.name)} image updated\n`);
      }
    });
}

/** True when the object changed. */
async function setImages(ctx: CliContext, target: ObjectTarget, images: Map<string, string>): Promise<boolean> {
  const client = await ctx.client();
  const obj = await client.get<KubeObject & { spec?: unknown }>(target.resource, target.name, target.namespace);
  const spec = podSpecOf(target.resource.kind, obj);
  if (spec === undefined) throw new CliError(`error: ${displayName(target.resource, target.name)} has no pod template: set image works on pods and workloads`);
  const changes: Record<'containers' | 'initContainers', { name: string; image: string }[]> = { containers: [], initContainers: [] };
  const matched = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    for (const container of (spec[list] ?? [])) {
      const image = images.get(container.name) ?? images.get('*');
      if (image === undefined) continue;
      matched.add(images.has(container.name) ? container.name : '*');
      if (container.image !== image) changes[list].push({ name: container.name, image });
    }
  }
  for (const name of images.keys()) {
    if (!matched.has(name)) throw new CliError(`error: unable to find container named "${name}"`);
  }
  const leaf: Record<string, unknown> = {};
  if (changes.containers.length > 0) leaf.containers = changes.containers;
  if (changes.initContainers.length > 0) leaf.initContainers = changes.initContainers;
  if (Object.keys(leaf).length === 0) return false;
  await client.patch(target.resource, target.name, target.namespace, patchAtPodSpec(target.resource.kind, leaf), 'strategic');
  return true;
}
