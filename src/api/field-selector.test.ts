import { describe, expect, it } from 'vitest';
import {
  FieldMatcher,
  FieldSelectorError,
  escapeFieldValue,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldValue,
} from './field-selector.js';

describe('parseFieldSelector', () => {
  // [input, requirements, toString()]
  it.each([
    ['', [], ''],
    [',,', [], ''],
    ['a=b', [{ field: 'a', operator: '=', value: 'b' }], 'a=b'],
    ['a==b', [{ field: 'a', operator: '=', value: 'b' }], 'a=b'],
    ['a!=b', [{ field: 'a', operator: '!=', value: 'b' }], 'a!=b'],
    ['a=', [{ field: 'a', operator: '=', value: '' }], 'a='],
    ['=b', [{ field: '', operator: '=', value: 'b' }], '=b'],
    [
      'spec.nodeName=n1,metadata.name==p',
      [
        { field: 'metadata.name', operator: '=', value: 'p' },
        { field: 'spec.nodeName', operator: '=', value: 'n1' },
      ],
      'metadata.name=p,spec.nodeName=n1',
    ],
    ['a=b\\,c', [{ field: 'a', operator: '=', value: 'b,c' }], 'a=b\\,c'],
    ['a=b\\=c', [{ field: 'a', operator: '=', value: 'b=c' }], 'a=b\\=c'],
    ['a=b\\\\', [{ field: 'a', operator: '=', value: 'b\\' }], 'a=b\\\\'],
    ['a!b=c', [{ field: 'a!b', operator: '=', value: 'c' }], 'a!b=c'],
    ['a =b', [{ field: 'a ', operator: '=', value: 'b' }], 'a =b'],
    ['a\\,b=c', [{ field: 'a\\,b', operator: '=', value: 'c' }], 'a\\,b=c'],
  ])('%j', (input, reqs, str) => {
    const m = parseFieldSelector(input);
    expect(m.requirements).toEqual(reqs);
    expect(m.toString()).toBe(str);
  });

  it.each([
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['a=b,x', "invalid selector: 'a=b,x'; can't understand 'x'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('%j fails with upstream message', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(new FieldSelectorError(message));
  });

  it('errors carry a stable code', () => {
    try {
      parseFieldSelector('nope');
      expect.unreachable();
    } catch (e) {
      expect((e as FieldSelectorError).code).toBe('InvalidFieldSelector');
    }
  });
});

describe('FieldMatcher.matches', () => {
  const pod = { 'metadata.name': 'p1', 'metadata.namespace': 'default', 'spec.nodeName': '', 'status.phase': 'Running' };
  it.each([
    ['', true],
    ['metadata.name=p1', true],
    ['metadata.name=p2', false],
    ['metadata.name!=p2', true],
    ['metadata.name!=p1', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['status.phase=Running,metadata.namespace=default', true],
    ['status.phase=Running,metadata.namespace=kube-system', false],
    ['unknown=', true],
    ['unknown!=x', true],
    ['unknown=x', false],
  ])('%j -> %s', (sel, want) => {
    expect(parseFieldSelector(sel).matches(pod)).toBe(want);
  });

  it('does not see inherited properties', () => {
    expect(parseFieldSelector('toString=').matches({})).toBe(true);
  });
});

describe('FieldMatcher helpers', () => {
  it('isEmpty and requiresExactMatch', () => {
    expect(FieldMatcher.everything().isEmpty()).toBe(true);
    const m = parseFieldSelector('metadata.name==x,spec.nodeName!=y');
    expect(m.isEmpty()).toBe(false);
    expect(m.requiresExactMatch('metadata.name')).toBe('x');
    expect(m.requiresExactMatch('spec.nodeName')).toBeUndefined();
    expect(m.requiresExactMatch('other')).toBeUndefined();
  });

  it('fieldSelectorFromSet', () => {
    const m = fieldSelectorFromSet({ 'metadata.name': 'a,b' });
    expect(m.toString()).toBe('metadata.name=a\\,b');
    expect(m.matches({ 'metadata.name': 'a,b' })).toBe(true);
    expect(parseFieldSelector(m.toString()).matches({ 'metadata.name': 'a,b' })).toBe(true);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
    ['\\,=', '\\\\\\,\\='],
  ])('escape %j <-> %j', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });
});
