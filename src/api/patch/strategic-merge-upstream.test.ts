// Cases from k8s.io/apimachinery's strategicpatch tests, rewritten against a table shaped like
// their MergeItem test type: each case is (live object, patch) → stored object or error.

import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from './json-value.js';
import { MERGE_PRIMITIVES, mergeByKey, mergeByKeyRetainKeys, type PatchMetaTable } from './patch-meta.js';
import { patchSchemaFromTable } from './patch-strategies.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

const TABLE: PatchMetaTable = {
  MergeItem: {
    mergingList: mergeByKey('name', 'MergeItem'),
    mergingIntList: MERGE_PRIMITIVES,
    mergeItemPtr: mergeByKey('name', 'MergeItem'),
    replacingItem: { strategy: 'replace' },
    retainKeysMap: { retainKeys: true, type: 'RetainKeysMergeItem' },
    retainKeysMergingList: mergeByKeyRetainKeys('name', 'MergeItem'),
  },
  RetainKeysMergeItem: {
    mergingIntList: MERGE_PRIMITIVES,
    mergingList: mergeByKey('name', 'MergeItem'),
  },
};

const patch = (original: JsonObject, body: Json): JsonObject =>
  applyStrategicMergePatch(original, body, patchSchemaFromTable(TABLE, 'MergeItem'));

const cases: { name: string; original: JsonObject; patch: JsonObject; result: JsonObject }[] = [
  {
    name: 'unique scalars when merging lists',
    original: { mergingIntList: [1, 2] },
    patch: { mergingIntList: [2, 3] },
    result: { mergingIntList: [1, 2, 3] },
  },
  {
    name: 'delete map from nested map',
    original: { simpleMap: { key1: 1, key2: 1 } },
    patch: { simpleMap: { $patch: 'delete' } },
    result: { simpleMap: {} },
  },
  {
    name: 'delete all items from merging list',
    original: { mergingList: [{ name: 1 }, { name: 2 }] },
    patch: { mergingList: [{ $patch: 'replace' }] },
    result: { mergingList: [] },
  },
  { name: 'merge empty merging lists', original: { mergingList: [] }, patch: { mergingList: [] }, result: { mergingList: [] } },
  { name: 'delete all keys from map', original: { name: 1, value: 1 }, patch: { $patch: 'replace' }, result: {} },
  {
    name: 'add key and delete all keys from map',
    original: { name: 1, value: 1 },
    patch: { other: 'a', $patch: 'replace' },
    result: { other: 'a' },
  },
  {
    name: 'delete all duplicate entries in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    patch: { mergingList: [{ name: 1, $patch: 'delete' }, { name: 3, $patch: 'delete' }] },
    result: { mergingList: [{ name: 2, value: 'a' }] },
  },
  {
    name: 'retainKeys map can delete a field when no retainKeys directive present',
    original: { retainKeysMap: { name: 'foo', value: 'a' } },
    patch: { retainKeysMap: { value: null } },
    result: { retainKeysMap: { name: 'foo' } },
  },
  {
    name: 'retainKeys list can change a field when no retainKeys directive present',
    original: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
    result: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
  },
  {
    name: 'preserve the order from the patch in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] },
    result: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }] },
  },
  {
    name: 'preserve the order from the patch in a merging list 2',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] },
    result: { mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }] },
  },
  {
    name: 'preserve the order from the patch in a merging int list',
    original: { mergingIntList: [1, 2, 3] },
    patch: { mergingIntList: [3, 1] },
    result: { mergingIntList: [2, 3, 1] },
  },
  {
    name: '$setElementOrder contains an item that is not in the list to be merged',
    original: { mergingList: [{ name: 1 }, { name: 3 }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }],
    },
    result: { mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
  },
  {
    name: '$setElementOrder alone reorders an int list',
    original: { mergingIntList: [1, 3] },
    patch: { '$setElementOrder/mergingIntList': [3, 2, 1] },
    result: { mergingIntList: [3, 1] },
  },
  {
    name: '$deleteFromPrimitiveList of an absent item leaves the list alone',
    original: { mergingIntList: [1, 2] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2] },
  },
  {
    name: '$deleteFromPrimitiveList on a null list keeps it null',
    original: { mergingIntList: null },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: null },
  },
  {
    name: '$deleteFromPrimitiveList on a missing list does not add it',
    original: { foo: ['bar'] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { foo: ['bar'] },
  },
  {
    name: '$deleteFromPrimitiveList deletes from a list without merge strategy too',
    original: { nonMergingIntList: [1, 2, 3] },
    patch: { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
    result: { nonMergingIntList: [1, 3] },
  },
  {
    name: 'delete duplicate items in lists of scalars, keeping server-only ones',
    original: { mergingIntList: [1, 2, 3, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] },
  },
  {
    name: 'merge lists of maps, server-only elements keeping their place',
    original: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [{ name: 4, value: 4 }, { name: 3, value: 3 }],
    },
    result: {
      mergingList: [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }],
    },
  },
  {
    name: 'nested patch merge with empty list (three-way patch)',
    original: { name: 'hi', mergingList: [{ name: 'hello2' }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }],
      mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }],
    },
    result: { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
  },
  {
    name: 'nested patch merge with empty list (two-way patch, list absent)',
    original: { name: 'hi' },
    patch: { mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
    result: { name: 'hi', mergingList: [{ name: 'hello' }] },
  },
  {
    name: 'defined null values remove original fields and are not stored',
    original: { name: 'original-name', value: 'original-value', other: 'current-other' },
    patch: { name: 'modified-name', value: null, absent: null },
    result: { name: 'modified-name', other: 'current-other' },
  },
  {
    name: '$retainKeys clears the members it does not list',
    original: { retainKeysMap: { name: 'foo', value: 'a', other: 'x' } },
    patch: { retainKeysMap: { $retainKeys: ['name', 'value'], value: 'b' } },
    result: { retainKeysMap: { name: 'foo', value: 'b' } },
  },
  {
    name: '$retainKeys inside a merged list element',
    original: { retainKeysMergingList: [{ name: 'foo', value: 'a', other: 'x' }] },
    patch: { retainKeysMergingList: [{ name: 'foo', $retainKeys: ['name', 'other'], value: null }] },
    result: { retainKeysMergingList: [{ name: 'foo', other: 'x' }] },
  },
  {
    name: 'a replace-strategy map is replaced whole',
    original: { replacingItem: { a: 1, b: { c: 2 } } },
    patch: { replacingItem: { b: { d: 3 } } },
    result: { replacingItem: { b: { d: 3 } } },
  },
  {
    // The new element has no live position, so it goes before the live ones.
    name: 'a nested merging list inside a merged element',
    original: { mergingList: [{ name: 'a', mergingList: [{ name: 'x', value: 1 }] }] },
    patch: { mergingList: [{ name: 'a', mergingList: [{ name: 'y', value: 2 }] }] },
    result: { mergingList: [{ name: 'a', mergingList: [{ name: 'y', value: 2 }, { name: 'x', value: 1 }] }] },
  },
  {
    name: 'a value of another type replaces the live one',
    original: { mergingList: 'text', simpleMap: [1] },
    patch: { mergingList: [{ name: 'a' }], simpleMap: { a: 'b' } },
    result: { mergingList: [{ name: 'a' }], simpleMap: { a: 'b' } },
  },
];

