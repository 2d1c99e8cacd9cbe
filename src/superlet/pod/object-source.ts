// How the superlet reads the ConfigMaps and Secrets a pod refers to (env, envFrom, volumes). The
// superlet wires it to its informer caches or to the API server; tests pass a map.
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';

export interface PodObjectSource {
  /** The ConfigMap, or undefined when it does not exist; throws when it cannot tell. */
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  /** The Secret, or undefined when it does not exist; throws when it cannot tell. */
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** The kubelet's object managers word a missing object this way (group resource "configmap"/"secret"). */
export function notFoundMessage(kind: 'configmap' | 'secret', name: string): string {
  return `${kind} "${name}" not found`;
}

/** Secret data and ConfigMap binaryData travel base64-encoded in JSON. */
export function decodeBase64(value: string): Buffer {
  return Buffer.from(value, 'base64');
}

/** `record[key]` only when the record itself holds it: a key like "constructor" must not reach Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
