import { describe, expect, it } from 'vitest';
import {
  LabelMatcher,
  LabelSelectorError,
  labelSelectorFromObject,
  newRequirement,
  parseLabelSelector,
  requirementToString,
  selectorFromSet,
} from './label-selector.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const KEY_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('parseLabelSelector: accepted syntax and canonical string', () => {
  // [input, toString()] — the string form is sorted by key, values sorted, as upstream.
  it.each([
    ['', ''],
    ['   ', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a==b'],
    ['a!=b', 'a!=b'],
    ['a', 'a'],
    ['!a', '!a'],
    ['a in (x,y)', 'a in (x,y)'],
    ['a in (y,x,y)', 'a in (x,y)'],
    ['a notin (x)', 'a notin (x)'],
    ['a in ()', 'a in ()'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['a in (,b)', 'a in (,b)'],
    ['a in (b,)', 'a in (,b)'],
    ['a=', 'a='],
    ['a=,b', 'a=,b'],
    ['  a  =  b  ,  c  ', 'a=b,c'],
    ['a\t=\nb', 'a=b'],
    ['z=1,a=2,m', 'a=2,m,z=1'],
    ['k=in', 'k=in'],
    ['k in (in,notin)', 'k in (in,notin)'],
    ['a>1', 'a>1'],
    ['a<5', 'a<5'],
    ['example.com/app=web', 'example.com/app=web'],
    // Go's lexer stops an identifier at NUL and eats it; NUL where a token starts ends the input.
    ['a=b\0,c', 'a=b,c'],
    ['a,b\0 \0c', 'a,b'],
    ['a,\0b', 'a,b'],
    ['a=b,!c,d notin (e)', 'a=b,!c,d notin (e)'],
  ])('%j -> %j', (input, expected) => {
    expect(parseLabelSelector(input).toString()).toBe(expected);
  });
});

