// Discovery, as kubectl needs it: the legacy documents (/api, /apis, /api/v1, /apis/G, /apis/G/V)
// and the aggregated form (APIGroupDiscoveryList), in v2 or v2beta1 as the client asks.
import type { ResourceDescriptor } from '../registry/resource.js';
import { ALL_VERBS, apiVersionOf } from '../registry/resource.js';
import type { Registry } from '../registry/registry.js';

function verbsOf(d: ResourceDescriptor): string[] {
  return [...(d.verbs ?? ALL_VERBS)];
}

function subresourcesOf(d: ResourceDescriptor): { name: string; kind: string; group?: string; version?: string; verbs: string[] }[] {
  const subs: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[] = [];
  if (d.hasStatus) subs.push({ name: 'status', kind: d.kind, verbs: ['get', 'patch', 'update'] });
  if (d.scale !== undefined) subs.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  for (const name of d.otherSubresources ?? []) {
    // An Eviction is a policy/v1 object though pods/eviction is in the core group.
    const groupVersion = name === 'eviction' ? { group: 'policy', version: 'v1' } : {};
    subs.push({ name, kind: SUBRESOURCE_KINDS[name] ?? d.kind, ...groupVersion, verbs: SUBRESOURCE_VERBS[name] ?? ['get'] });
  }
  return subs;
}

const SUBRESOURCE_KINDS: Record<string, string> = { binding: 'Binding', eviction: 'Eviction', log: 'Pod', exec: 'PodExecOptions', attach: 'PodAttachOptions', portforward: 'PodPortForwardOptions', proxy: 'NodeProxyOptions' };
const SUBRESOURCE_VERBS: Record<string, string[]> = { binding: ['create'], eviction: ['create'], log: ['get'], exec: ['create', 'get'], attach: ['create', 'get'], portforward: ['create', 'get'], proxy: ['create', 'delete', 'get', 'patch', 'update'], finalize: ['update'] };

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(registry: Registry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g.group !== '')
      .map((g) => apiGroup(g.group, g.versions)),
  };
}

export function apiGroup(group: string, versions: readonly string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: list, preferredVersion: list[0] };
}

/** The legacy `bindings` collection of core v1: create only, served as pods/binding. */
const LEGACY_BINDINGS = { name: 'bindings', singularName: 'binding', namespaced: true, kind: 'Binding', verbs: ['create'] };

export function apiResourceList(registry: Registry, group: string, version: string): object {
  const resources: object[] = group === '' && version === 'v1' ? [LEGACY_BINDINGS] : [];
  for (const { descriptor: d } of registry.inGroupVersion(group, version)) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: verbsOf(d),
      ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
      ...(d.categories.length > 0 ? { categories: d.categories } : {}),
    });
    for (const sub of subresourcesOf(d)) {
      resources.push({
        name: `${d.plural}/${sub.name}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(sub.group === undefined ? {} : { group: sub.group, version: sub.version }),
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

export type AggregatedVersion = 'v2' | 'v2beta1';

/** Which aggregated discovery the Accept header asks for, if any. */
export function aggregatedVersion(accept: string | undefined): AggregatedVersion | undefined {
  if (accept === undefined) return undefined;
  for (const part of accept.split(',')) {
    if (!/g=apidiscovery\.k8s\.io/.test(part) || !/as=APIGroupDiscoveryList/.test(part)) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$|\s)/.test(part) || /v=v2$/.test(part.trim())) return 'v2';
  }
  return undefined;
}

export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** The APIGroupDiscoveryList for the core group (legacy, for /api) or the named groups (/apis). */
export function aggregatedDiscovery(registry: Registry, version: AggregatedVersion, legacy: boolean): object {
  const items = registry
    .groups()
    .filter((g) => (legacy ? g.group === '' : g.group !== ''))
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: aggregatedResources(registry, g.group, v),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

function aggregatedResources(registry: Registry, group: string, version: string): object[] {
  const legacy = group === '' && version === 'v1'
    ? [{ resource: 'bindings', responseKind: { group: '', version: 'v1', kind: 'Binding' }, scope: 'Namespaced', singularResource: 'binding', verbs: ['create'] }]
    : [];
  return [
    ...legacy,
    ...registry.inGroupVersion(group, version).map(({ descriptor: d }) => ({
      resource: d.plural,
      responseKind: { group: d.group, version: d.version, kind: d.kind },
      scope: d.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: d.singular,
      verbs: verbsOf(d),
      ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
      ...(d.categories.length > 0 ? { categories: d.categories } : {}),
      subresources: subresourcesOf(d).map((sub) => ({
        subresource: sub.name,
        responseKind: { group: sub.group ?? d.group, version: sub.version ?? d.version, kind: sub.kind },
        verbs: sub.verbs,
      })),
    })),
  ];
}
