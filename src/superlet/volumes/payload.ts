// The files a configMap, secret, downwardAPI or projected volume holds (the kubelet's MakePayload):
// every key at the default mode, or only the listed items at their own paths and modes.
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { podFieldValue } from '../pod/field-ref.js';
import { decodeBase64, ownValue } from '../pod/object-source.js';
import { resourceFieldValue, type NodeAllocatable } from '../pod/resources.js';
import { cleanPayloadPath } from './payload-path.js';

export interface FileProjection {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** Relative path (clean, validated) → content. */
export type Payload = Map<string, FileProjection>;

/** The API's default for defaultMode: 0644. */
export const DEFAULT_MODE = 0o644;

function put(payload: Payload, target: string, file: FileProjection): void {
  payload.set(cleanPayloadPath(target), file);
}

function modeOf(mode: number | undefined, defaultMode: number): number {
  return (mode ?? defaultMode) & 0o777;
}

/** A ConfigMap's files; a missing item key fails unless optional. */
export function configMapPayload(items: readonly KeyToPath[] | undefined, cm: ConfigMap, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  const mode = modeOf(undefined, defaultMode);
  if (items === undefined || items.length === 0) {
    for (const [key, value] of Object.entries(cm.data ?? {})) put(payload, key, { data: Buffer.from(value, 'utf8'), mode });
    for (const [key, value] of Object.entries(cm.binaryData ?? {})) put(payload, key, { data: decodeBase64(value), mode });
    return payload;
  }
  for (const item of items) {
    const text = ownValue(cm.data, item.key);
    const binary = ownValue(cm.binaryData, item.key);
    let data: Buffer;
    if (text !== undefined) data = Buffer.from(text, 'utf8');
    else if (binary !== undefined) data = decodeBase64(binary);
    else if (optional) continue;
    else throw new Error(`configmap references non-existent config key: ${item.key}`);
    put(payload, item.path, { data, mode: modeOf(item.mode, defaultMode) });
  }
  return payload;
}

/** A Secret's files (its data base64-decoded); a missing item key fails unless optional. */
export function secretPayload(items: readonly KeyToPath[] | undefined, secret: Secret, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  if (items === undefined || items.length === 0) {
    for (const [key, value] of Object.entries(secret.data ?? {})) put(payload, key, { data: decodeBase64(value), mode: modeOf(undefined, defaultMode) });
    return payload;
  }
  for (const item of items) {
    const value = ownValue(secret.data, item.key);
    if (value === undefined) {
      if (optional) continue;
      throw new Error(`references non-existent secret key: ${item.key}`);
    }
    put(payload, item.path, { data: decodeBase64(value), mode: modeOf(item.mode, defaultMode) });
  }
  return payload;
}

/** The pod's own fields and its containers' resources, one file each. */
export function downwardAPIPayload(items: readonly DownwardAPIVolumeFile[] | undefined, pod: Pod, defaultMode: number, allocatable?: NodeAllocatable): Payload {
  const payload: Payload = new Map();
  for (const item of items ?? []) {
    let value = '';
    if (item.fieldRef) value = podFieldValue(item.fieldRef, pod, { podIP: pod.status?.podIP ?? '', hostIP: pod.status?.hostIP ?? '' });
    else if (item.resourceFieldRef) {
      const name = item.resourceFieldRef.containerName ?? '';
      const container = pod.spec?.containers.find((c) => c.name === name) ?? pod.spec?.initContainers?.find((c) => c.name === name);
      if (container === undefined) throw new Error(`container ${name} not found`);
      value = resourceFieldValue(item.resourceFieldRef, pod, container, allocatable);
    }
    put(payload, item.path, { data: Buffer.from(value, 'utf8'), mode: modeOf(item.mode, defaultMode) });
  }
  return payload;
}
