// env valueFrom.fieldRef: the downward API's pod fields, resolved as the kubelet does
// (podFieldSelectorRuntimeValue, ConvertDownwardAPIFieldLabel, fieldpath.ExtractFieldPathAsString).
import type { ObjectFieldSelector, Pod } from 'kubernetes-types/core/v1.js';
import { goQuote } from '../../api/go-strings.js';
import { isQualifiedName } from '../../api/validation/names.js';
import { ContainerConfigError } from './config-error.js';
import { ownValue } from './object-source.js';

/** What the kubelet knows about the pod beyond its spec: addresses the pod's status may not yet carry. */
export interface PodAddresses {
  podIP: string;
  /** All the pod's addresses, the primary first; defaults to [podIP]. */
  podIPs?: string[];
  hostIP: string;
  hostIPs?: string[];
}

const SUPPORTED_FIELDS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/** `metadata.labels['app']` → ['metadata.labels', 'app']; anything else is not subscripted. */
export function splitSubscriptedPath(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** Labels or annotations as the downward API prints a whole map: sorted `key="value"` lines. */
export function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  if (m === undefined) return '';
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${goQuote(ownValue(m, k) ?? '')}`)
    .join('\n');
}

function convertFieldLabel(apiVersion: string, label: string): string {
  if (apiVersion !== 'v1') throw new ContainerConfigError(`unsupported pod version: ${apiVersion}`);
  const sub = splitSubscriptedPath(label);
  if (sub !== undefined) {
    if (sub[0] === 'metadata.annotations' || sub[0] === 'metadata.labels') return label;
    throw new ContainerConfigError(`field label does not support subscript: ${label}`);
  }
  if (SUPPORTED_FIELDS.has(label)) return label;
  // Old v1 clients sent spec.host.
  if (label === 'spec.host') return 'spec.nodeName';
  throw new ContainerConfigError(`field label not supported: ${label}`);
}

function extractMetadataField(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const sub = splitSubscriptedPath(fieldPath);
  if (sub !== undefined) {
    const [path, key] = sub;
    if (path === 'metadata.annotations') {
      const errs = isQualifiedName(key.toLowerCase());
      if (errs.length > 0) throw new ContainerConfigError(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return ownValue(meta.annotations, key) ?? '';
    }
    if (path === 'metadata.labels') {
      const errs = isQualifiedName(key);
      if (errs.length > 0) throw new ContainerConfigError(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return ownValue(meta.labels, key) ?? '';
    }
    throw new ContainerConfigError(`fieldPath ${goQuote(fieldPath)} does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
  }
  throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
}

/** The value of one fieldRef; throws ContainerConfigError with the kubelet's message. */
export function podFieldValue(selector: ObjectFieldSelector, pod: Pod, addresses: PodAddresses): string {
  const path = convertFieldLabel(selector.apiVersion ?? 'v1', selector.fieldPath);
  const podIPs = addresses.podIPs ?? (addresses.podIP === '' ? [] : [addresses.podIP]);
  const hostIPs = addresses.hostIPs ?? (addresses.hostIP === '' ? [] : [addresses.hostIP]);
  switch (path) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIPs[0] ?? addresses.hostIP;
    case 'status.hostIPs':
      return hostIPs.join(',');
    case 'status.podIP':
      return podIPs[0] ?? addresses.podIP;
    case 'status.podIPs':
      return podIPs.join(',');
  }
  return extractMetadataField(pod, path);
}
