import { describe, expect, it } from 'vitest';
import {
  type FieldError,
  FieldErrorType,
  FieldPath,
  aggregateMessage,
  duplicate,
  fieldErrorBody,
  fieldErrorMessage,
  forbidden,
  internalError,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
  tooLongCharacters,
  tooMany,
  tooShort,
  typeInvalid,
} from './field-errors.js';

describe('FieldPath', () => {
  it.each([
    [FieldPath.root('metadata'), 'metadata'],
    [FieldPath.root('metadata').child('name'), 'metadata.name'],
    [FieldPath.root('metadata', 'labels'), 'metadata.labels'],
    [FieldPath.root('spec').child('containers').index(0).child('image'), 'spec.containers[0].image'],
    [FieldPath.root('spec').child('template', 'spec').child('volumes').index(12), 'spec.template.spec.volumes[12]'],
    [FieldPath.root('metadata').child('annotations').key('a/b'), 'metadata.annotations[a/b]'],
    [FieldPath.root('values').index(0).key('app'), 'values[0][app]'],
  ])('%s', (path, want) => {
    expect(path.toString()).toBe(want);
    expect(String(path)).toBe(want);
  });

  it('is immutable', () => {
    const base = FieldPath.root('spec');
    base.child('x');
    expect(base.toString()).toBe('spec');
  });
});

describe('rendering, as upstream field.Error.Error()', () => {
  const p = FieldPath.root('metadata').child('name');
  it.each<[FieldError, string]>([
    [required(FieldPath.root('spec', 'containers').index(0).child('name')), 'spec.containers[0].name: Required value'],
    [required(p, 'name or generateName is required'), 'metadata.name: Required value: name or generateName is required'],
    [invalid(p, 'Foo', 'must be lowercase'), 'metadata.name: Invalid value: "Foo": must be lowercase'],
    [invalid(p, '', 'x'), 'metadata.name: Invalid value: "": x'],
    [invalid(p, 'a"b\\c\n\t\x00é', 'x'), 'metadata.name: Invalid value: "a\\"b\\\\c\\n\\t\\x00é": x'],
    [invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [invalid('spec.x', 1.5, ''), 'spec.x: Invalid value: 1.5'],
    [invalid('spec.x', true, 'no'), 'spec.x: Invalid value: true: no'],
    [invalid('spec.x', 10n, 'no'), 'spec.x: Invalid value: 10: no'],
    [invalid('spec.x', null, 'no'), 'spec.x: Invalid value: null: no'],
    [invalid('spec.x', undefined, 'no'), 'spec.x: Invalid value: null: no'],
    [invalid('spec.x', ['a', 'b'], 'no'), 'spec.x: Invalid value: ["a","b"]: no'],
    [invalid('spec.x', { k: 'v' }, 'no'), 'spec.x: Invalid value: {"k":"v"}: no'],
    [invalid(null, 'Key', 'bad'), '<nil>: Invalid value: "Key": bad'],
    [typeInvalid('spec.x', 'abc', 'must be an integer'), 'spec.x: Invalid value: "abc": must be an integer'],
    [notFound('spec.x', 'thing'), 'spec.x: Not found: "thing"'],
    [duplicate('spec.ports[1].name', 'http'), 'spec.ports[1].name: Duplicate value: "http"'],
    [
      notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']),
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ],
    [notSupported('spec.x', 'y', []), 'spec.x: Unsupported value: "y"'],
    [forbidden('metadata.namespace', 'not allowed on this type'), 'metadata.namespace: Forbidden: not allowed on this type'],
    [tooLong('metadata.annotations', 262144), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
    [tooLong('x', 1), 'x: Too long: may not be more than 1 byte'],
    [tooLong('x', -1), 'x: Too long: value is too long'],
    [tooLongCharacters('x', 5), 'x: Too long: may not be more than 5 characters'],
    [tooShort('x', 'ab', 3), 'x: Too short: must be at least 3 characters'],
    [tooMany('spec.items', 5, 3), 'spec.items: Too many: 5: must have at most 3 items'],
    [tooMany('spec.items', 2, 1), 'spec.items: Too many: 2: must have at most 1 item'],
    [tooMany('spec.items', -1, -1), 'spec.items: Too many: has too many items'],
    [internalError('spec', new Error('boom')), 'spec: Internal error: boom'],
  ])('%#', (err, want) => {
    expect(fieldErrorMessage(err)).toBe(want);
  });

  it('keeps the reason strings upstream puts in Status causes', () => {
    expect(required('a').type).toBe('FieldValueRequired');
    expect(invalid('a', 1, '').type).toBe(FieldErrorType.Invalid);
    expect(internalError('a', new Error('x')).type).toBe('InternalError');
    expect(fieldErrorBody(forbidden('a', 'nope'))).toBe('Forbidden: nope');
  });
});

describe('aggregateMessage', () => {
  const a = required('a');
  const b = forbidden('b', 'no');
  it.each<[FieldError[], string]>([
    [[], ''],
    [[a], 'a: Required value'],
    [[a, a], 'a: Required value'],
    [[a, b], '[a: Required value, b: Forbidden: no]'],
    [[a, b, a], '[a: Required value, b: Forbidden: no]'],
  ])('%#', (errs, want) => {
    expect(aggregateMessage(errs)).toBe(want);
  });
});
