// superctl patch TYPE NAME -p PATCH (--type strategic|merge|json): sends the patch (JSON or YAML,
// from -p or --patch-file) and says "patched", or "patched (no change)" when the object came back
// as it was. A client dry run patches locally with the API server's own patch code.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { applyPatch } from '../../api/patch/apply-patch.js';
import { jsonEqual, type JsonObject } from '../../api/patch/json-value.js';
import { dryRunSuffix, getObject, patchObject, writeErrorLine } from '../apply/object-writes.js';
import { OutcomePrinter, parseOutputFormat } from '../apply/print-objects.js';
import type { CliContext } from '../cli-context.js';
import { CliError, explain } from '../cli-error.js';
import { selectObjects } from '../manifests/select-objects.js';
import { failFromLines, parseDryRunOrFail } from '../apply/verb-failures.js';

interface PatchOptions {
  patch?: string;
  patchFile?: string;
  type: string;
  filename: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  output?: string;
  fieldManager: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  program
    .command('patch')
    .description('Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch')
    .argument('[resources...]', 'TYPE NAME or TYPE/NAME')
    .option('-p, --patch <patch>', 'the patch, JSON or YAML')
    .option('--patch-file <file>', 'a file with the patch')
    .option('--type <type>', 'strategic, merge or json', 'strategic')
    .option('-f, --filename <file>', 'patch the objects named in these files (repeatable)', collect, [])
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .option('--dry-run [strategy]', 'none, client or server')
    .option('-o, --output <format>', 'yaml, json or name')
    .option('--field-manager <name>', 'the name of the manager of the fields this sets', 'kubectl-patch')
    .action(async (resources: string[], options: PatchOptions) => {
      await patch(ctx, resources, options);
    });
}

async function readPatch(options: PatchOptions): Promise<string> {
  if ((options.patch === undefined) === (options.patchFile === undefined)) throw new CliError('error: must specify one of --patch (-p) or --patch-file');
  const text =
    options.patch ??
    (await readFile(options.patchFile ?? '', 'utf8').catch(() => {
      throw new CliError(`error: unable to read patch file: open ${options.patchFile}: no such file or directory`);
    }));
  let value: unknown;
  try {
    value = parse(text, { version: '1.1' });
  } catch (error) {
    throw new CliError(`error: unable to parse "${text}": ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (value === null || typeof value !== 'object') throw new CliError(`error: unable to parse "${text}": a patch is a JSON object (or, for --type json, a list)`);
  return JSON.stringify(value);
}

async function patch(ctx: CliContext, resources: string[], options: PatchOptions): Promise<void> {
  const type = options.type;
  if (type !== 'strategic' && type !== 'merge' && type !== 'json') {
    throw new CliError(`error: --type must be one of [json merge strategic], not "${type}"`);
  }
  const dryRun = parseDryRunOrFail(options.dryRun);
  const printer = new OutcomePrinter(ctx, parseOutputFormat(options.output));
  const body = await readPatch(options);
  const selected = await selectObjects(ctx, resources, { filenames: options.filename, recursive: options.recursive === true });
  const client = await ctx.client();
  const failures: string[] = [];
  for (const object of selected) {
    try {
      const before = await getObject(client, object.resource, object.namespace, object.name);
      if (before === undefined) {
        const groupResource = object.resource.group === '' ? object.resource.plural : `${object.resource.plural}.${object.resource.group}`;
        throw new CliError(`Error from server (NotFound): ${groupResource} "${object.name}" not found`);
      }
      let after: JsonObject;
      if (dryRun === 'client') {
        try {
          after = applyPatch({ type, original: before, body, groupKind: { group: object.resource.group, kind: object.resource.kind } });
        } catch (error) {
          throw new CliError(`error: ${(error as Error).message}`);
        }
      } else {
        after = await patchObject(client, object.resource, object.namespace, object.name, body, type, { dryRun, fieldManager: options.fieldManager });
      }
      const operation = jsonEqual(before, after) ? 'patched (no change)' : 'patched';
      printer.print(object.resource, object.name, `${operation}${dryRunSuffix(dryRun)}`, after);
    } catch (error) {
      failures.push((object.source !== undefined ? writeErrorLine(error, 'patching', object.source) : '') || explain(error));
    }
  }
  printer.flush();
  failFromLines(ctx, failures);
}
