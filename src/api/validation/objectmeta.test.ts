import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { describe, expect, it } from 'vitest';
import { FieldPath, fieldErrorMessage } from './field-errors.js';
import { validateLabelSelector, validateLabels } from './labels.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsPathSegment } from './name-rules.js';
import {
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  annotationsSize,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './objectmeta.js';

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

function messages(errs: ReturnType<typeof validateObjectMeta>): string[] {
  return errs.map(fieldErrorMessage);
}

describe('validateObjectMeta (create)', () => {
  const ns = { namespaced: true };
  const cluster = { namespaced: false };

  it.each<[string, ObjectMeta | undefined, Parameters<typeof validateObjectMeta>[1], string[]]>([
    ['a valid namespaced object', { name: 'web', namespace: 'default' }, ns, []],
    ['a valid cluster object', { name: 'node-1' }, cluster, []],
    ['generateName alone counts as no name yet', { generateName: 'web-', namespace: 'default' }, ns, ['metadata.name: Required value: name or generateName is required']],
    ['a generated name', { generateName: 'web-', name: 'web-x7k2p', namespace: 'default' }, ns, []],
    ['missing metadata', undefined, cluster, ['metadata.name: Required value: name or generateName is required']],
    ['uppercase name', { name: 'Foo', namespace: 'default' }, ns, [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN}`]],
    ['bad generateName', { generateName: 'Web-', name: 'web-abcde', namespace: 'default' }, ns, [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN}`]],
    ['missing namespace', { name: 'web' }, ns, ['metadata.namespace: Required value']],
    ['bad namespace', { name: 'web', namespace: 'My_NS' }, ns, [`metadata.namespace: Invalid value: "My_NS": ${LABEL}`]],
    ['dotted namespace', { name: 'web', namespace: 'a.b' }, ns, ['metadata.namespace: Invalid value: "a.b": must not contain dots']],
    ['namespace on cluster object', { name: 'n', namespace: 'default' }, cluster, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['label-syntax names', { name: 'a.b' }, { namespaced: false, validateName: nameIsDNSLabel }, ['metadata.name: Invalid value: "a.b": must not contain dots']],
    ['service names', { name: '1svc', namespace: 'd' }, { namespaced: true, validateName: nameIsDNS1035Label }, [`metadata.name: Invalid value: "1svc": ${DNS1035}`]],
    ['rbac names', { name: 'system:admin', namespace: 'd' }, { namespaced: true, validateName: nameIsPathSegment }, []],
    ['rbac names with slash', { name: 'a/b' }, { namespaced: false, validateName: nameIsPathSegment }, ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]],
    ['long name', { name: 'a'.repeat(254) }, cluster, ['metadata.name: Invalid value: "' + 'a'.repeat(254) + '": must be no more than 253 bytes']],
    ['negative generation', { name: 'a', generation: -1 }, cluster, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    ['bad label key', { name: 'a', labels: { 'bad key': 'v' } }, cluster, [`metadata.labels: Invalid value: "bad key": ${KEY_NAME}`]],
    ['bad label value', { name: 'a', labels: { app: 'has space' } }, cluster, [`metadata.labels: Invalid value: "has space": ${VALUE}`]],
    ['annotation keys ignore case', { name: 'a', annotations: { 'Example.com/Key': 'anything at all !' } }, cluster, []],
    ['bad annotation key', { name: 'a', annotations: { 'a b': 'x' } }, cluster, [`metadata.annotations: Invalid value: "a b": ${KEY_NAME}`]],
    [
      'too much annotation data',
      { name: 'a', annotations: { k: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) } },
      cluster,
      ['metadata.annotations: Too long: may not be more than 262144 bytes'],
    ],
    ['finalizers', { name: 'a', finalizers: ['kubernetes', 'example.com/cleanup'] }, cluster, []],
    ['bad finalizer', { name: 'a', finalizers: ['bad finalizer'] }, cluster, [`metadata.finalizers: Invalid value: "bad finalizer": ${KEY_NAME}`]],
    [
      'conflicting finalizers',
      { name: 'a', finalizers: ['orphan', 'foregroundDeletion'] },
      cluster,
      ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set'],
    ],
    [
      'a valid owner',
      { name: 'a', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] },
      cluster,
      [],
    ],
    [
      'an empty owner reference',
      { name: 'a', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] },
      cluster,
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
      ],
    ],
    [
      'an apiVersion with too many slashes has no version',
      { name: 'a', ownerReferences: [{ apiVersion: 'a/b/c', kind: 'K', name: 'n', uid: 'u' }] },
      cluster,
      ['metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty'],
    ],
    [
      'events cannot own',
      { name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] },
      cluster,
      ['metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner'],
    ],
    [
      'two controllers',
      {
        name: 'a',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'one', uid: 'u1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'two', uid: 'u2', controller: true },
        ],
      },
      cluster,
      [
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"one","uid":"u1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"two","uid":"u2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/one and ReplicaSet/two',
      ],
    ],
  ])('%s', (_name, meta, opts, want) => {
    expect(messages(validateObjectMeta(meta, opts))).toEqual(want);
  });

  it('reports every problem at once', () => {
    const errs = validateObjectMeta({ name: 'Bad', labels: { k: '-v' } }, { namespaced: true });
    expect(errs.map((e) => e.field)).toEqual(['metadata.name', 'metadata.namespace', 'metadata.labels']);
    expect(errs.map((e) => e.type)).toEqual(['FieldValueInvalid', 'FieldValueRequired', 'FieldValueInvalid']);
  });

  it('uses a custom metadata path', () => {
    const errs = validateObjectMeta({}, { namespaced: false, path: FieldPath.root('spec', 'template', 'metadata') });
    expect(messages(errs)).toEqual(['spec.template.metadata.name: Required value: name or generateName is required']);
  });
});

