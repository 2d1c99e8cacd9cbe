// The Docker labels that make the runtime's state recoverable: a restarted superlet (or a new
// DockerRuntime) finds its sandboxes and containers again from these alone.
import type { PodRef } from '../runtime.js';

export const LABEL = {
  podUid: 'io.supernetes.pod.uid',
  podName: 'io.supernetes.pod.name',
  podNamespace: 'io.supernetes.pod.namespace',
  node: 'io.supernetes.node',
  containerName: 'io.supernetes.container.name',
  attempt: 'io.supernetes.container.attempt',
  kind: 'io.supernetes.kind',
  sandbox: 'io.supernetes.sandbox',
} as const;

/** Annotations travel as labels under this prefix (Docker has no annotations). */
export const ANNOTATION_PREFIX = 'io.supernetes.annotation/';

/** The container name the sandbox carries, as the dockershim's "POD". */
export const SANDBOX_CONTAINER_NAME = 'POD';

export type Kind = 'sandbox' | 'container';

export function podLabels(pod: PodRef, kind: Kind, annotations: Record<string, string> | undefined): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.podUid]: pod.uid,
    [LABEL.podName]: pod.name,
    [LABEL.podNamespace]: pod.namespace,
    [LABEL.node]: pod.nodeName,
    [LABEL.kind]: kind,
  };
  for (const [key, value] of Object.entries(annotations ?? {})) labels[ANNOTATION_PREFIX + key] = value;
  return labels;
}

/** The pod a labelled object belongs to; undefined for objects that are not ours. */
export function podFromLabels(labels: Record<string, string> | undefined): PodRef | undefined {
  if (labels === undefined) return undefined;
  const uid = labels[LABEL.podUid];
  const name = labels[LABEL.podName];
  const namespace = labels[LABEL.podNamespace];
  const nodeName = labels[LABEL.node];
  if (uid === undefined || name === undefined || namespace === undefined || nodeName === undefined) return undefined;
  return { uid, name, namespace, nodeName };
}

export function annotationsFromLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(ANNOTATION_PREFIX)) annotations[key.slice(ANNOTATION_PREFIX.length)] = value;
  }
  return annotations;
}

/** Docker's `label` filters for a node's objects of one kind (optionally one pod). */
export function labelFilters(kind: Kind, filter: { nodeName: string; podUid?: string }): string[] {
  const filters = [`${LABEL.node}=${filter.nodeName}`, `${LABEL.kind}=${kind}`];
  if (filter.podUid !== undefined) filters.push(`${LABEL.podUid}=${filter.podUid}`);
  return filters;
}

/**
 * A readable, unique Docker name in the dockershim's style (k8s_<container>_<pod>_<ns>_<uid>_<attempt>).
 * The random suffix keeps a retried create from colliding with a half-made earlier one; nothing
 * reads the name back, the labels are the truth.
 */
export function dockerName(containerName: string, pod: PodRef, attempt: number): string {
  const safe = (s: string): string => s.replace(/[^a-zA-Z0-9_.-]/g, '-');
  const suffix = Math.random().toString(36).slice(2, 8);
  return `sn_${safe(containerName)}_${safe(pod.name)}_${safe(pod.namespace)}_${safe(pod.uid)}_${attempt}_${suffix}`;
}
