import { describe, expect, it } from 'vitest';
import { isAnonymousAllowed } from './anonymous.js';

describe('isAnonymousAllowed', () => {
  it.each([
    ['GET', '/healthz'],
    ['GET', '/livez'],
    ['GET', '/readyz'],
    ['GET', '/version'],
    ['GET', '/version/'],
    ['GET', '/livez/ping'],
    ['GET', '/healthz/poststarthook/start-informers'],
    ['GET', '/readyz?verbose=1&exclude=etcd'],
    ['HEAD', '/healthz'],
  ])('allows %s %s', (method, url) => {
    expect(isAnonymousAllowed(method, url)).toBe(true);
  });

  it.each([
    ['POST', '/healthz'],
    ['DELETE', '/version'],
    ['GET', '/'],
    ['GET', '/api'],
    ['GET', '/apis'],
    ['GET', '/openapi/v2'],
    ['GET', '/metrics'],
    ['GET', '/api/v1/namespaces'],
    ['GET', '/healthzz'],
    ['GET', '/versions'],
    ['GET', '/version/x'],
    ['GET', '/healthz/../api/v1/secrets'],
    ['GET', '/healthz/..%2Fapi'],
    ['GET', '/healthz%2F..%2Fapi'],
    ['GET', '//healthz'],
    ['GET', '/healthz//x'],
    ['GET', 'http://127.0.0.1/healthz'],
    ['GET', '*'],
    ['GET', ''],
    ['get', '/healthz'],
  ])('refuses %s %s', (method, url) => {
    expect(isAnonymousAllowed(method, url)).toBe(false);
  });

  it('refuses a request without method or url', () => {
    expect(isAnonymousAllowed(undefined, '/healthz')).toBe(false);
    expect(isAnonymousAllowed('GET', undefined)).toBe(false);
  });
});
