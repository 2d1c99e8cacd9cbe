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

/**
 * A JSON value held as its text, written out as the value itself (JSON.stringify calls toJSON).
 * The watch cache keeps each object's managedFields this way: they are over half of a parsed pod's
 * heap (4.2 of 7.2 KB for a Deployment's replica) and are only ever written out, and a heap of
 * fewer objects costs the garbage collector less, whose pauses are the tail of write latency.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * decodeObject for an object the watch cache holds: metadata.managedFields becomes JsonText. Such
 * objects are only read (GET, lists, watch events) and written out, never handed to a write:
 * writes read the stored object again (ResourceStore.get).
 */
export function decodeCachedObject(value: Buffer, revision: number): KubeObject {
  const object = decodeObject(value, revision);
  const meta = object.metadata;
  if (meta?.managedFields !== undefined) meta.managedFields = new JsonText(JSON.stringify(meta.managedFields)) as unknown as unknown[];
  return object;
}
