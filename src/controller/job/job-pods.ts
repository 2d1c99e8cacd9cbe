// The pods a Job makes and how it recognises its own: the labels and selector upstream's API
// server gives a Job (controller-uid, job-name), the controller reference, and the pod built from
// the template with, for an Indexed Job, its completion index (annotation, label, env, hostname).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { labelSelectorFromObject, type LabelMatcher, selectorFromSet } from '../../api/label-selector.js';
import { COMPLETION_INDEX_ANNOTATION, COMPLETION_INDEX_ENV } from './indexes.js';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

/**
 * The labels the API server's Job strategy adds to the template when it generates the selector (no
 * manualSelector). A Job stored without a selector (written before the server generated one) is
 * treated as if it had {controller-uid: uid}, and its pods are labelled accordingly.
 */
export function generatedLabels(job: Readonly<Job>): Record<string, string> {
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  return { [CONTROLLER_UID_LABEL]: uid, [LEGACY_CONTROLLER_UID_LABEL]: uid, [JOB_NAME_LABEL]: name, [LEGACY_JOB_NAME_LABEL]: name };
}

function hasOwnSelector(job: Readonly<Job>): boolean {
  const selector = job.spec?.selector;
  return selector !== undefined && (Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0);
}

/** The selector of the Job's pods: its own, or the one upstream would have generated. */
export function jobSelector(job: Readonly<Job>): LabelMatcher {
  if (hasOwnSelector(job)) return labelSelectorFromObject(job.spec?.selector);
  return selectorFromSet({ [CONTROLLER_UID_LABEL]: job.metadata?.uid ?? '' });
}

export function controllerRefTo(job: Readonly<Job>): OwnerReference {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name ?? '', uid: job.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The controller reference of an object, if it has one. */
export function controllerRefOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** Upstream podGenerateNameWithIndex: "<job>-<index>-", shortened so a generated name still fits. */
export function generateNameFor(jobName: string, index?: number): string {
  const base = index === undefined ? `${jobName}-` : `${jobName}-${index}-`;
  // Names may be 63 characters (a DNS label for the hostname); 5 random characters follow.
  if (base.length <= 58) return base;
  return index === undefined ? `${jobName.slice(0, 57)}-` : `${jobName.slice(0, 57 - String(index).length - 1)}-${index}-`;
}

/** The pod the Job creates, from its template; with `index` for an Indexed Job. */
export function podForJob(job: Readonly<Job>, index?: number): Pod {
  const template = structuredClone(job.spec?.template ?? {});
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  if (!hasOwnSelector(job)) Object.assign(labels, generatedLabels(job));
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  const spec = template.spec ?? { containers: [] };
  if (index !== undefined) {
    annotations[COMPLETION_INDEX_ANNOTATION] = String(index);
    labels[COMPLETION_INDEX_ANNOTATION] = String(index);
    spec.containers = spec.containers.map(withIndexEnv);
    if (spec.initContainers !== undefined) spec.initContainers = spec.initContainers.map(withIndexEnv);
    if ((spec.hostname ?? '') === '') spec.hostname = `${job.metadata?.name ?? ''}-${index}`;
  }
  const metadata: Pod['metadata'] = {
    generateName: generateNameFor(job.metadata?.name ?? '', index),
    namespace: job.metadata?.namespace ?? 'default',
    labels,
    ownerReferences: [controllerRefTo(job)],
  };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (template.metadata?.finalizers !== undefined) metadata.finalizers = template.metadata.finalizers;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

// Through the downward API, as upstream, so the value is the pod's own annotation.
function withIndexEnv(container: Container): Container {
  if ((container.env ?? []).some((e) => e.name === COMPLETION_INDEX_ENV)) return container;
  const env = [...(container.env ?? []), { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } }];
  return { ...container, env };
}
