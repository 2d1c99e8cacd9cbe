import { describe, expect, it } from 'vitest';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  regexError,
} from './names.js';
import { generateName, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment } from './name-rules.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const KEY_NAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('isDNS1123Subdomain', () => {
  it.each([['a'], ['ab'], ['abc'], ['a1'], ['a-1'], ['a--1--2--b'], ['0'], ['01'], ['a.a'], ['1.2.3'], ['a'.repeat(253)], ['example.com']])(
    'accepts %j',
    (v) => expect(isDNS1123Subdomain(v)).toEqual([]),
  );
  it.each([[''], ['A'], ['ABC'], ['aBc'], ['a_b'], ['-a'], ['a-'], ['a..b'], ['.a'], ['a.'], ['a@b'], ['a b'], ['a.-b'], ['é']])(
    'rejects %j',
    (v) => expect(isDNS1123Subdomain(v)).toEqual([SUBDOMAIN]),
  );
  it('reports length and syntax separately, in bytes', () => {
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 bytes']);
    expect(isDNS1123Subdomain('A'.repeat(254))).toEqual(['must be no more than 253 bytes', SUBDOMAIN]);
  });
});

describe('isDNS1123Label', () => {
  it.each([['a'], ['a1'], ['1-a'], ['0'], ['a'.repeat(63)]])('accepts %j', (v) => expect(isDNS1123Label(v)).toEqual([]));
  it.each([[''], ['A'], ['-a'], ['a-'], ['a_b'], ['a b']])('rejects %j', (v) => expect(isDNS1123Label(v)).toEqual([LABEL]));
  it('names dots as the problem when the value is otherwise a subdomain', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('a.B')).toEqual([LABEL]);
  });
  it('limits to 63 bytes', () => {
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
  });
});

