// The objects a verb acts on, named any of the kubectl ways: TYPE NAME..., TYPE/NAME...,
// TYPE[,TYPE...] with -l SELECTOR or --all (listed from the server), or -f files (each object
// in them). Used by delete, patch, label, annotate and edit.
import type { JsonObject } from '../../api/patch/json-value.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { resolveTargets } from '../remote/object-target.js';
import type { ApiResource } from '../resource-resolver.js';
import { metadataOf, stringField, targetOf } from './manifest-target.js';
import { readManifests } from './read-manifests.js';

export interface SelectedObject {
  readonly resource: ApiResource;
  readonly name: string;
  readonly namespace: string | undefined;
  /** The file it was named in, for messages. */
  readonly source?: string;
  /** The object as listed, when the selection listed it. */
  readonly listed?: JsonObject;
}

export interface Selection {
  readonly filenames?: readonly string[];
  readonly recursive?: boolean;
  readonly selector?: string;
  readonly all?: boolean;
}

export async function selectObjects(ctx: CliContext, args: readonly string[], selection: Selection): Promise<SelectedObject[]> {
  const byFiles = (selection.filenames?.length ?? 0) > 0;
  const byQuery = selection.selector !== undefined || selection.all === true;
  if (byFiles) {
    if (args.length > 0) throw new CliError('error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
    const manifests = await readManifests({ filenames: selection.filenames ?? [], recursive: selection.recursive === true, stdin: ctx.streams.stdin });
    const selected: SelectedObject[] = [];
    for (const manifest of manifests) {
      const target = await targetOf(ctx, manifest, { requireName: true });
      selected.push({ resource: target.resource, name: target.name, namespace: target.namespace, source: target.source });
    }
    return selected;
  }
  if (byQuery) {
    if (args.length !== 1 || args[0] === undefined || args[0].includes('/')) {
      throw new CliError('error: with --selector or --all give only the resource type(s), e.g. deployments or pods,services');
    }
    const resolver = await ctx.resolver();
    const client = await ctx.client();
    const selected: SelectedObject[] = [];
    for (const type of args[0].split(',').filter((t) => t !== '')) {
      const resource = await resolver.resolve(type);
      const namespace = resource.namespaced ? await ctx.namespace() : undefined;
      const list = await client.list<JsonObject>(resource, {
        ...(selection.selector === undefined ? {} : { labelSelector: selection.selector }),
        ...(namespace === undefined ? {} : { namespace }),
      });
      for (const item of list.items) selected.push({ resource, name: stringField(metadataOf(item), 'name'), namespace, listed: item });
    }
    return selected;
  }
  if (args.length === 0) {
    throw new CliError('error: you must specify the type of resource and a name (TYPE NAME or TYPE/NAME), -l SELECTOR, --all or -f FILENAME');
  }
  return (await resolveTargets(ctx, args)).map((t) => ({ resource: t.resource, name: t.name, namespace: t.namespace }));
}
