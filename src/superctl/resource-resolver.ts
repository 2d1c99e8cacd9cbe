// Turns the type names people type (po, pods, pod, Pod, deploy, deployments.apps,
// deployment.v1.apps) into API resources, by discovery as kubectl does: /api/v1, then the
// preferred version of every group in /apis. Fetched once per run.
import type { APIGroupList, APIResourceList } from 'kubernetes-types/meta/v1.js';
import type { RestClient } from '../client/rest-client.js';
import type { ResourceType } from '../client/resource-types.js';
import { CliError } from './cli-error.js';

export interface ApiResource extends ResourceType {
  singular: string;
  shortNames: string[];
  verbs: string[];
  categories: string[];
}

export class ResourceResolver {
  private resources?: Promise<ApiResource[]>;

  constructor(private readonly client: RestClient) {}

  /** Every top-level resource the server serves (no subresources), core first, then by group. */
  all(): Promise<ApiResource[]> {
    this.resources ??= this.discover();
    return this.resources;
  }

  /** The resource a name means; a CliError with kubectl's wording when none does. */
  async resolve(name: string): Promise<ApiResource> {
    const found = await this.find(name);
    if (found === undefined) throw new CliError(`error: the server doesn't have a resource type "${name}"`);
    return found;
  }

  async find(name: string): Promise<ApiResource | undefined> {
    const all = await this.all();
    const [head = '', ...rest] = name.split('.');
    const lower = head.toLowerCase();
    // resource.version.group or resource.group, as kubectl accepts them.
    let group: string | undefined;
    let version: string | undefined;
    if (rest.length > 0) {
      const first = rest[0] ?? '';
      if (/^v\d+((alpha|beta)\d+)?$/.test(first)) {
        version = first;
        group = rest.slice(1).join('.');
      } else {
        group = rest.join('.');
      }
    }
    const candidates = all.filter((r) => (group === undefined || r.group === group) && (version === undefined || r.version === version));
    return (
      candidates.find((r) => r.plural === lower) ??
      candidates.find((r) => r.singular === lower) ??
      candidates.find((r) => r.shortNames.includes(lower)) ??
      candidates.find((r) => r.kind.toLowerCase() === lower)
    );
  }

  /** The resources in a category, e.g. `all`. */
  async category(name: string): Promise<ApiResource[]> {
    return (await this.all()).filter((r) => r.categories.includes(name));
  }

  private async discover(): Promise<ApiResource[]> {
    // Every request is awaited together, so a failing server gives one error, never an unhandled rejection.
    const [core, groups] = await Promise.all([this.getJson<APIResourceList>('/api/v1'), this.getJson<APIGroupList>('/apis')]);
    const wanted: { group: string; version: string }[] = [];
    for (const group of groups.groups) {
      const preferred = group.preferredVersion?.version ?? group.versions[0]?.version;
      if (preferred !== undefined) wanted.push({ group: group.name, version: preferred });
    }
    const groupLists = await Promise.all(wanted.map((w) => this.getJson<APIResourceList>(`/apis/${w.group}/${w.version}`)));
    const lists = [{ group: '', version: 'v1', list: core }, ...wanted.map((w, i) => ({ ...w, list: groupLists[i] as APIResourceList }))];
    const resources: ApiResource[] = [];
    for (const { group, version, list } of lists) {
      for (const r of list.resources) {
        if (r.name.includes('/')) continue;
        resources.push({
          group,
          version,
          plural: r.name,
          kind: r.kind,
          namespaced: r.namespaced,
          singular: r.singularName !== undefined && r.singularName !== '' ? r.singularName : r.kind.toLowerCase(),
          shortNames: r.shortNames ?? [],
          verbs: r.verbs,
          categories: r.categories ?? [],
        });
      }
    }
    return resources;
  }

  private async getJson<T>(path: string): Promise<T> {
    const response = await this.client.request('GET', path);
    if (response.status === 401) throw new CliError('error: You must be logged in to the server (Unauthorized): check the token or client certificate in the kubeconfig');
    if (response.status !== 200) throw new CliError(`error: discovery of ${path} failed: HTTP ${response.status}`);
    return JSON.parse(response.body.toString('utf8')) as T;
  }
}
