import { describe, expect, it } from 'vitest';
import { goQuote, parseGoInt64, utf8Length } from './go-strings.js';

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀b', 6],
    ['\ud800', 3], // a lone surrogate is replaced by U+FFFD in Go
  ])('%j is %d bytes', (s, n) => {
    expect(utf8Length(s)).toBe(n);
    if (!/[\ud800-\udfff]/u.test(s)) expect(utf8Length(s)).toBe(Buffer.byteLength(s));
  });
});

describe('goQuote (strconv.Quote)', () => {
  it.each([
    ['', '""'],
    ['abc', '"abc"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['\n\r\t', '"\\n\\r\\t"'],
    ['\x07\b\f\v', '"\\a\\b\\f\\v"'],
    ['\x00\x1f\x7f', '"\\x00\\x1f\\x7f"'],
    ['é😀 ', '"é😀 "'],
    ['\u00a0', '"\\u00a0"'],
    ['\u200b', '"\\u200b"'],
    ['\u{e0001}', '"\\U000e0001"'],
  ])('%j -> %s', (s, want) => {
    expect(goQuote(s)).toBe(want);
  });
});

describe('parseGoInt64', () => {
  it.each([
    ['0', 0n],
    ['-5', -5n],
    ['+7', 7n],
    ['007', 7n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', undefined],
    ['', undefined],
    ['1.0', undefined],
    ['1e3', undefined],
    [' 1', undefined],
    ['0x10', undefined],
    ['1_000', undefined],
  ])('%j -> %s', (s, want) => {
    expect(parseGoInt64(s)).toBe(want);
  });
});
