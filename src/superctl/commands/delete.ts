// superctl delete: by TYPE NAME, TYPE/NAME, -l, --all or -f, with kubectl's flags and lines
// (`configmap "a" deleted`). Like kubectl it waits (--wait, on by default) until each object is
// really gone, so a finalizer or a graceful pod deletion is seen through before it returns.
import type { Command } from 'commander';
import type { JsonObject } from '../../api/patch/json-value.js';
import { ApiError } from '../../client/client-errors.js';
import { deleteObject, dryRunSuffix, getObject } from '../apply/object-writes.js';
import type { CliContext } from '../cli-context.js';
import { CliError, explain } from '../cli-error.js';
import { metadataOf, stringField } from '../manifests/manifest-target.js';
import { selectObjects } from '../manifests/select-objects.js';
import { displayName, kindName } from '../remote/object-target.js';
import { failFromLines, parseDryRunOrFail } from '../apply/verb-failures.js';
import { waitTimeoutMs, waitUntilGone, type DeletedObject } from '../remote/wait-gone.js';

interface DeleteOptions {
  filename: string[];
  recursive?: boolean;
  selector?: string;
  all?: boolean;
  gracePeriod: string;
  now?: boolean;
  force?: boolean;
  wait: boolean;
  timeout?: string;
  cascade: string;
  ignoreNotFound?: boolean;
  dryRun?: string | boolean;
  output?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('Delete resources by file names, stdin, resources and names, or by resources and label selector')
    .argument('[resources...]', 'TYPE NAME..., TYPE/NAME..., or TYPE with -l/--all')
    .option('-f, --filename <file>', 'delete the objects in these files (repeatable)', collect, [])
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .option('-l, --selector <selector>', 'delete the objects with these labels')
    .option('--all', 'delete every object of the type in the namespace')
    .option('--grace-period <seconds>', 'seconds the object has to end gracefully (-1: its own default)', '-1')
    .option('--now', 'end immediately (grace period 1)')
    .option('--force', 'with --grace-period=0: do not wait for the node to confirm the end')
    .option('--wait [bool]', 'wait until the objects are gone', parseBool, true)
    .option('--timeout <duration>', 'how long to wait (0: a week)')
    .option('--cascade [strategy]', 'background, foreground or orphan: what happens to the dependents', 'background')
    .option('--ignore-not-found', 'a missing object is not an error')
    .option('--dry-run [strategy]', 'none, client or server')
    .option('-o, --output <format>', 'name: print only kind/name')
    .action(async (resources: string[], options: DeleteOptions) => {
      await deleteObjects(ctx, resources, options);
    });
}

function parseBool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new CliError(`error: invalid argument "${value}" for "--wait" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

async function deleteObjects(ctx: CliContext, resources: string[], options: DeleteOptions): Promise<void> {
  const dryRun = parseDryRunOrFail(options.dryRun);
  if (options.output !== undefined && options.output !== 'name') throw new CliError(`error: unexpected -o output mode: ${options.output}, the flag 'output' must be one of 'name'`);
  if (resources.length === 1 && options.filename.length === 0 && options.selector === undefined && options.all !== true && !(resources[0] ?? '').includes('/')) {
    throw new CliError(`error: resource(s) were provided, but no name was specified`);
  }
  let gracePeriod = Number(options.gracePeriod);
  if (!Number.isInteger(gracePeriod)) throw new CliError(`error: invalid argument "${options.gracePeriod}" for "--grace-period" flag`);
  if (options.now === true) gracePeriod = 1;
  if (options.force === true && gracePeriod < 0) gracePeriod = 0;
  if (gracePeriod === 0 && options.force !== true) {
    // As kubectl: an immediate deletion must be forced; without --force it becomes the shortest graceful one.
    gracePeriod = 1;
  }
  const propagation = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan' }[options.cascade === 'true' ? 'background' : options.cascade];
  if (propagation === undefined) throw new CliError(`error: invalid cascade value (${options.cascade}). Must be "background", "foreground", or "orphan".`);

  const selected = await selectObjects(ctx, resources, {
    filenames: options.filename,
    recursive: options.recursive === true,
    ...(options.selector === undefined ? {} : { selector: options.selector }),
    all: options.all === true,
  });
  if (selected.length === 0) {
    ctx.out('No resources found\n');
    return;
  }
  // A bad --timeout is refused before anything is deleted.
  const waitMs = waitTimeoutMs(options.timeout);
  const client = await ctx.client();
  const failures: string[] = [];
  const deleted: DeletedObject[] = [];
  if (options.force === true && gracePeriod === 0) {
    ctx.err('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  }
  for (const object of selected) {
    try {
      let result: JsonObject;
      if (dryRun === 'client') {
        const live = await getObject(client, object.resource, object.namespace, object.name);
        if (live === undefined) throw new ApiError(404, 'NotFound', `${object.resource.plural}${object.resource.group === '' ? '' : `.${object.resource.group}`} "${object.name}" not found`);
        result = live;
      } else {
        result = await deleteObject(client, object.resource, object.namespace, object.name, {
          dryRun,
          ...(gracePeriod >= 0 ? { gracePeriodSeconds: gracePeriod } : {}),
          propagationPolicy: propagation,
        });
      }
      deleted.push({ resource: object.resource, namespace: object.namespace, name: object.name, uid: uidOf(result) });
      ctx.out(options.output === 'name' ? `${displayName(object.resource, object.name)}\n` : `${kindName(object.resource)} "${object.name}" deleted${dryRunSuffix(dryRun)}\n`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && options.ignoreNotFound === true) continue;
      failures.push(explain(error));
    }
  }
  if (options.wait && dryRun === 'none' && deleted.length > 0) {
    await waitUntilGone(ctx, deleted, Date.now() + waitMs);
  }
  failFromLines(ctx, failures);
}

function uidOf(result: JsonObject): string {
  // A deleted object comes back as itself (with deletionTimestamp while finalizers remain) or as a Status.
  return result['kind'] === 'Status' ? '' : stringField(metadataOf(result), 'uid');
}

