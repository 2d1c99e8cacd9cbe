import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BearerTokenAuthenticator, bearerToken } from './bearer-token.js';
import { AuthenticationError } from './types.js';

const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('bearerToken', () => {
  it('reads the token as Kubernetes does', () => {
    expect(bearerToken(request('Bearer abc'))).toBe('abc');
    expect(bearerToken(request('bearer abc'))).toBe('abc');
    expect(bearerToken(request('  Bearer abc  '))).toBe('abc');
    expect(bearerToken(request('Bearer abc extra'))).toBe('abc');
    expect(bearerToken(request('Bearer'))).toBeUndefined();
    expect(bearerToken(request('Bearer  abc'))).toBeUndefined();
    expect(bearerToken(request('Basic YTpi'))).toBeUndefined();
    expect(bearerToken(request())).toBeUndefined();
  });
});

describe('BearerTokenAuthenticator', () => {
  const authenticator = new BearerTokenAuthenticator({
    tokens: [
      { token: 'admin-token', name: 'supernetes-admin', groups: ['system:masters'] },
      { token: 'node-token', name: 'system:node:n1', uid: 'n1', groups: ['system:nodes', 'system:authenticated'] },
    ],
  });

  it('names the user of a known token, in system:authenticated', () => {
    expect(authenticator.authenticate(request('Bearer admin-token'))).toEqual({
      name: 'supernetes-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
    expect(authenticator.authenticate(request('Bearer node-token'))).toEqual({
      name: 'system:node:n1',
      uid: 'n1',
      groups: ['system:nodes', 'system:authenticated'],
    });
  });

  it('has nothing to say without a bearer token, and rejects an unknown one', () => {
    expect(authenticator.authenticate(request())).toBeUndefined();
    expect(authenticator.authenticate(request('Basic YTpi'))).toBeUndefined();
    expect(() => authenticator.authenticate(request('Bearer admin-toke'))).toThrow(AuthenticationError);
    expect(() => authenticator.authenticate(request('Bearer admin-tokenx'))).toThrow(/invalid bearer token/);
  });

  it('hands out copies, so a caller cannot change the next answer', () => {
    const user = authenticator.authenticate(request('Bearer admin-token'));
    user?.groups.push('evil');
    expect(authenticator.authenticate(request('Bearer admin-token'))?.groups).not.toContain('evil');
  });

  it('refuses empty tokens and user names at construction', () => {
    expect(() => new BearerTokenAuthenticator({ tokens: [{ token: '', name: 'x', groups: [] }] })).toThrow(TypeError);
    expect(() => new BearerTokenAuthenticator({ tokens: [{ token: 't', name: '', groups: [] }] })).toThrow(TypeError);
  });
});
