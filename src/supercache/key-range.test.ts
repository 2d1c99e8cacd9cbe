import { describe, expect, it } from 'vitest';
import { keyInRange, prefixEnd, prefixRange } from './key-range.js';

describe('key ranges', () => {
  it('computes the end of a prefix as etcd does', () => {
    expect(prefixEnd('/registry/pods/')).toBe('/registry/pods0');
    expect(prefixEnd('a')).toBe('b');
    expect(prefixRange('')).toEqual({ key: '\0', rangeEnd: '\0' });
  });

  it('matches single keys, half-open ranges and from-key ranges', () => {
    expect(keyInRange('a', { key: 'a' })).toBe(true);
    expect(keyInRange('ab', { key: 'a' })).toBe(false);
    expect(keyInRange('/p/x', prefixRange('/p/'))).toBe(true);
    expect(keyInRange('/p0', prefixRange('/p/'))).toBe(false);
    expect(keyInRange('/q', prefixRange('/p/'))).toBe(false);
    expect(keyInRange('zzz', { key: 'm', rangeEnd: '\0' })).toBe(true);
    expect(keyInRange('a', { key: 'm', rangeEnd: '\0' })).toBe(false);
  });
});
