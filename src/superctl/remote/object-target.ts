// The objects a workload verb acts on, named the kubectl ways: TYPE/NAME (one or more), or TYPE
// followed by NAMEs. Resolved by discovery, so short names (deploy, po, no) work; printed the way
// kubectl prints them (deployment.apps/web, pod/web-1).
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { ApiResource } from '../resource-resolver.js';

export interface ObjectTarget {
  readonly resource: ApiResource;
  readonly name: string;
  /** The namespace to use (undefined for cluster-scoped resources). */
  readonly namespace: string | undefined;
}

/** `deployment.apps/web`, `pod/web-1`, `node/n1`: kubectl's name for an object. */
export function displayName(resource: ApiResource, name: string): string {
  return `${kindName(resource)}/${name}`;
}

/** `deployment.apps`, `pod`: the lower-case kind with the group, as kubectl's -o name prints it. */
export function kindName(resource: ApiResource): string {
  const kind = resource.kind.toLowerCase();
  return resource.group === '' ? kind : `${kind}.${resource.group}`;
}

/** `deployments.apps`, `pods`: the resource as a server error names it. */
export function groupResource(resource: ApiResource): string {
  return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}

/**
 * The objects named by args: every arg TYPE/NAME, or the first a TYPE and the rest NAMEs. With
 * defaultType, a bare NAME is of that type (exec and logs take a pod name).
 */
export async function resolveTargets(ctx: CliContext, args: readonly string[], defaultType?: string): Promise<ObjectTarget[]> {
  if (args.length === 0) throw new CliError('error: you must specify the type of resource and a name (TYPE NAME or TYPE/NAME)');
  const resolver = await ctx.resolver();
  const namespace = await ctx.namespace();
  const targets: ObjectTarget[] = [];
  const make = (resource: ApiResource, name: string): ObjectTarget => {
    if (name === '') throw new CliError('error: a resource name may not be empty');
    return { resource, name, namespace: resource.namespaced ? namespace : undefined };
  };
  if (args.every((a) => a.includes('/'))) {
    for (const arg of args) {
      const slash = arg.indexOf('/');
      targets.push(make(await resolver.resolve(arg.slice(0, slash)), arg.slice(slash + 1)));
    }
    return targets;
  }
  if (args.some((a) => a.includes('/'))) {
    throw new CliError('error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
  }
  if (defaultType !== undefined && args.length === 1) return [make(await resolver.resolve(defaultType), args[0] ?? '')];
  const [type = '', ...names] = args;
  if (names.length === 0) throw new CliError(`error: you must specify the name of the ${type} (TYPE NAME or TYPE/NAME)`);
  const resource = await resolver.resolve(type);
  return names.map((n) => make(resource, n));
}

/** Exactly one target; kubectl's error for more. */
export async function resolveOneTarget(ctx: CliContext, args: readonly string[], defaultType?: string): Promise<ObjectTarget> {
  const targets = await resolveTargets(ctx, args, defaultType);
  if (targets.length !== 1 || targets[0] === undefined) throw new CliError('error: only one resource may be given here');
  return targets[0];
}

/** Refuses a target whose kind the verb does not handle, with a line naming what it does. */
export function requireKind(target: ObjectTarget, kinds: readonly string[], verb: string): void {
  if (!kinds.includes(target.resource.kind)) {
    throw new CliError(`error: ${verb} is not supported for ${groupResource(target.resource)} (it works on: ${kinds.map((k) => k.toLowerCase()).join(', ')})`);
  }
}
