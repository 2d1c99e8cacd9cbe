// superctl edit TYPE NAME: the object as YAML (or JSON with -o json) in $KUBE_EDITOR, $EDITOR or
// vi; what the editor saved is sent as the two-way patch from the shown object to the edited one
// (strategic for built-in kinds, merge for the rest), as kubectl does. An unchanged or emptied
// file cancels; a file that does not parse is kept and named, with the line of the error.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { jsonEqual, type JsonObject } from '../../api/patch/json-value.js';
import { getObject, patchObject } from '../apply/object-writes.js';
import { formatObject } from '../apply/print-objects.js';
import { twoWayPatch } from '../apply/three-way-merge.js';
import type { CliContext } from '../cli-context.js';
import { CliError, explain } from '../cli-error.js';
import { metadataOf, stringField } from '../manifests/manifest-target.js';
import { parseManifests } from '../manifests/read-manifests.js';
import { selectObjects, type SelectedObject } from '../manifests/select-objects.js';
import { displayName } from '../remote/object-target.js';
import { failFromLines } from '../apply/verb-failures.js';

interface EditOptions {
  filename: string[];
  recursive?: boolean;
  selector?: string;
  output?: string;
  fieldManager: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('edit')
    .description('Edit a resource on the server with $KUBE_EDITOR or $EDITOR')
    .argument('[resources...]', 'TYPE NAME or TYPE/NAME')
    .option('-f, --filename <file>', 'edit the objects named in these files (repeatable)', collect, [])
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .option('-l, --selector <selector>', 'edit the objects with these labels')
    .option('-o, --output <format>', 'yaml (default) or json: the format to edit in')
    .option('--field-manager <name>', 'the name of the manager of the fields this sets', 'kubectl-edit')
    .action(async (resources: string[], options: EditOptions) => {
      await edit(ctx, resources, options);
    });
}

async function edit(ctx: CliContext, resources: string[], options: EditOptions): Promise<void> {
  const format = options.output === undefined || options.output === 'yaml' ? 'yaml' : options.output === 'json' ? 'json' : undefined;
  if (format === undefined) throw new CliError(`error: the edit mode "${options.output}" is not supported: use yaml or json`);
  const selected = await selectObjects(ctx, resources, {
    filenames: options.filename,
    recursive: options.recursive === true,
    ...(options.selector === undefined ? {} : { selector: options.selector }),
  });
  const failures: string[] = [];
  for (const object of selected) {
    try {
      await editOne(ctx, object, format, options.fieldManager);
    } catch (error) {
      failures.push(explain(error));
    }
  }
  failFromLines(ctx, failures);
}

async function editOne(ctx: CliContext, object: SelectedObject, format: 'yaml' | 'json', fieldManager: string): Promise<void> {
  const client = await ctx.client();
  const live = await getObject(client, object.resource, object.namespace, object.name);
  if (live === undefined) {
    const groupResource = object.resource.group === '' ? object.resource.plural : `${object.resource.plural}.${object.resource.group}`;
    throw new CliError(`Error from server (NotFound): ${groupResource} "${object.name}" not found`);
  }
  // As kubectl (without --show-managed-fields): the managers' bookkeeping is not for editing.
  const shown: JsonObject = { ...live, metadata: { ...metadataOf(live) } };
  delete (shown['metadata'] as JsonObject)['managedFields'];

  const dir = await mkdtemp(join(tmpdir(), 'superctl-edit-'));
  const file = join(dir, `${object.resource.plural}-${object.name}.${format}`);
  let keep = false;
  try {
    await writeFile(file, HEADER + formatObject(shown, format));
    await runEditor(ctx, file);
    const text = await readFile(file, 'utf8');
    const content = text
      .split('\n')
      .map((line) => (line.trimStart().startsWith('#') ? '' : line))
      .join('\n');
    if (content.trim() === '') {
      ctx.err('Edit cancelled, no changes made.\n');
      return;
    }
    let edited: JsonObject;
    try {
      const manifests = parseManifests(content, file);
      if (manifests.length !== 1 || manifests[0] === undefined) throw new CliError(`error: ${file}: the file must hold exactly one object`);
      edited = manifests[0].object;
    } catch (error) {
      keep = true;
      throw new CliError(`${explain(error)} (your edits are kept in ${file})`);
    }
    if (jsonEqual(edited, shown)) {
      ctx.err('Edit cancelled, no changes made.\n');
      return;
    }
    for (const field of ['apiVersion', 'kind']) {
      if (stringField(edited, field) !== stringField(shown, field)) {
        keep = true;
        throw new CliError(`error: At least one of apiVersion, kind and name was changed (your edits are kept in ${file})`);
      }
    }
    if (stringField(metadataOf(edited), 'name') !== object.name) {
      keep = true;
      throw new CliError(`error: At least one of apiVersion, kind and name was changed (your edits are kept in ${file})`);
    }
    const { patch, type } = twoWayPatch(shown, edited, stringField(shown, 'apiVersion'), stringField(shown, 'kind'));
    try {
      await patchObject(client, object.resource, object.namespace, object.name, patch, type, { fieldManager });
    } catch (error) {
      keep = true;
      throw new CliError(`${explain(error)} (your edits are kept in ${file})`);
    }
    ctx.out(`${displayName(object.resource, object.name)} edited\n`);
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

/** $KUBE_EDITOR, else $EDITOR, else vi, run by the shell as kubectl runs it (it may carry flags). */
function runEditor(ctx: CliContext, file: string): Promise<void> {
  const editor = [ctx.env['KUBE_EDITOR'], ctx.env['EDITOR']].find((e) => e !== undefined && e.trim() !== '') ?? 'vi';
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit', env: ctx.env });
    child.once('error', (error) => reject(new CliError(`error: could not run the editor "${editor}": ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CliError(`error: there was a problem with the editor "${editor}" (it ${signal === null ? `exited with ${code}` : `was killed by ${signal}`})`));
    });
  });
}
