// How the writing verbs show what they did: kubectl's "<kind>[.<group>]/<name> <operation>" line,
// or with -o the object itself (yaml, json) or its name.
import { stringify } from 'yaml';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { toGoJson } from '../printers/go-json.js';
import type { ApiResource } from '../resource-resolver.js';
import { displayName } from '../remote/object-target.js';

export type OutputFormat = 'yaml' | 'json' | 'name' | undefined;

export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === '') return undefined;
  if (value === 'yaml' || value === 'json' || value === 'name') return value;
  throw new CliError(`error: unable to match a printer suitable for the output format "${value}", allowed formats are: json,name,yaml`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/**
 * Prints each object's outcome as it happens (the operation line, or its name with -o name); with
 * -o yaml/json keeps the objects and prints them at the end, several as one List, as kubectl does.
 */
export class OutcomePrinter {
  private readonly objects: unknown[] = [];

  constructor(
    private readonly ctx: CliContext,
    private readonly format: OutputFormat,
  ) {}

  print(resource: ApiResource, name: string, operation: string, object: unknown): void {
    if (this.format === undefined) this.ctx.out(`${displayName(resource, name)} ${operation}\n`);
    else if (this.format === 'name') this.ctx.out(`${displayName(resource, name)}\n`);
    else this.objects.push(object);
  }

  flush(): void {
    if ((this.format === 'yaml' || this.format === 'json') && this.objects.length > 0) this.ctx.out(formatList(this.objects, this.format));
    this.objects.length = 0;
  }
}

export function formatObject(object: unknown, format: 'yaml' | 'json'): string {
  return format === 'json' ? toGoJson(object) : stringify(sortKeys(object), { lineWidth: 0, indentSeq: false });
}

/** Several objects with -o yaml/json are printed as one List, as kubectl does. */
export function formatList(objects: readonly unknown[], format: 'yaml' | 'json'): string {
  if (objects.length === 1) return formatObject(objects[0], format);
  return formatObject({ apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } }, format);
}
