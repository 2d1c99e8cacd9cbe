// apps/v1 deployments and replicasets, batch/v1 jobs and cronjobs: defaults, the checks that
// matter (a selector that matches the template), scale, and kubectl's columns.
import { invalid, type FieldCause } from '../../../api/api-errors.js';
import type { KubeObject, ResourceDescriptor } from '../resource.js';
import { AGE_COLUMN, ageOf, column, field, list, NAME_COLUMN, nameOf, num, str, WORKLOAD_WIDE_COLUMNS, workloadWideCells } from './columns.js';
import { defineResource } from './define.js';
import { defaultPodSpec, validatePodSpec } from './pod-spec.js';
import { age } from '../../tables/table.js';

type Spec = Record<string, unknown>;

function defaultTemplate(spec: Spec): void {
  const template = (spec.template ?? {}) as Spec;
  template.spec = defaultPodSpec(template.spec);
  template.metadata ??= {};
  spec.template = template;
}

/** The selector must be given and must match the template's labels (upstream's message). */
function validateSelector(spec: Spec, path: string): FieldCause[] {
  const selector = spec.selector as { matchLabels?: Record<string, string> } | undefined;
  const labels = (field(spec, 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
  if (selector === undefined || (Object.keys(selector.matchLabels ?? {}).length === 0 && list(field(selector, 'matchExpressions')).length === 0)) {
    return [{ reason: 'FieldValueRequired', field: `${path}.selector`, message: `${path}.selector: Required value` }];
  }
  const matches =
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    list(field(selector, 'matchExpressions')).every((e) => {
      const key = str(field(e, 'key'));
      const values = list(field(e, 'values')).map(String);
      switch (str(field(e, 'operator'))) {
        case 'In':
          return values.includes(labels[key] ?? '\0');
        case 'NotIn':
          return !values.includes(labels[key] ?? '\0');
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
        default:
          return false;
      }
    });
  if (matches) return [];
  const shown = Object.entries(labels).map(([k, v]) => `"${k}":"${v}"`).join(',');
  return [
    {
      reason: 'FieldValueInvalid',
      field: `${path}.template.metadata.labels`,
      message: `${path}.template.metadata.labels: Invalid value: map[string]string{${shown}}: \`selector\` does not match template \`labels\``,
    },
  ];
}

function validateTemplated(object: KubeObject, needsSelector = true): FieldCause[] {
  const spec = (object.spec ?? {}) as Spec;
  const causes: FieldCause[] = needsSelector ? validateSelector(spec, 'spec') : [];
  causes.push(...validatePodSpec(field(spec, 'template', 'spec'), 'spec.template.spec'));
  const replicas = spec.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` });
  }
  return causes;
}

function selectorImmutable(object: KubeObject, old: KubeObject): FieldCause[] {
  if (JSON.stringify(field(object, 'spec', 'selector')) === JSON.stringify(field(old, 'spec', 'selector'))) return [];
  return [{ reason: 'FieldValueInvalid', field: 'spec.selector', message: `spec.selector: Invalid value: ${JSON.stringify(field(object, 'spec', 'selector'))}: field is immutable` }];
}

const scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };

export const deployments: ResourceDescriptor = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  hasStatus: true,
  scale,
  columns: [
    NAME_COLUMN,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', 'integer'),
    column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', 'integer'),
    AGE_COLUMN,
    ...WORKLOAD_WIDE_COLUMNS,
  ],
  strategy: {
    defaults: (d) => {
      const spec = (d.spec ?? {}) as Spec;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      const strategy = (spec.strategy ?? {}) as Spec;
      strategy.type ??= 'RollingUpdate';
      if (strategy.type === 'RollingUpdate') strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...(strategy.rollingUpdate as Spec | undefined) };
      spec.strategy = strategy;
      defaultTemplate(spec);
      d.spec = spec;
    },
    validate: (d) => validateTemplated(d),
    validateUpdate: selectorImmutable,
    cells: (d) => [
      nameOf(d),
      `${num(field(d, 'status', 'readyReplicas'))}/${num(field(d, 'spec', 'replicas'))}`,
      num(field(d, 'status', 'updatedReplicas')),
      num(field(d, 'status', 'availableReplicas')),
      ageOf(d),
      ...workloadWideCells(field(d, 'spec', 'template'), field(d, 'spec', 'selector')),
    ],
  },
});

export const replicasets: ResourceDescriptor = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  hasStatus: true,
  scale,
  columns: [
    NAME_COLUMN,
    column('Desired', 'Number of desired pods in a ReplicaSet.', 'integer'),
    column('Current', 'Number of actual running pods in a ReplicaSet.', 'integer'),
    column('Ready', 'Number of ready pods in a ReplicaSet.', 'integer'),
    AGE_COLUMN,
    ...WORKLOAD_WIDE_COLUMNS,
  ],
  strategy: {
    defaults: (rs) => {
      const spec = (rs.spec ?? {}) as Spec;
      spec.replicas ??= 1;
      defaultTemplate(spec);
      rs.spec = spec;
    },
    validate: (rs) => validateTemplated(rs),
    validateUpdate: selectorImmutable,
    cells: (rs) => [
      nameOf(rs),
      num(field(rs, 'spec', 'replicas')),
      num(field(rs, 'status', 'replicas')),
      num(field(rs, 'status', 'readyReplicas')),
      ageOf(rs),
      ...workloadWideCells(field(rs, 'spec', 'template'), field(rs, 'spec', 'selector')),
    ],
  },
});

function jobStatus(job: KubeObject): string {
  const conditions = list(field(job, 'status', 'conditions')).filter((c) => field(c, 'status') === 'True');
  const types = conditions.map((c) => str(field(c, 'type')));
  if (types.includes('Complete')) return 'Complete';
  if (types.includes('Failed')) return 'Failed';
  if (types.includes('Suspended')) return 'Suspended';
  if (types.includes('FailureTarget')) return 'FailureTarget';
  if (types.includes('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobDuration(job: KubeObject): unknown {
  const start = str(field(job, 'status', 'startTime'));
  if (start === '') return '';
  const end = str(field(job, 'status', 'completionTime'));
  if (end === '') return age(start);
  const seconds = Math.round((Date.parse(end) - Date.parse(start)) / 1000);
  return seconds < 120 ? `${seconds}s` : `${Math.floor(seconds / 60)}m`;
}

function defaultJobSpec(spec: Spec): void {
  spec.parallelism ??= 1;
  spec.completions ??= spec.parallelism === 1 || spec.completions !== undefined ? 1 : spec.completions;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  spec.manualSelector ??= undefined;
  defaultTemplate(spec);
  const template = spec.template as Spec;
  const podSpec = template.spec as Spec;
  if (podSpec.restartPolicy === 'Always') podSpec.restartPolicy = 'Never';
}

/**
 * Upstream's Job strategy (generateSelector): unless spec.manualSelector is true, the template gets
 * the controller-uid and job-name labels (current and legacy keys) and the selector is
 * {batch.kubernetes.io/controller-uid: <uid>}; a selector the user gave must be exactly that one.
 */
function generateJobSelector(job: KubeObject): void {
  const spec = (job.spec ?? {}) as Spec;
  if (spec.manualSelector === true) return;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const generated = { 'batch.kubernetes.io/controller-uid': uid };
  if (spec.selector !== undefined && JSON.stringify(spec.selector) !== JSON.stringify({ matchLabels: generated })) {
    throw invalid('Job', 'batch', name, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.selector',
        message: `spec.selector: Invalid value: ${JSON.stringify(spec.selector)}: \`selector\` not auto-generated (set spec.manualSelector: true to choose your own)`,
      },
    ]);
  }
  spec.selector = { matchLabels: generated };
  const template = (spec.template ?? {}) as Spec;
  const metadata = (template.metadata ?? {}) as { labels?: Record<string, string> };
  metadata.labels = {
    ...metadata.labels,
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  template.metadata = metadata;
  spec.template = template;
  job.spec = spec;
}

