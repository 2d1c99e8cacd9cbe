// superctl apply -f: make the objects on the server look like the files. Client-side (the
// default) as kubectl does it: create what is missing with the last-applied annotation; patch
// what exists with the three-way strategic merge patch of last-applied, file and live object;
// say "unchanged" when that patch is empty. --server-side sends the file as an apply patch.
// --prune -l deletes the objects of the selector that were applied before but are in no file now.
import type { Command } from 'commander';
import type { JsonObject } from '../../api/patch/json-value.js';
import { parseLabelSelector, type LabelMatcher } from '../../api/label-selector.js';
import { LAST_APPLIED_ANNOTATION, lastAppliedOf, originalOf, withLastApplied } from '../apply/last-applied.js';
import { createObject, deleteObject, dryRunSuffix, getObject, patchObject, writeErrorLine, type DryRun } from '../apply/object-writes.js';
import { OutcomePrinter, parseOutputFormat } from '../apply/print-objects.js';
import { threeWayPatch } from '../apply/three-way-merge.js';
import { failFromLines, parseDryRunOrFail } from '../apply/verb-failures.js';
import type { CliContext } from '../cli-context.js';
import { CliError, explain } from '../cli-error.js';
import { metadataOf, stringField, targetOf, type ManifestTarget } from '../manifests/manifest-target.js';
import { readManifests } from '../manifests/read-manifests.js';
import type { ApiResource } from '../resource-resolver.js';
import { displayName } from '../remote/object-target.js';
import { waitTimeoutMs, waitUntilGone, type DeletedObject } from '../remote/wait-gone.js';