describe('parseLabelSelector: errors worded as upstream', () => {
  it.each([
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a==!', "unable to parse requirement: found '!', expected: identifier"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['Foo_/bar', `unable to parse requirement: <nil>: Invalid value: "Foo_/bar": prefix part ${SUBDOMAIN_MSG}`],
    ['-a', `unable to parse requirement: <nil>: Invalid value: "-a": ${KEY_NAME_MSG}`],
    ['a=-bad', `unable to parse requirement: values[0][a]: Invalid value: "-bad": ${LABEL_VALUE_MSG}`],
    ['a in (ok,-x)', `unable to parse requirement: values[0][a]: Invalid value: "-x": ${LABEL_VALUE_MSG}`],
    ['a>x', `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a, \0b', "found '', expected: identifier after ','"],
    ['a<-5', `unable to parse requirement: values[0][a]: Invalid value: "-5": ${LABEL_VALUE_MSG}`],
    ['a<99999999999999999999', `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`],
  ])('%j', (input, message) => {
    let err: unknown;
    try {
      parseLabelSelector(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabelSelectorError);
    expect((err as LabelSelectorError).message).toBe(message);
    expect((err as LabelSelectorError).code).toBe('InvalidLabelSelector');
  });

  it('reports key problems joined with "; "', () => {
    expect(() => parseLabelSelector('/x')).toThrow('<nil>: Invalid value: "/x": prefix part must be non-empty');
    expect(() => parseLabelSelector('a/')).toThrow(`<nil>: Invalid value: "a/": name part must be non-empty; ${KEY_NAME_MSG}`);
  });
});

describe('LabelMatcher.matches', () => {
  const web = { app: 'web', tier: 'front', n: '10' };
  it.each([
    ['', web, true],
    ['app=web', web, true],
    ['app==web', web, true],
    ['app=db', web, false],
    ['app!=db', web, true],
    ['app!=web', web, false],
    ['missing!=x', web, true],
    ['app in (db,web)', web, true],
    ['app in (db)', web, false],
    ['missing in (x)', web, false],
    ['app notin (db)', web, true],
    ['app notin (web)', web, false],
    ['missing notin (x)', web, true],
    ['app', web, true],
    ['missing', web, false],
    ['!missing', web, true],
    ['!app', web, false],
    ['app=web,tier=front', web, true],
    ['app=web,tier=back', web, false],
    ['n>9', web, true],
    ['n>10', web, false],
    ['n<11', web, true],
    ['app>1', web, false],
    ['missing>1', web, false],
    ['missing=', web, false],
    ['empty=', { empty: '' }, true],
    ['empty in ()', { empty: '' }, true],
  ])('%j on %j -> %s', (sel, labels, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it('treats undefined labels as none and ignores inherited properties', () => {
    expect(parseLabelSelector('!a').matches(undefined)).toBe(true);
    expect(parseLabelSelector('a').matches(undefined)).toBe(false);
    expect(parseLabelSelector('toString').matches({})).toBe(false);
  });
});

describe('LabelMatcher helpers', () => {
  it('everything and nothing', () => {
    expect(LabelMatcher.everything().matches({ a: 'b' })).toBe(true);
    expect(LabelMatcher.everything().isEmpty()).toBe(true);
    expect(LabelMatcher.nothing().matches({})).toBe(false);
    expect(LabelMatcher.nothing().isEmpty()).toBe(false);
    expect(LabelMatcher.nothing().selectsNothing).toBe(true);
    expect(parseLabelSelector('a').isEmpty()).toBe(false);
  });

  it.each([
    ['a=b', 'a', 'b'],
    ['a==b', 'a', 'b'],
    ['a in (b)', 'a', 'b'],
    ['a in (b,c)', 'a', undefined],
    ['a!=b', 'a', undefined],
    ['a', 'a', undefined],
    ['x=y', 'a', undefined],
  ])('requiresExactMatch(%j, %j) = %j', (sel, key, want) => {
    expect(parseLabelSelector(sel).requiresExactMatch(key)).toBe(want);
  });

  it('exposes sorted requirements', () => {
    expect(parseLabelSelector('b in (y,x),a').requirements).toEqual([
      { key: 'a', operator: 'exists', values: [] },
      { key: 'b', operator: 'in', values: ['x', 'y'] },
    ]);
  });

  it('selectorFromSet requires every label', () => {
    const m = selectorFromSet({ b: '2', a: '1' });
    expect(m.toString()).toBe('a=1,b=2');
    expect(m.matches({ a: '1', b: '2', c: '3' })).toBe(true);
    expect(m.matches({ a: '1' })).toBe(false);
    expect(selectorFromSet(undefined).isEmpty()).toBe(true);
  });
});

describe('newRequirement', () => {
  it.each([
    ['a', '=', [], 'values: Invalid value: []: exact-match compatibility requires one single value'],
    ['a', '!=', ['x', 'y'], 'values: Invalid value: ["x","y"]: exact-match compatibility requires one single value'],
    ['a', 'in', [], "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    ['a', 'exists', ['x'], 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'],
    ['a', 'gt', ['1', '2'], "values: Invalid value: [\"1\",\"2\"]: for 'Gt', 'Lt' operators, exactly one value is required"],
    [
      'Bad Key',
      '=',
      ['ok'],
      `key: Invalid value: "Bad Key": ${KEY_NAME_MSG}`,
    ],
    [
      'a',
      'bogus',
      [],
      'operator: Unsupported value: "bogus": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    ],
  ] as const)('%j %j %j', (key, op, values, message) => {
    // The cast lets 'bogus' reach the unsupported-operator branch.
    expect(() => newRequirement(key, op as 'in', values)).toThrow(message);
  });

  it('aggregates several problems in brackets', () => {
    expect(() => newRequirement('-k', '=', ['a', '-b'])).toThrow(
      `[key: Invalid value: "-k": ${KEY_NAME_MSG}, values: Invalid value: ["a","-b"]: exact-match compatibility requires one single value, values[1][-k]: Invalid value: "-b": ${LABEL_VALUE_MSG}]`,
    );
  });

  it('renders requirements as upstream Requirement.String', () => {
    expect(requirementToString({ key: 'a', operator: 'notin', values: ['z', 'b'] })).toBe('a notin (b,z)');
    expect(requirementToString({ key: 'a', operator: 'lt', values: ['3'] })).toBe('a<3');
    expect(requirementToString({ key: 'a', operator: '!', values: [] })).toBe('!a');
  });
});

describe('labelSelectorFromObject', () => {
  it('null selects nothing, empty selects everything', () => {
    expect(labelSelectorFromObject(null).matches({})).toBe(false);
    expect(labelSelectorFromObject(undefined).selectsNothing).toBe(true);
    expect(labelSelectorFromObject({}).matches({ a: 'b' })).toBe(true);
    expect(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }).isEmpty()).toBe(true);
  });

  it.each([
    [{ matchLabels: { b: '1', a: '2' } }, 'a=2,b=1'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['y', 'x'] }] }, 'a in (x,y)'],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, 'a notin (x)'],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, 'a'],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, '!a'],
    [{ matchLabels: { z: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] }, 'a,z=1'],
  ])('%j -> %j', (obj, expected) => {
    expect(labelSelectorFromObject(obj).toString()).toBe(expected);
  });

  it('matches like the equivalent string selector', () => {
    const m = labelSelectorFromObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
    expect(m.matches({ app: 'web', env: 'dev' })).toBe(true);
    expect(m.matches({ app: 'web', env: 'prod' })).toBe(false);
    expect(m.matches({ app: 'db' })).toBe(false);
  });

  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'toString' }] }, '"toString" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'],
    [{ matchLabels: { a: 'bad value' } }, `values[0][a]: Invalid value: "bad value": ${LABEL_VALUE_MSG}`],
  ])('rejects %j', (obj, message) => {
    expect(() => labelSelectorFromObject(obj)).toThrow(new LabelSelectorError(message));
  });
});
