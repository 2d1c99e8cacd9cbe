import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue-token.js';

describe('continue tokens', () => {
  it('round-trip in upstream format', () => {
    const token = encodeContinue({ revision: 42, start: 'default/web-1\0' });
    expect(JSON.parse(Buffer.from(token, 'base64').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'default/web-1\0' });
    expect(decodeContinue(token)).toEqual({ revision: 42, start: 'default/web-1\0' });
  });

  it.each([
    ['not base64 json', 'zzzz'],
    ['wrong version', Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: 'a' })).toString('base64')],
    ['no revision', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: 'a' })).toString('base64')],
    ['escaping the prefix', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' })).toString('base64')],
    ['absolute key', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '/registry/x' })).toString('base64')],
  ])('refuses %s with a 400', (_what, token) => {
    expect(() => decodeContinue(token)).toThrow(expect.objectContaining({ code: 400 }));
  });
});
