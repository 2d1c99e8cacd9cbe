// Objects are stored as JSON without metadata.resourceVersion: the store's mod revision is the
// resourceVersion, set on the way out, as upstream's etcd3 storage does.
import type { KubeObject } from '../registry/resource.js';

export function encodeObject(object: KubeObject): Buffer {
  const { resourceVersion: _dropped, ...meta } = object.metadata ?? {};
  return Buffer.from(JSON.stringify({ ...object, metadata: meta }));
}

export function decodeObject(value: Buffer, revision: number): KubeObject {
  const object = JSON.parse(value.toString('utf8')) as KubeObject;
  object.metadata = { ...object.metadata, resourceVersion: String(revision) };
  return object;
}
