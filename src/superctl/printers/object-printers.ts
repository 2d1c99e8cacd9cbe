// Printing whole objects as kubectl does: -o json, -o yaml, -o name, -o jsonpath, -o custom-columns.
// A single object named on the command line prints as itself, anything else as a v1 List.
import { CliError } from '../cli-error.js';
import { customColumnLines, parseCustomColumns } from './custom-columns.js';
import { toGoJson } from './go-json.js';
import { toGoYaml } from './go-yaml.js';
import { JsonPathTemplate } from './jsonpath/index.js';
import type { OutputFormat } from './output-format.js';
import { alignColumns } from './tab-writer.js';

export interface PrintableObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/** kubectl's v1 List around the objects. */
export function asList(items: readonly unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** "pod/web", "deployment.apps/web": the kind, lower-cased, with its group when it has one. */
export function nameOf(object: PrintableObject): string {
  const apiVersion = object.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = (object.kind ?? '').toLowerCase();
  return `${group === '' ? kind : `${kind}.${group}`}/${object.metadata?.name ?? ''}`;
}

/** The text for the objects in a non-table format; single is true when one object was named. */
export function printObjects(format: OutputFormat, objects: readonly unknown[], single: boolean): string {
  const data = single && objects.length === 1 ? objects[0] : asList(objects);
  switch (format.kind) {
    case 'json':
      return toGoJson(data);
    case 'yaml':
      return toGoYaml(data);
    case 'name':
      return objects.map((o) => `${nameOf(o as PrintableObject)}\n`).join('');
    case 'jsonpath':
      return jsonPathText(format.template, data);
    case 'custom-columns':
      return alignColumns(customColumnLines(parseCustomColumns(format.spec), objects, false));
    case 'table':
      throw new Error('tables are printed from the server Table');
  }
}

export function jsonPathText(template: string, data: unknown): string {
  let compiled: JsonPathTemplate;
  try {
    compiled = new JsonPathTemplate(template);
  } catch (error) {
    throw new CliError(`error: error parsing jsonpath ${template}, ${(error as Error).message}`);
  }
  return compiled.print(data);
}
