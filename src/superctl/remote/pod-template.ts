// Where a workload keeps its pod spec: a Pod's own spec, a controller's spec.template, a
// CronJob's spec.jobTemplate.spec.template. set image and expose read it; patches are built on it.
import type { PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';

type Obj = { kind?: string; spec?: unknown; metadata?: { labels?: Record<string, string> } };

/** The keys from the object's root down to its PodSpec. */
export function podSpecPath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Pod':
      return ['spec'];
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicationController':
      return ['spec', 'template', 'spec'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
    default:
      return undefined;
  }
}

export function podSpecOf(kind: string, obj: Obj): PodSpec | undefined {
  const path = podSpecPath(kind);
  if (path === undefined) return undefined;
  let value: unknown = obj;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value as PodSpec | undefined;
}

/** A patch that sets `leaf` at the pod spec's place in an object of this kind. */
export function patchAtPodSpec(kind: string, leaf: Record<string, unknown>): Record<string, unknown> {
  const path = podSpecPath(kind) ?? ['spec'];
  let patch: Record<string, unknown> = leaf;
  for (const key of [...path].reverse()) patch = { [key]: patch };
  return patch;
}

export function podTemplateOf(obj: { spec?: { template?: PodTemplateSpec } }): PodTemplateSpec | undefined {
  return obj.spec?.template;
}