export const jobs: ResourceDescriptor = defineResource({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  namespaced: true,
  categories: ['all'],
  hasStatus: true,
  columns: [
    NAME_COLUMN,
    column('Status', 'Status of the job.'),
    column('Completions', 'The desired number of successfully finished pods the job should be run with.'),
    column('Duration', 'Time required to complete the job.'),
    AGE_COLUMN,
    ...WORKLOAD_WIDE_COLUMNS,
  ],
  strategy: {
    defaults: (job) => {
      const spec = (job.spec ?? {}) as Spec;
      defaultJobSpec(spec);
      job.spec = spec;
    },
    prepareForCreate: generateJobSelector,
    validateUpdate: selectorImmutable,
    validate: (job) => {
      // With manualSelector the user's selector must match the template; without, it is generated.
      const causes = validateTemplated(job, field(job, 'spec', 'manualSelector') === true);
      const restart = str(field(job, 'spec', 'template', 'spec', 'restartPolicy'));
      if (restart !== 'Never' && restart !== 'OnFailure') {
        causes.push({ reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: `spec.template.spec.restartPolicy: Unsupported value: "${restart}": supported values: "OnFailure", "Never"` });
      }
      return causes;
    },
    cells: (job) => [
      nameOf(job),
      jobStatus(job),
      `${num(field(job, 'status', 'succeeded'))}/${num(field(job, 'spec', 'completions'), 1)}`,
      jobDuration(job),
      ageOf(job),
      ...workloadWideCells(field(job, 'spec', 'template'), field(job, 'spec', 'selector')),
    ],
  },
});

export const cronjobs: ResourceDescriptor = defineResource({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  hasStatus: true,
  columns: [
    NAME_COLUMN,
    column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    column('Suspend', 'This flag tells the controller to suspend subsequent executions.', 'boolean'),
    column('Active', 'A list of pointers to currently running jobs.', 'integer'),
    column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    ...WORKLOAD_WIDE_COLUMNS,
  ],
  strategy: {
    defaults: (cj) => {
      const spec = (cj.spec ?? {}) as Spec;
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      const jobTemplate = (spec.jobTemplate ?? {}) as Spec;
      const jobSpec = (jobTemplate.spec ?? {}) as Spec;
      defaultJobSpec(jobSpec);
      jobTemplate.spec = jobSpec;
      spec.jobTemplate = jobTemplate;
      cj.spec = spec;
    },
    validate: (cj) => {
      const causes: FieldCause[] = [];
      if (str(field(cj, 'spec', 'schedule')).trim() === '') causes.push({ reason: 'FieldValueRequired', field: 'spec.schedule', message: 'spec.schedule: Required value' });
      causes.push(...validatePodSpec(field(cj, 'spec', 'jobTemplate', 'spec', 'template', 'spec'), 'spec.jobTemplate.spec.template.spec'));
      return causes;
    },
    cells: (cj) => {
      const last = str(field(cj, 'status', 'lastScheduleTime'));
      return [
        nameOf(cj),
        str(field(cj, 'spec', 'schedule')),
        str(field(cj, 'spec', 'timeZone')) || '<none>',
        field(cj, 'spec', 'suspend') === true ? 'True' : 'False',
        list(field(cj, 'status', 'active')).length,
        last === '' ? '<none>' : age(last),
        ageOf(cj),
        ...workloadWideCells(field(cj, 'spec', 'jobTemplate', 'spec', 'template'), field(cj, 'spec', 'jobTemplate', 'spec', 'selector')),
      ];
    },
  },
});
