// superctl label TYPE NAME KEY=VALUE... KEY-...: sets and removes labels with a JSON merge patch
// of metadata.labels, as kubectl does; an existing key keeps its value unless --overwrite.
// Annotate is the same verb on metadata.annotations (annotate.ts), so both are built here.
import type { Command } from 'commander';
import type { JsonObject } from '../../api/patch/json-value.js';
import { dryRunSuffix, getObject, patchObject } from '../apply/object-writes.js';
import { OutcomePrinter, parseOutputFormat } from '../apply/print-objects.js';
import type { CliContext } from '../cli-context.js';
import { CliError, explain } from '../cli-error.js';
import { metadataOf } from '../manifests/manifest-target.js';
import { selectObjects } from '../manifests/select-objects.js';
import { failFromLines, parseDryRunOrFail } from '../apply/verb-failures.js';

export interface MetadataMapVerb {
  readonly verb: 'label' | 'annotate';
  readonly field: 'labels' | 'annotations';
  readonly description: string;
}

interface MapOptions {
  overwrite?: boolean;
  selector?: string;
  all?: boolean;
  filename: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  output?: string;
  resourceVersion?: string;
  fieldManager?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerMetadataMapVerb(program: Command, ctx: CliContext, spec: MetadataMapVerb): void {
  program
    .command(spec.verb)
    .description(spec.description)
    .argument('[args...]', `TYPE NAME... KEY=VALUE... KEY-... (or TYPE/NAME)`)
    .option('--overwrite', `replace the value of a key the object already has`)
    .option('-l, --selector <selector>', 'the objects with these labels')
    .option('--all', 'every object of the type in the namespace')
    .option('-f, --filename <file>', 'the objects named in these files (repeatable)', collect, [])
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .option('--dry-run [strategy]', 'none, client or server')
    .option('-o, --output <format>', 'yaml, json or name')
    .option('--resource-version <version>', 'only if the object is still at this resourceVersion')
    .option('--field-manager <name>', 'the name of the manager of the fields this sets', `kubectl-${spec.verb}`)
    .action(async (args: string[], options: MapOptions) => {
      await changeMetadataMap(ctx, spec, args, options);
    });
}

export function register(program: Command, ctx: CliContext): void {
  registerMetadataMapVerb(program, ctx, { verb: 'label', field: 'labels', description: 'Update the labels on a resource' });
}

interface Changes {
  readonly set: Map<string, string>;
  readonly remove: string[];
}

/** KEY=VALUE and KEY- arguments are changes, the rest name objects (kubectl's rule; a name never ends in '-'). */
function splitArguments(spec: MetadataMapVerb, args: string[]): { resources: string[]; changes: Changes } {
  const isChange = (arg: string): boolean => arg.includes('=') || arg.endsWith('-');
  const resources = args.filter((arg) => !isChange(arg));
  const changeArgs = args.filter(isChange);
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const arg of changeArgs) {
    const eq = arg.indexOf('=');
    if (eq > 0) {
      set.set(arg.slice(0, eq), arg.slice(eq + 1));
    } else if (arg.endsWith('-') && arg.length > 1) {
      remove.push(arg.slice(0, -1));
    } else {
      throw new CliError(`error: invalid ${spec.field === 'labels' ? 'label' : 'annotation'} spec: ${arg}`);
    }
  }
  if (remove.some((key) => set.has(key))) throw new CliError(`error: can not both modify and remove ${spec.field === 'labels' ? 'a label' : 'an annotation'} in the same command`);
  if (set.size === 0 && remove.length === 0) throw new CliError(`error: at least one ${spec.field === 'labels' ? 'label' : 'annotation'} update is required`);
  return { resources, changes: { set, remove } };
}

async function changeMetadataMap(ctx: CliContext, spec: MetadataMapVerb, args: string[], options: MapOptions): Promise<void> {
  const { resources, changes } = splitArguments(spec, args);
  const dryRun = parseDryRunOrFail(options.dryRun);
  const printer = new OutcomePrinter(ctx, parseOutputFormat(options.output));
  const selected = await selectObjects(ctx, resources, {
    filenames: options.filename,
    recursive: options.recursive === true,
    ...(options.selector === undefined ? {} : { selector: options.selector }),
    all: options.all === true,
  });
  const client = await ctx.client();
  const failures: string[] = [];
  for (const object of selected) {
    try {
      const live = object.listed ?? (await getObject(client, object.resource, object.namespace, object.name));
      if (live === undefined) {
        const groupResource = object.resource.group === '' ? object.resource.plural : `${object.resource.plural}.${object.resource.group}`;
        throw new CliError(`Error from server (NotFound): ${groupResource} "${object.name}" not found`);
      }
      const current = (metadataOf(live)[spec.field] ?? {}) as Record<string, string>;
      const conflicts = [...changes.set].filter(([key, value]) => Object.hasOwn(current, key) && current[key] !== value);
      if (conflicts.length > 0 && options.overwrite !== true) {
        if (spec.verb === 'label') {
          const [key] = conflicts[0] ?? [''];
          throw new CliError(`error: '${key}' already has a value (${current[key]}), and --overwrite is false`);
        }
        throw new CliError(
          `error: --overwrite is false but found the following declared annotation(s): ${conflicts.map(([key]) => `'${key}' already has a value (${current[key]})`).join('; ')}`,
        );
      }
      const patchMap: JsonObject = {};
      for (const [key, value] of changes.set) if (current[key] !== value) patchMap[key] = value;
      for (const key of changes.remove) {
        if (Object.hasOwn(current, key)) patchMap[key] = null;
        else if (spec.verb === 'label') ctx.err(`label "${key}" not found.\n`);
      }
      const changed = Object.keys(patchMap).length > 0;
      let result: JsonObject = live;
      if (changed && dryRun !== 'client') {
        const metadataPatch: JsonObject = { [spec.field]: patchMap };
        if (options.resourceVersion !== undefined) metadataPatch['resourceVersion'] = options.resourceVersion;
        result = await patchObject(client, object.resource, object.namespace, object.name, { metadata: metadataPatch }, 'merge', {
          dryRun,
          ...(options.fieldManager === undefined ? {} : { fieldManager: options.fieldManager }),
        });
      }
      printer.print(object.resource, object.name, `${outcome(spec, changed, changes)}${dryRunSuffix(dryRun)}`, result);
    } catch (error) {
      failures.push(explain(error));
    }
  }
  printer.flush();
  failFromLines(ctx, failures);
}

/** kubectl's words: annotate always says annotated; label says labeled, unlabeled or not labeled. */
function outcome(spec: MetadataMapVerb, changed: boolean, changes: Changes): string {
  if (spec.verb === 'annotate') return 'annotated';
  if (!changed) return 'not labeled';
  return changes.set.size === 0 ? 'unlabeled' : 'labeled';
}