interface ApplyOptions {
  filename: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  prune?: boolean;
  selector?: string;
  all?: boolean;
  pruneAllowlist: string[];
  output?: string;
  validate?: string | boolean;
  wait?: boolean;
  timeout?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

// kubectl's default prune allow-list (apply.go's prune resources), as group/kind.
const PRUNE_KINDS = [
  '/ConfigMap',
  '/Endpoints',
  '/Namespace',
  '/PersistentVolumeClaim',
  '/PersistentVolume',
  '/Pod',
  '/ReplicationController',
  '/Secret',
  '/Service',
  'batch/Job',
  'batch/CronJob',
  'networking.k8s.io/Ingress',
  'apps/DaemonSet',
  'apps/Deployment',
  'apps/ReplicaSet',
  'apps/StatefulSet',
];

export function register(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description('Apply a configuration to a resource by file name or stdin')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the configuration (repeatable)', collect, [])
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .option('--dry-run [strategy]', 'none, client or server: show what would happen without doing it')
    .option('--server-side', 'apply on the server (server-side apply) instead of in the client')
    .option('--force-conflicts', 'with --server-side: take over fields other managers own')
    .option('--field-manager <name>', 'the name of the manager of the fields this apply sets')
    .option('--prune', 'delete the objects of the selector that are in none of the files any more')
    .option('-l, --selector <selector>', 'only the objects with these labels (and prune among them)')
    .option('--prune-allowlist <group/version/kind>', 'the kinds to prune (repeatable, e.g. core/v1/ConfigMap)', collect, [])
    .option('--all', 'with --prune: prune every object of the pruned kinds in the namespace')
    .option('-o, --output <format>', 'yaml, json or name')
    .option('--validate [mode]', 'accepted for kubectl compatibility; the server validates')
    .option('--wait', 'with --prune: wait until the pruned objects are gone (a bar on a terminal)')
    .option('--timeout <duration>', 'with --wait: how long to wait (0: a week)')
    .action(async (options: ApplyOptions) => {
      await apply(ctx, options);
    });
}

async function apply(ctx: CliContext, options: ApplyOptions): Promise<void> {
  if (options.filename.length === 0) throw new CliError('error: must specify one of -f and -k');
  const dryRun = parseDryRunOrFail(options.dryRun);
  const format = parseOutputFormat(options.output);
  if (options.prune === true && options.selector === undefined && options.all !== true) {
    throw new CliError(
      'error: all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector',
    );
  }
  if (options.forceConflicts === true && options.serverSide !== true) throw new CliError('error: --force-conflicts only works with --server-side');
  const selector = parseSelector(options.selector);
  const waitMs = waitTimeoutMs(options.timeout);
  let manifests = await readManifests({ filenames: options.filename, recursive: options.recursive === true, stdin: ctx.streams.stdin });
  if (selector !== undefined) manifests = manifests.filter((m) => selector.matches(labelsOf(m.object)));
  if (manifests.length === 0 && selector === undefined) throw new CliError('error: no objects passed to apply');

  const client = await ctx.client();
  const printer = new OutcomePrinter(ctx, format);
  const applied = new Set<string>();
  const visitedNamespaces = new Set<string>();
  const failures: string[] = [];
  for (const manifest of manifests) {
    let target: ManifestTarget;
    try {
      target = await targetOf(ctx, manifest, { requireName: true });
    } catch (error) {
      failures.push(explain(error));
      continue;
    }
    applied.add(objectKey(target.resource, target.namespace, target.name));
    if (target.namespace !== undefined) visitedNamespaces.add(target.namespace);
    try {
      if (options.serverSide === true) {
        const result = await patchObject(client, target.resource, target.namespace, target.name, target.object, 'apply', {
          dryRun,
          fieldManager: options.fieldManager ?? 'kubectl',
          force: options.forceConflicts === true,
        });
        printer.print(target.resource, target.name, `serverside-applied${dryRunSuffix(dryRun)}`, result);
      } else {
        await applyClientSide(ctx, target, dryRun, options.fieldManager ?? 'kubectl-client-side-apply', printer);
      }
    } catch (error) {
      const line = writeErrorLine(error, options.serverSide === true ? 'patching' : 'applying', target.source) || explain(error);
      const hint =
        options.serverSide === true && (error as { status?: number }).status === 409
          ? ' (run again with --force-conflicts to take over the conflicting fields)'
          : '';
      failures.push(line + hint);
    }
  }
  const pruned: DeletedObject[] = [];
  if (options.prune === true && failures.length === 0) {
    await prune(ctx, { selector: options.selector, allowlist: options.pruneAllowlist, applied, namespaces: visitedNamespaces, dryRun, printer, pruned });
  }
  printer.flush();
  if (options.wait === true && dryRun === 'none' && pruned.length > 0) await waitUntilGone(ctx, pruned, Date.now() + waitMs);
  failFromLines(ctx, failures);
}

async function applyClientSide(ctx: CliContext, target: ManifestTarget, dryRun: DryRun, fieldManager: string, printer: OutcomePrinter): Promise<void> {
  const client = await ctx.client();
  const modified = withLastApplied(target.object);
  const current = await getObject(client, target.resource, target.namespace, target.name);
  if (current === undefined) {
    const created = dryRun === 'client' ? modified : await createObject(client, target.resource, target.namespace, modified, { dryRun, fieldManager });
    printer.print(target.resource, target.name, `created${dryRunSuffix(dryRun)}`, created);
    return;
  }
  if (lastAppliedOf(current) === undefined) {
    ctx.err(
      `Warning: resource ${target.resource.plural}/${target.name} is missing the ${LAST_APPLIED_ANNOTATION} annotation which is required by superctl apply. superctl apply should only be used on resources created declaratively by either superctl create --save-config or superctl apply. The missing annotation will be patched automatically.\n`,
    );
  }
  const { patch, type } = threeWayPatch(originalOf(current), modified, current, target.apiVersion, target.kind);
  if (Object.keys(patch).length === 0) {
    printer.print(target.resource, target.name, `unchanged${dryRunSuffix(dryRun)}`, current);
    return;
  }
  const result = dryRun === 'client' ? current : await patchObject(client, target.resource, target.namespace, target.name, patch, type, { dryRun, fieldManager });
  printer.print(target.resource, target.name, `configured${dryRunSuffix(dryRun)}`, result);
}

interface PruneRequest {
  selector: string | undefined;
  allowlist: string[];
  applied: Set<string>;
  namespaces: Set<string>;
  dryRun: DryRun;
  printer: OutcomePrinter;
  /** Filled with what was deleted, for --wait. */
  pruned: DeletedObject[];
}

/** Deletes what apply made before (it has the annotation) and no file names now. */
async function prune(ctx: CliContext, request: PruneRequest): Promise<void> {
  const client = await ctx.client();
  // The default list names kinds this server may not serve; those are skipped, not an error.
  const kinds =
    request.allowlist.length === 0
      ? PRUNE_KINDS
      : request.allowlist.map((entry) => {
          const parts = entry.split('/');
          if (parts.length !== 3) throw new CliError(`error: invalid GroupVersionKind format: ${entry}, please follow <group/version/kind>`);
          return `${parts[0] === 'core' ? '' : (parts[0] ?? '')}/${parts[2] ?? ''}`;
        });
  const resources = (await (await ctx.resolver()).all()).filter((r) => kinds.includes(`${r.group}/${r.kind}`));
  for (const resource of resources) {
    const scopes: (string | undefined)[] = resource.namespaced ? [...request.namespaces] : [undefined];
    for (const namespace of scopes) {
      const list = await client.list<JsonObject>(resource, {
        ...(request.selector === undefined ? {} : { labelSelector: request.selector }),
        ...(namespace === undefined ? {} : { namespace }),
      });
      for (const item of list.items) {
        const metadata = metadataOf(item);
        const name = stringField(metadata, 'name');
        const annotations = metadata['annotations'] as Record<string, unknown> | undefined;
        if (annotations?.[LAST_APPLIED_ANNOTATION] === undefined) continue;
        if (request.applied.has(objectKey(resource, namespace, name))) continue;
        if (request.dryRun !== 'client') {
          await deleteObject(client, resource, namespace, name, { dryRun: request.dryRun, propagationPolicy: 'Background' });
          request.pruned.push({ resource, namespace, name, uid: stringField(metadata, 'uid') });
        }
        request.printer.print(resource, name, `pruned${dryRunSuffix(request.dryRun)}`, item);
      }
    }
  }
}

function objectKey(resource: ApiResource, namespace: string | undefined, name: string): string {
  return `${displayName(resource, name)}@${namespace ?? ''}`;
}

function labelsOf(object: JsonObject): Record<string, string> {
  const labels = metadataOf(object)['labels'];
  return typeof labels === 'object' && labels !== null && !Array.isArray(labels) ? (labels as Record<string, string>) : {};
}

function parseSelector(selector: string | undefined): LabelMatcher | undefined {
  if (selector === undefined) return undefined;
  try {
    return parseLabelSelector(selector);
  } catch (error) {
    throw new CliError(`error: ${(error as Error).message}`);
  }
}