describe('isDNS1035Label', () => {
  it.each([['a'], ['ab'], ['a-1'], ['a'.repeat(63)]])('accepts %j', (v) => expect(isDNS1035Label(v)).toEqual([]));
  it.each([[''], ['1a'], ['0'], ['A'], ['a-'], ['a.b']])('rejects %j', (v) => expect(isDNS1035Label(v)).toEqual([DNS1035]));
  it('limits to 63 bytes', () => {
    expect(isDNS1035Label('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
  });
});

describe('isQualifiedName', () => {
  it.each([
    ['simple'],
    ['now-with-dashes'],
    ['1-starts-with-num'],
    ['1234'],
    ['simple/simple'],
    ['now-with-dashes/simple'],
    ['now-with-dashes/now-with-dashes'],
    ['now.with.dots/now-with-dashes'],
    ['now-with.dashes-and.dots/now-with-dashes'],
    ['1234/5678'],
    ['1.2.3.4/5678'],
    ['Uppercase_Is_OK_123'],
    ['example.com/Uppercase_Is_OK_123'],
    ['requests.storage-foo'],
    ['a'.repeat(63)],
    ['a'.repeat(253) + '/' + 'b'.repeat(63)],
  ])('accepts %j', (v) => expect(isQualifiedName(v)).toEqual([]));

  it.each([
    ['', ['name part must be non-empty', KEY_NAME]],
    ['nospecialchars%^=@', [KEY_NAME]],
    ['cantendwithadash-', [KEY_NAME]],
    ['-cantstartwithadash-', [KEY_NAME]],
    ['only/one/slash', [
      "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]],
    ['Example.com/abc', ['prefix part ' + SUBDOMAIN]],
    ['example_com/abc', ['prefix part ' + SUBDOMAIN]],
    ['example.com/', ['name part must be non-empty', KEY_NAME]],
    ['/simple', ['prefix part must be non-empty']],
    ['a'.repeat(64), ['name part must be no more than 63 bytes']],
    ['a'.repeat(254) + '/abc', ['prefix part must be no more than 253 bytes']],
  ])('rejects %j', (v, errs) => expect(isQualifiedName(v)).toEqual(errs));
});

describe('isValidLabelValue', () => {
  it.each([[''], ['simple'], ['now-with-dashes'], ['1-starts-with-num'], ['end-with-num-1'], ['1234'], ['a'.repeat(63)], ['Upper_case.ok']])(
    'accepts %j',
    (v) => expect(isValidLabelValue(v)).toEqual([]),
  );
  it.each([['nospecialchars%^=@'], ['Tama-nui-te-rā.is.Māori.sun'], ['\\backslashes\\are\\bad'], ['-starts-with-dash'], ['ends-with-dash-'], ['.starts.with.dot'], ['ends.with.dot.'], ['a b']])(
    'rejects %j',
    (v) => expect(isValidLabelValue(v)).toEqual([VALUE]),
  );
  it('counts UTF-8 bytes against the 63 limit', () => {
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
    expect(isValidLabelValue('ā'.repeat(32))).toEqual(['must be no more than 63 bytes', VALUE]);
  });
});

describe('path segment names', () => {
  it.each([
    ['ok', []],
    ['.', ["may not be '.'"]],
    ['..', ["may not be '..'"]],
    ['a/b', ["may not contain '/'"]],
    ['a%b', ["may not contain '%'"]],
    ['/%', ["may not contain '/'", "may not contain '%'"]],
    ['...', []],
    ['Anything Else', []],
  ])('%j', (v, errs) => expect(isValidPathSegmentName(v)).toEqual(errs));

  it('prefixes may be . or ..', () => {
    expect(isValidPathSegmentPrefix('.')).toEqual([]);
    expect(isValidPathSegmentPrefix('a/')).toEqual(["may not contain '/'"]);
  });
});

describe('regexError', () => {
  it('formats with and without examples', () => {
    expect(regexError('msg', 'x+')).toBe("msg (regex used for validation is 'x+')");
    expect(regexError('msg', 'x+', 'a')).toBe("msg (e.g. 'a', regex used for validation is 'x+')");
    expect(regexError('msg', 'x+', 'a', 'b')).toBe("msg (e.g. 'a',  or 'b', regex used for validation is 'x+')");
  });
});

describe('name validators', () => {
  it.each([
    // [validator, name, prefix, ok]
    [nameIsDNSSubdomain, 'my.app', false, true],
    [nameIsDNSSubdomain, 'my.app-', false, false],
    [nameIsDNSSubdomain, 'my-app-', true, true],
    // Upstream replaces the last two characters by "a", so the one before the dash is never checked.
    [nameIsDNSSubdomain, 'x.-', true, true],
    [nameIsDNSSubdomain, 'ab_-', true, true],
    [nameIsDNSSubdomain, 'ab_', true, false],
    [nameIsDNSSubdomain, '-', true, false],
    [nameIsDNSSubdomain, 'Bad-', true, false],
    [nameIsDNSLabel, 'web', false, true],
    [nameIsDNSLabel, 'web.x', false, false],
    [nameIsDNSLabel, 'web-', true, true],
    [nameIsDNS1035Label, 'svc', false, true],
    [nameIsDNS1035Label, '1svc', false, false],
    [nameIsDNS1035Label, 'svc-', true, true],
    [nameIsPathSegment, 'system:controller:x', false, true],
    [nameIsPathSegment, '..', false, false],
    [nameIsPathSegment, '..', true, true],
  ] as const)('%#: %j prefix=%s', (fn, name, prefix, ok) => {
    expect(fn(name, prefix).length === 0).toBe(ok);
  });
});

describe('generateName', () => {
  it('appends five characters from the unambiguous alphabet', () => {
    const seq = [0, 0.5, 0.999999, 0.25, 0.75];
    let i = 0;
    const name = generateName('web-', () => seq[i++] ?? 0);
    expect(name).toBe('web-br9j2');
    expect(nameIsDNSSubdomain(name, false)).toEqual([]);
  });

  it('cuts the base so the result fits 63 characters', () => {
    const name = generateName('a'.repeat(70), () => 0);
    expect(name).toHaveLength(63);
    expect(name.startsWith('a'.repeat(58) + 'bbbbb')).toBe(true);
  });

  it('tolerates an out-of-range random source', () => {
    expect(generateName('x-', () => 1)).toBe('x-99999');
    expect(generateName('x-', () => -1)).toBe('x-bbbbb');
  });
});
