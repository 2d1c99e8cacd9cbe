// The -o flag: which printer, and its argument (a JSONPath template, custom-columns spec).
import { CliError } from '../cli-error.js';

export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: string }
  | { kind: 'custom-columns'; spec: string };

const ALLOWED = 'json, yaml, name, wide, jsonpath=..., jsonpath-as-json=..., custom-columns=...';

export function parseOutputFormat(flag: string | undefined): OutputFormat {
  const value = (flag ?? '').replace(/^=/, '');
  if (value === '') return { kind: 'table', wide: false };
  if (value === 'wide') return { kind: 'table', wide: true };
  if (value === 'json' || value === 'yaml' || value === 'name') return { kind: value };
  const eq = value.indexOf('=');
  const name = eq === -1 ? value : value.slice(0, eq);
  const arg = eq === -1 ? '' : value.slice(eq + 1);
  if (name === 'jsonpath' || name === 'jsonpath-as-json') {
    if (arg === '') throw new CliError('error: template format specified but no template given');
    return { kind: 'jsonpath', template: arg };
  }
  if (name === 'custom-columns') return { kind: 'custom-columns', spec: arg };
  throw new CliError(`error: unable to match a printer suitable for the output format "${value}", allowed formats are: ${ALLOWED}`);
}