describe('applyStrategicMergePatch, upstream cases', () => {
  it.each(cases)('$name', ({ original, patch: body, result }) => {
    expect(patch(original, body)).toEqual(result);
  });

  const failures: { name: string; original: JsonObject; patch: JsonObject; code: number; message: string | RegExp }[] = [
    {
      name: '$setElementOrder and the patch list disagree',
      original: { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
      patch: {
        '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
        mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }],
      },
      code: 400,
      message: /doesn't match \$setElementOrder list/,
    },
    {
      name: 'an element without its merge key',
      original: { mergingList: [{ name: 1, value: 'a' }] },
      patch: { mergingList: [{ value: 'b' }] },
      code: 400,
      message: 'map: map[value:b] does not contain declared merge key: name',
    },
    {
      name: 'a member outside $retainKeys',
      original: { retainKeysMap: { name: 'foo' } },
      patch: { retainKeysMap: { $retainKeys: ['name'], value: 'b' } },
      code: 400,
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'lists of lists',
      original: { mergingList: [[1]] },
      patch: { mergingList: [[2]] },
      code: 422,
      message: 'the server rejected our request due to an error in our request',
    },
    {
      name: '$patch: merge on a map',
      original: { simpleMap: { a: 'b' } },
      patch: { simpleMap: { $patch: 'merge', c: 'd' } },
      code: 400,
      message: 'unknown patch type: merge in map: map[$patch:merge c:d]',
    },
    {
      name: '$patch: merge on a list element',
      original: { mergingList: [{ name: 1 }] },
      patch: { mergingList: [{ $patch: 'merge' }] },
      code: 400,
      message: 'merging lists cannot yet be specified in the patch',
    },
    {
      name: 'an unknown $patch in a list',
      original: { mergingList: [{ name: 1 }] },
      patch: { mergingList: [{ name: 1, $patch: 'frob' }] },
      code: 400,
      message: 'unknown patch type: frob in map: map[$patch:frob name:1]',
    },
    {
      name: 'elements of different types',
      original: { mergingIntList: [1, 2] },
      patch: { mergingIntList: ['3'] },
      code: 400,
      message: 'list element types are not identical: [[1 2] [3]]',
    },
    {
      name: 'a $deleteFromPrimitiveList without a field',
      original: {},
      patch: { $deleteFromPrimitiveList: [1] },
      code: 400,
      message: 'invalid patch format of primitive list',
    },
    {
      name: 'a $setElementOrder that is not a list',
      original: { mergingList: [] },
      patch: { '$setElementOrder/mergingList': 'x' },
      code: 400,
      message: 'expected a []interface {}, but received a string',
    },
  ];

  it.each(failures)('refuses $name', ({ original, patch: body, code, message }) => {
    expect(() => patch(original, body)).toThrow(expect.objectContaining({ code }));
    const thrown = (() => {
      try {
        patch(original, body);
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(thrown?.message).toMatch(message);
  });
});
