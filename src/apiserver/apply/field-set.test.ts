import { describe, expect, it } from 'vitest';
import { compareElements, fieldElement, keyElement, parseElement, printPath, valueElement, FieldPathError } from './field-path.js';
import { FieldSet } from './field-set.js';
import { schemaForKind } from './schema.js';
import { toFieldSet } from './typed-compare.js';

const f = fieldElement;

describe('path elements', () => {
  it('spells keys with sorted fields and canonical values, as upstream serializes them', () => {
    expect(keyElement([['protocol', 'TCP'], ['containerPort', 8080]])).toBe('k:{"containerPort":8080,"protocol":"TCP"}');
    expect(valueElement('x')).toBe('v:"x"');
    expect(parseElement('k:{ "protocol": "TCP", "containerPort": 8080 }')).toBe('k:{"containerPort":8080,"protocol":"TCP"}');
    expect(parseElement('i:3')).toBe('i:3');
    expect(() => parseElement('x:y')).toThrow(FieldPathError);
    expect(() => parseElement('k:[1]')).toThrow(FieldPathError);
    expect(() => parseElement('v:{nope')).toThrow(FieldPathError);
  });

  it('orders fields, then keys, then values, then indexes; keys field by field', () => {
    const elements = ['v:"b"', 'k:{"name":"b"}', 'i:1', 'f:z', 'k:{"name":"a"}', 'f:a', 'v:1', 'k:{"a":1,"b":2}'];
    expect([...elements].sort(compareElements)).toEqual(['f:a', 'f:z', 'k:{"a":1,"b":2}', 'k:{"name":"a"}', 'k:{"name":"b"}', 'v:1', 'v:"b"', 'i:1']);
  });

  it('prints paths as upstream names fields in conflicts', () => {
    expect(printPath([f('spec'), f('replicas')])).toBe('.spec.replicas');
    expect(printPath([f('spec'), f('containers'), keyElement([['name', 'web']]), f('image')])).toBe('.spec.containers[name="web"].image');
    expect(printPath([f('ports'), keyElement([['containerPort', 80], ['protocol', 'TCP']])])).toBe('.ports[containerPort=80,protocol="TCP"]');
    expect(printPath([f('metadata'), f('finalizers'), valueElement('a/b')])).toBe('.metadata.finalizers[="a/b"]');
  });
});

describe('FieldsV1', () => {
  const upstream = { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } } };

  it('reads and writes the encoding of managedFields', () => {
    const set = FieldSet.fromFieldsV1(upstream);
    expect(set.has([f('metadata'), f('labels'), f('app')])).toBe(true);
    expect(set.has([f('metadata'), f('labels')])).toBe(false);
    expect(set.has([f('spec'), f('containers'), 'k:{"name":"web"}'])).toBe(true);
    expect(set.has([f('spec'), f('containers'), 'k:{"name":"web"}', f('image')])).toBe(true);
    expect(set.toFieldsV1()).toEqual(upstream);
    expect(JSON.stringify(set.toFieldsV1())).toBe(JSON.stringify(upstream));
  });

  it('puts "." first and the elements in upstream order', () => {
    const set = FieldSet.of([
      [f('b')],
      [f('a'), 'v:"y"'],
      [f('a'), 'v:"x"'],
      [f('a')],
      [f('a'), f('z')],
    ]);
    expect(JSON.stringify(set.toFieldsV1())).toBe('{"f:a":{".":{},"f:z":{},"v:\\"x\\"":{},"v:\\"y\\"":{}},"f:b":{}}');
  });

  it('refuses what is not a set', () => {
    expect(() => FieldSet.fromFieldsV1([])).toThrow(FieldPathError);
    expect(() => FieldSet.fromFieldsV1({ 'f:a': 1 })).toThrow(FieldPathError);
    expect(() => FieldSet.fromFieldsV1({ 'q:a': {} })).toThrow(FieldPathError);
    expect(FieldSet.fromFieldsV1({}).isEmpty()).toBe(true);
  });

  it('computes union, difference, intersection and recursive difference path by path', () => {
    const a = FieldSet.of([[f('spec'), f('replicas')], [f('spec'), f('paused')], [f('status'), f('replicas')]]);
    const b = FieldSet.of([[f('spec'), f('replicas')], [f('status')]]);
    expect(a.union(b).paths()).toEqual([[f('status')], [f('spec'), f('paused')], [f('spec'), f('replicas')], [f('status'), f('replicas')]]);
    expect(a.difference(b).paths()).toEqual([[f('spec'), f('paused')], [f('status'), f('replicas')]]);
    expect(a.intersection(b).paths()).toEqual([[f('spec'), f('replicas')]]);
    expect(a.recursiveDifference(b).paths()).toEqual([[f('spec'), f('paused')]]);
    // Emptied nodes go: an empty child would encode as a member.
    expect(a.difference(a).toFieldsV1()).toEqual({});
    expect(a.hasBelow([f('spec')])).toBe(true);
    expect(a.below([f('spec')]).paths()).toEqual([[f('paused')], [f('replicas')]]);
  });
});

describe('the fields of an applied configuration', () => {
  it('for a Deployment: keyed containers, env and ports (protocol defaulted), atomic selector, granular labels', () => {
    const config = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'nginx', command: ['a', 'b'], ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }], resources: {} }],
            tolerations: [{ key: 'x', operator: 'Exists' }],
          },
        },
      },
    };
    const set = toFieldSet(config, schemaForKind({ group: 'apps', kind: 'Deployment' }));
    expect(set.toFieldsV1()).toEqual({
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:name': {} },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:command': {},
                'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                'f:resources': {},
              },
            },
            'f:tolerations': {},
          },
        },
      },
    });
  });

  it('for finalizers and owner references: a set of values, atomic items by uid', () => {
    const set = toFieldSet(
      { metadata: { finalizers: ['a', 'b'], ownerReferences: [{ uid: 'u1', kind: 'X', name: 'x', apiVersion: 'v1' }] } },
      schemaForKind({ group: '', kind: 'ConfigMap' }),
    );
    expect(set.toFieldsV1()).toEqual({ 'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} }, 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } } });
  });

  it('for a kind without a schema: maps granular ("." on every map entry), lists atomic', () => {
    const set = toFieldSet({ spec: { size: 3, tags: ['a'], nested: { x: 1 } } }, schemaForKind({ group: 'example.com', kind: 'Widget' }));
    expect(set.toFieldsV1()).toEqual({ 'f:spec': { '.': {}, 'f:nested': { '.': {}, 'f:x': {} }, 'f:size': {}, 'f:tags': {} } });
  });

  it('refuses items without their key and duplicate items, with upstream messages', () => {
    const schema = schemaForKind({ group: '', kind: 'Pod' });
    expect(() => toFieldSet({ spec: { containers: [{ image: 'x' }] } }, schema)).toThrow(
      '.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
    expect(() => toFieldSet({ spec: { containers: [{ name: 'a' }, { name: 'a' }] } }, schema)).toThrow('.spec.containers: duplicate entries for key [name="a"]');
    expect(() => toFieldSet({ metadata: { finalizers: [{}] } }, schema)).toThrow("element 0: associative list without keys has an element that's a map type");
  });
});
