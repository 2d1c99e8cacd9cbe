// What `get` (and describe) arguments ask for, as kubectl's resource builder reads them:
// "pods", "pods,svc", "pods web api", "pod/web svc/api", or "all" (the `all` category).
import { CliError } from '../cli-error.js';
import type { ApiResource, ResourceResolver } from '../resource-resolver.js';

export interface ResourceRequest {
  resource: ApiResource;
  /** Empty: the whole collection. */
  names: string[];
}

export interface ParsedRequests {
  requests: ResourceRequest[];
  /** kubectl prefixes names with their kind when several types are asked for. */
  multipleTypes: boolean;
  /** One type and one name: print the object itself, not a List. */
  singleObject: boolean;
}

export async function parseResourceArgs(args: readonly string[], resolver: ResourceResolver, verb: string): Promise<ParsedRequests> {
  if (args.length === 0) {
    throw new CliError(`error: you must specify the type of resource to ${verb} (superctl api-resources lists the types)`);
  }
  if (args.some((a) => a.includes('/'))) {
    const requests: ResourceRequest[] = [];
    for (const arg of args) {
      const slash = arg.indexOf('/');
      if (slash <= 0 || slash === arg.length - 1) throw new CliError(`error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'superctl ${verb} resource/<resource_name>' instead of 'superctl ${verb} resource resource/<resource_name>')`);
      const resource = await resolver.resolve(arg.slice(0, slash));
      const name = arg.slice(slash + 1);
      const last = requests[requests.length - 1];
      if (last !== undefined && last.resource === resource) last.names.push(name);
      else requests.push({ resource, names: [name] });
    }
    const types = new Set(requests.map((r) => r.resource));
    return { requests, multipleTypes: types.size > 1, singleObject: requests.length === 1 && requests[0]?.names.length === 1 };
  }
  const [typeArg = '', ...names] = args;
  const typeNames = typeArg.split(',').filter((t) => t !== '');
  const resources: ApiResource[] = [];
  for (const typeName of typeNames) {
    const inCategory = typeName === 'all' ? await resolver.category('all') : [];
    if (inCategory.length > 0) resources.push(...inCategory);
    else resources.push(await resolver.resolve(typeName));
  }
  const unique = [...new Set(resources)];
  return {
    requests: unique.map((resource) => ({ resource, names: [...names] })),
    multipleTypes: typeNames.length > 1 || typeNames.includes('all'),
    singleObject: unique.length === 1 && names.length === 1 && !typeNames.includes('all'),
  };
}

/** "deployment.apps": the kind, lower-cased, with its group (kubectl's prefix of names). */
export function kindPrefixOf(resource: ApiResource): string {
  const kind = resource.kind.toLowerCase();
  return resource.group === '' ? kind : `${kind}.${resource.group}`;
}
