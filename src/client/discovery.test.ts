// The pure parts of discovery: parsing group versions, filtering by verbs, resource types.
import { describe, expect, it } from 'vitest';
import { discoveredTypes, GroupDiscoveryFailedError, parseGroupVersion, withVerbs, type APIResourceList } from './discovery.js';

const lists: APIResourceList[] = [
  { groupVersion: 'v1', resources: [
    { name: 'pods', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'] },
    { name: 'bindings', namespaced: true, kind: 'Binding', verbs: ['create'] },
    { name: 'nodes', namespaced: false, kind: 'Node', verbs: ['delete', 'list', 'watch'] },
  ] },
  { groupVersion: 'apps/v1', resources: [{ name: 'deployments', namespaced: true, kind: 'Deployment', verbs: ['delete', 'list'] }] },
  { groupVersion: 'bad/group/version', resources: [{ name: 'things', namespaced: true, kind: 'Thing', verbs: ['delete'] }] },
];

describe('discovery helpers', () => {
  it('parseGroupVersion as apimachinery', () => {
    expect(parseGroupVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(parseGroupVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(() => parseGroupVersion('a/b/c')).toThrow('unexpected GroupVersion string: a/b/c');
  });

  it('withVerbs keeps resources that serve every verb, and drops empty lists', () => {
    expect(withVerbs(lists, ['delete', 'list', 'watch']).map((l) => [l.groupVersion, l.resources.map((r) => r.name)])).toEqual([['v1', ['pods', 'nodes']]]);
  });

  it('discoveredTypes turns lists into resource types and reports a group version that does not parse', () => {
    const { types, error } = discoveredTypes(withVerbs(lists, ['delete']));
    expect(types.map((t) => `${t.group}/${t.version}/${t.plural}:${String(t.namespaced)}`)).toEqual(['/v1/pods:true', '/v1/nodes:false', 'apps/v1/deployments:true']);
    expect(error?.message).toBe('unexpected GroupVersion string: bad/group/version');
  });

  it('GroupDiscoveryFailedError words the failures as client-go, sorted', () => {
    const error = new GroupDiscoveryFailedError(new Map([['z/v1', new Error('x')], ['a/v1', new Error('y')]]));
    expect(error.message).toBe('unable to retrieve the complete list of server APIs: a/v1: y, z/v1: x');
  });
});
