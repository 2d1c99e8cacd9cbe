// -o custom-columns=HEADER:.path,...: one row per object, each cell what its JSONPath selects
// (several values joined by commas, <none> when nothing).
import { CliError } from '../cli-error.js';
import { JsonPathTemplate } from './jsonpath/index.js';

export interface CustomColumn {
  header: string;
  template: JsonPathTemplate;
}

/** kubectl's relaxed path: {.a.b}, .a.b and a.b all mean {.a.b}. */
export function relaxedTemplate(path: string): string {
  const trimmed = path.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return trimmed;
  const inner = trimmed.startsWith('.') || trimmed.startsWith('$') ? trimmed : `.${trimmed}`;
  return `{${inner}}`;
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === '') throw new CliError('error: custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0) throw new CliError(`error: unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    const header = part.slice(0, colon);
    try {
      return { header, template: new JsonPathTemplate(relaxedTemplate(part.slice(colon + 1))) };
    } catch (error) {
      throw new CliError(`error: custom-columns ${part}: ${(error as Error).message}`);
    }
  });
}

function cellOf(values: unknown[]): string {
  if (values.length === 0) return '<none>';
  return values.map((v) => (v === null || v === undefined ? '<nil>' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean))).join(',');
}

export function customColumnLines(columns: CustomColumn[], objects: readonly unknown[], noHeaders: boolean): string[][] {
  const lines = objects.map((object) => columns.map((c) => cellOf(c.template.values(object))));
  if (!noHeaders) lines.unshift(columns.map((c) => c.header));
  return lines;
}