describe('annotation size', () => {
  it('counts UTF-8 bytes of keys and values', () => {
    expect(annotationsSize(undefined)).toBe(0);
    expect(annotationsSize({ ab: 'cd', é: 'ü' })).toBe(8);
  });

  it('accepts exactly the limit and rejects one byte more', () => {
    const atLimit = { k: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES - 1) };
    expect(validateObjectMeta({ name: 'a', annotations: atLimit }, { namespaced: false })).toEqual([]);
    const over = { k: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES - 1) + 'é' };
    expect(messages(validateObjectMeta({ name: 'a', annotations: over }, { namespaced: false }))).toEqual([
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 3,
    creationTimestamp: '2024-01-01T00:00:00Z',
  };

  it.each<[string, ObjectMeta, ObjectMeta, string[]]>([
    ['no change', { ...old }, old, []],
    ['labels may change', { ...old, labels: { a: 'b' } }, old, []],
    ['same instant, other spelling', { ...old, creationTimestamp: '2024-01-01T00:00:00+00:00' }, old, []],
    ['renamed', { ...old, name: 'db' }, old, ['metadata.name: Invalid value: "db": field is immutable']],
    ['moved', { ...old, namespace: 'other' }, old, ['metadata.namespace: Invalid value: "other": field is immutable']],
    ['uid', { ...old, uid: 'u2' }, old, ['metadata.uid: Invalid value: "u2": field is immutable']],
    [
      'creationTimestamp',
      { ...old, creationTimestamp: '2025-01-01T00:00:00Z' },
      old,
      ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'],
    ],
    ['deletionTimestamp set by a client', { ...old, deletionTimestamp: '2025-01-01T00:00:00Z' }, old, [
      'metadata.deletionTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    ]],
    ['grace period', { ...old, deletionGracePeriodSeconds: 30 }, old, ['metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable']],
    ['no resourceVersion', { ...old, resourceVersion: '' }, old, ['metadata.resourceVersion: Invalid value: "": must be specified for an update']],
    ['generation decremented', { ...old, generation: 2 }, old, ['metadata.generation: Invalid value: 2: must not be decremented']],
    ['bad label on update', { ...old, labels: { 'a b': 'c' } }, old, [`metadata.labels: Invalid value: "a b": ${KEY_NAME}`]],
    [
      'new finalizer while deleting',
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['a/x', 'b/y', 'a/x'] },
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['a/x'] },
      ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b/y"}'],
    ],
    [
      'removing finalizers while deleting is fine',
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: [] },
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['a/x'] },
      [],
    ],
  ])('%s', (_name, next, prev, want) => {
    expect(messages(validateObjectMetaUpdate(next, prev))).toEqual(want);
  });
});

describe('labels and label selector objects', () => {
  const p = FieldPath.root('spec', 'selector');
  it('validateLabels accepts good labels', () => {
    expect(validateLabels({ app: 'web', 'example.com/tier': '', n: '1' }, FieldPath.root('metadata', 'labels'))).toEqual([]);
  });

  it.each([
    [{ matchLabels: { app: 'web' } }, []],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, []],
    [
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Gt', values: ['1'] }] },
      ['spec.selector.matchExpressions[1].operator: Invalid value: "Gt": not a valid selector operator'],
    ],
    [{ matchExpressions: [{ key: '-a', operator: 'Exists' }] }, [`spec.selector.matchExpressions[0].key: Invalid value: "-a": ${KEY_NAME}`]],
    [{ matchLabels: { app: '-x' } }, [`spec.selector.matchLabels: Invalid value: "-x": ${VALUE}`]],
  ])('%j', (selector, want) => {
    expect(validateLabelSelector(selector, p).map(fieldErrorMessage)).toEqual(want);
  });

  it('a missing selector is not this function’s concern', () => {
    expect(validateLabelSelector(undefined, p)).toEqual([]);
    expect(validateLabelSelector(null, p)).toEqual([]);
  });
});
