import { describe, expect, it } from 'vitest';
import { decodeCachedObject, decodeObject, encodeObject, JsonText } from './codec.js';

const pod = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: {
    name: 'web',
    namespace: 'default',
    managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:containers': {} } } }],
  },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
};

describe('decodeCachedObject', () => {
  it('keeps managedFields as text that is written out as the same JSON decodeObject gives', () => {
    const stored = encodeObject(pod);
    const cached = decodeCachedObject(stored, 7);
    expect(cached.metadata?.managedFields).toBeInstanceOf(JsonText);
    expect(JSON.parse(JSON.stringify(cached))).toEqual(decodeObject(stored, 7));
    expect(JSON.stringify(cached.metadata)).toBe(JSON.stringify(decodeObject(stored, 7).metadata));
  });

  it('leaves an object without managedFields as decodeObject does', () => {
    const { managedFields: _none, ...metadata } = pod.metadata;
    const stored = encodeObject({ ...pod, metadata });
    expect(decodeCachedObject(stored, 3)).toEqual(decodeObject(stored, 3));
  });
});
