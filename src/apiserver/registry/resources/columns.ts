// Column definitions shared by the resources' tables (the wording and order of upstream's printers).
import type { KubeObject, TableColumn } from '../resource.js';
import { age, NAME_COLUMN, type AgeOf } from '../../tables/table.js';

export { NAME_COLUMN };

export const column = (name: string, description: string, type: TableColumn['type'] = 'string', priority: 0 | 1 = 0): TableColumn => ({
  name,
  type,
  description,
  priority,
});

export const AGE_COLUMN = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
);

export const ageOf = (object: KubeObject): AgeOf | string => age(object.metadata?.creationTimestamp);

export const nameOf = (object: KubeObject): string => object.metadata?.name ?? '';

/** Reads a nested field without trusting the object's shape. */
export function field(object: unknown, ...path: (string | number)[]): unknown {
  let value: unknown = object;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

export const num = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback);
export const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Containers, Images and Selector: the wide columns of every workload. */
export const WORKLOAD_WIDE_COLUMNS: TableColumn[] = [
  column('Containers', 'Names of each container in the template.', 'string', 1),
  column('Images', 'Images referenced by each container in the template.', 'string', 1),
  column('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 'string', 1),
];

export function workloadWideCells(template: unknown, selector: unknown): string[] {
  const containers = list(field(template, 'spec', 'containers'));
  return [
    containers.map((c) => str(field(c, 'name'))).join(','),
    containers.map((c) => str(field(c, 'image'))).join(','),
    selectorText(selector),
  ];
}

/** A metav1.LabelSelector as kubectl prints it. */
export function selectorText(selector: unknown): string {
  const parts = Object.entries((field(selector, 'matchLabels') as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of list(field(selector, 'matchExpressions'))) {
    const key = str(field(e, 'key'));
    const values = list(field(e, 'values')).map(String).join(',');
    const op = str(field(e, 'operator'));
    if (op === 'In') parts.push(`${key} in (${values})`);
    else if (op === 'NotIn') parts.push(`${key} notin (${values})`);
    else if (op === 'Exists') parts.push(key);
    else if (op === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** A map selector (a Service's) as kubectl prints it. */
export function mapSelectorText(selector: unknown): string {
  const entries = Object.entries((selector as Record<string, string> | undefined) ?? {});
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).sort().join(',');
}
