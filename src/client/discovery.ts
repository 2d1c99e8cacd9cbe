// Discovery through the client, as client-go's ServerPreferredResources: /api and /apis name the
// group versions, /api/v1 and /apis/<group>/<version> list their resources; per group the preferred
// version wins. A group version that fails does not fail the rest: its error is kept beside the
// resources that were found (upstream's ErrGroupDiscoveryFailed), so the garbage collector and the
// namespace controller work with what they have, and say what they lack.
import { ApiError } from './client-errors.js';
import type { RestClient } from './rest-client.js';
import type { ResourceType } from './resource-types.js';

/** One entry of an APIResourceList (metav1.APIResource), as much of it as is used here. */
export interface APIResource {
  readonly name: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
}

export interface APIResourceList {
  /** "v1" or "group/version", as served (parsed later, as upstream does). */
  readonly groupVersion: string;
  readonly resources: readonly APIResource[];
}

/** Some group versions could not be read (client-go's ErrGroupDiscoveryFailed, same message). */
export class GroupDiscoveryFailedError extends Error {
  constructor(readonly groups: ReadonlyMap<string, Error>) {
    const parts = [...groups].map(([gv, error]) => `${gv}: ${error.message}`).sort();
    super(`unable to retrieve the complete list of server APIs: ${parts.join(', ')}`);
    this.name = 'GroupDiscoveryFailedError';
  }
}

export interface DiscoveryResult {
  readonly lists: readonly APIResourceList[];
  /** Set when some group versions failed; lists then holds the others. */
  readonly error?: GroupDiscoveryFailedError;
}

/** What discovery is, so tests can inject failures; throws only when nothing could be read. */
export type DiscoverFn = () => Promise<DiscoveryResult>;

/** A served resource with the verbs discovery gave for it. */
export interface DiscoveredType extends ResourceType {
  readonly verbs: readonly string[];
}

async function getJson<T>(client: RestClient, path: string): Promise<T> {
  const response = await client.request('GET', path);
  if (response.status < 200 || response.status > 299) throw ApiError.fromResponse(response.status, 'GET', path, response.body);
  return JSON.parse(response.body.toString('utf8')) as T;
}

interface APIVersions {
  versions?: string[];
}
interface APIGroupList {
  groups?: { name: string; versions?: { groupVersion: string; version: string }[]; preferredVersion?: { groupVersion: string } }[];
}
interface RawResourceList {
  resources?: { name?: string; namespaced?: boolean; kind?: string; verbs?: string[] }[];
}

/** The preferred version's resources of every group, subresources left out. */
export async function serverPreferredResources(client: RestClient): Promise<DiscoveryResult> {
  const [core, named] = await Promise.all([getJson<APIVersions>(client, '/api'), getJson<APIGroupList>(client, '/apis')]);
  // Each group with its versions, preferred first.
  const groups: { group: string; versions: { groupVersion: string; path: string }[] }[] = [
    { group: '', versions: (core.versions ?? []).map((v) => ({ groupVersion: v, path: `/api/${v}` })) },
  ];
  for (const g of named.groups ?? []) {
    const versions = (g.versions ?? []).map((v) => ({ groupVersion: v.groupVersion, path: `/apis/${v.groupVersion}` }));
    const preferred = g.preferredVersion?.groupVersion;
    versions.sort((a, b) => Number(b.groupVersion === preferred) - Number(a.groupVersion === preferred));
    groups.push({ group: g.name, versions });
  }
  const failed = new Map<string, Error>();
  const fetched = new Map<string, RawResourceList>();
  await Promise.all(
    groups.flatMap((g) =>
      g.versions.map(async (v) => {
        try {
          fetched.set(v.groupVersion, await getJson<RawResourceList>(client, v.path));
        } catch (error) {
          failed.set(v.groupVersion, error instanceof Error ? error : new Error(String(error)));
        }
      }),
    ),
  );
  const lists: APIResourceList[] = [];
  for (const g of groups) {
    const seen = new Set<string>();
    for (const v of g.versions) {
      const raw = fetched.get(v.groupVersion);
      if (raw === undefined) continue;
      const resources: APIResource[] = [];
      for (const r of raw.resources ?? []) {
        const name = r.name ?? '';
        if (name === '' || name.includes('/') || seen.has(name)) continue;
        seen.add(name);
        resources.push({ name, namespaced: r.namespaced === true, kind: r.kind ?? '', verbs: r.verbs ?? [] });
      }
      if (resources.length > 0) lists.push({ groupVersion: v.groupVersion, resources });
    }
  }
  return failed.size === 0 ? { lists } : { lists, error: new GroupDiscoveryFailedError(failed) };
}

/** apimachinery's ParseGroupVersion, with its error message. */
export function parseGroupVersion(groupVersion: string): { group: string; version: string } {
  if (groupVersion === '' || groupVersion === '/') return { group: '', version: '' };
  const parts = groupVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] ?? '' };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '' };
  throw new Error(`unexpected GroupVersion string: ${groupVersion}`);
}

/** The resources that serve every one of `verbs` (discovery.FilteredBy(SupportsAllVerbs)). */
export function withVerbs(lists: readonly APIResourceList[], verbs: readonly string[]): APIResourceList[] {
  return lists
    .map((list) => ({ groupVersion: list.groupVersion, resources: list.resources.filter((r) => verbs.every((verb) => r.verbs.includes(verb))) }))
    .filter((list) => list.resources.length > 0);
}

/**
 * The lists as resource types (discovery.GroupVersionResources). Lists whose groupVersion does not
 * parse are left out and reported in `error`, as upstream.
 */
export function discoveredTypes(lists: readonly APIResourceList[]): { types: DiscoveredType[]; error?: Error } {
  const types: DiscoveredType[] = [];
  let error: Error | undefined;
  for (const list of lists) {
    let gv: { group: string; version: string };
    try {
      gv = parseGroupVersion(list.groupVersion);
    } catch (e) {
      error ??= e instanceof Error ? e : new Error(String(e));
      continue;
    }
    for (const r of list.resources) types.push({ ...gv, plural: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs });
  }
  return error === undefined ? { types } : { types, error };
}
