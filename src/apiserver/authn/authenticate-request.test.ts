import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from './authenticate-request.js';
import { unauthorizedStatus } from './unauthorized.js';
import { UnionAuthenticator } from './union.js';
import { AuthenticationError, type Authenticator, type UserInfo } from './types.js';

const request = (method: string, url: string) => ({ method, url, headers: {} }) as IncomingMessage;
const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const fixed = (result: UserInfo | undefined | Error): Authenticator => ({
  authenticate: () => {
    if (result instanceof Error) throw result;
    return result;
  },
});
const later = (result: UserInfo | undefined | Error): Authenticator => ({
  authenticate: () => (result instanceof Error ? Promise.reject(result) : Promise.resolve(result)),
});
const invalid = (message: string) => new AuthenticationError('InvalidToken', message);

describe('UnionAuthenticator', () => {
  it('returns the first user found, sync or async', async () => {
    const union = new UnionAuthenticator({ authenticators: [fixed(undefined), later(alice), fixed({ name: 'bob', groups: [] })] });
    await expect(union.authenticate(request('GET', '/api'))).resolves.toEqual(alice);
  });

  it('lets a later authenticator succeed after one rejected its credentials', async () => {
    const union = new UnionAuthenticator({ authenticators: [fixed(invalid('bad')), later(alice)] });
    await expect(union.authenticate(request('GET', '/api'))).resolves.toEqual(alice);
  });

  it('rejects when none succeeds and one rejected; undefined when none had credentials', async () => {
    await expect(
      new UnionAuthenticator({ authenticators: [fixed(undefined), later(invalid('bad token'))] }).authenticate(request('GET', '/')),
    ).rejects.toThrow('bad token');
    await expect(
      new UnionAuthenticator({ authenticators: [fixed(invalid('a')), later(invalid('b'))] }).authenticate(request('GET', '/')),
    ).rejects.toThrow('a; b');
    await expect(new UnionAuthenticator({ authenticators: [fixed(undefined)] }).authenticate(request('GET', '/'))).resolves.toBeUndefined();
  });

  it('does not mistake a bug for bad credentials', async () => {
    const union = new UnionAuthenticator({ authenticators: [fixed(new RangeError('boom')), later(alice)] });
    await expect(union.authenticate(request('GET', '/'))).rejects.toThrow(RangeError);
  });
});

describe('authenticateRequest', () => {
  it('authenticates, lets anonymous reach health and version only, and rejects the rest', async () => {
    await expect(authenticateRequest(fixed(alice), request('GET', '/api'))).resolves.toEqual({ outcome: 'authenticated', user: alice });
    await expect(authenticateRequest(fixed(undefined), request('GET', '/livez/ping'))).resolves.toEqual({
      outcome: 'anonymous',
      user: { name: 'system:anonymous', groups: ['system:unauthenticated'] },
    });
    await expect(authenticateRequest(fixed(undefined), request('GET', '/api'))).resolves.toMatchObject({
      outcome: 'rejected',
      error: { code: 'NoCredentials' },
    });
  });

  it('rejects invalid credentials even on a public path', async () => {
    await expect(authenticateRequest(fixed(invalid('bad')), request('GET', '/healthz'))).resolves.toMatchObject({
      outcome: 'rejected',
      error: { code: 'InvalidToken' },
    });
  });

  it('the 401 body is the Status kube-apiserver sends', () => {
    expect(JSON.stringify(unauthorizedStatus())).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
    );
  });
});
