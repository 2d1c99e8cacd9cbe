import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from './request-info.js';

const parse = (method: string, url: string): ReturnType<typeof parseRequestInfo> => {
  const u = new URL(url, 'https://x');
  return parseRequestInfo(method, u.pathname, u.searchParams);
};

describe('parseRequestInfo', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', { verb: 'list', group: '', version: 'v1', namespace: 'default', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=true', { verb: 'watch', resource: 'pods', namespace: 'default' }],
    ['GET', '/api/v1/namespaces/default/pods/p1', { verb: 'get', name: 'p1' }],
    ['GET', '/api/v1/namespaces/default/pods/p1?watch=1', { verb: 'watch', name: 'p1' }],
    ['GET', '/api/v1/watch/namespaces/default/pods', { verb: 'watch', resource: 'pods', namespace: 'default' }],
    ['PUT', '/api/v1/namespaces/default/pods/p1/status', { verb: 'update', name: 'p1', subresource: 'status' }],
    ['POST', '/api/v1/namespaces/default/pods', { verb: 'create' }],
    ['DELETE', '/api/v1/namespaces/default/pods', { verb: 'deletecollection' }],
    ['DELETE', '/api/v1/namespaces/default/pods/p1', { verb: 'delete', name: 'p1' }],
    ['PATCH', '/apis/apps/v1/namespaces/ns/deployments/d/scale', { verb: 'patch', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale' }],
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces' }],
    ['GET', '/api/v1/namespaces/kube-system', { verb: 'get', resource: 'namespaces', name: 'kube-system' }],
    ['PUT', '/api/v1/namespaces/ns1/status', { verb: 'update', resource: 'namespaces', name: 'ns1', subresource: 'status' }],
    ['PUT', '/api/v1/namespaces/ns1/finalize', { verb: 'update', resource: 'namespaces', name: 'ns1', subresource: 'finalize' }],
    ['GET', '/api/v1/pods', { verb: 'list', resource: 'pods' }],
    ['GET', '/apis/batch/v1/jobs', { verb: 'list', group: 'batch', resource: 'jobs' }],
  ])('%s %s', (method, url, expected) => {
    expect(parse(method, url)).toMatchObject({ kind: 'resource', ...expected });
  });

  it('leaves non-resource paths alone', () => {
    for (const url of ['/healthz', '/version', '/api', '/apis', '/api/v1', '/apis/apps', '/apis/apps/v1', '/openapi/v3', '/api/v1/namespaces/a/pods/b/c/d']) {
      expect(parse('GET', url).kind, url).toBe('nonResource');
    }
  });

  it('does not take the namespace of a namespace request as a scope', () => {
    expect(parse('GET', '/api/v1/namespaces/default')).not.toHaveProperty('namespace');
  });
});
