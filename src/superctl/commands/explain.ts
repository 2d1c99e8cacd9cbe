// superctl explain: a resource's or field's documentation from the server's OpenAPI v3, laid out
// as kubectl's plaintext explain template.
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError, oneLineUsageErrors } from '../cli-error.js';

interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  $ref?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

type Schemas = Record<string, Schema>;
// Text wraps at 80 columns, its 4-column indent included.
const WIDTH = 76;

function refName(schema: Schema): string | undefined {
  const ref = schema.$ref ?? schema.allOf?.find((s) => s.$ref !== undefined)?.$ref;
  return ref?.slice(ref.lastIndexOf('/') + 1);
}

/** The schema a field leads to: through allOf/$ref. */
function resolved(schema: Schema, schemas: Schemas): Schema {
  const ref = refName(schema);
  return ref === undefined ? schema : (schemas[ref] ?? schema);
}

function typeName(schema: Schema, schemas: Schemas): string {
  const ref = refName(schema);
  if (ref !== undefined) {
    const target = schemas[ref];
    if (target?.type !== undefined && target.type !== 'object' && target.properties === undefined) return target.type;
    return ref.slice(ref.lastIndexOf('.') + 1);
  }
  if (schema['x-kubernetes-int-or-string'] === true) return 'IntOrString';
  if (schema.type === 'array' && schema.items !== undefined) return `[]${typeName(schema.items, schemas)}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') return `map[string]${typeName(schema.additionalProperties, schemas)}`;
  if (schema.type === 'object' || schema.type === undefined) return 'Object';
  return schema.type;
}

// Greedy word wrap of each paragraph line (go-wordwrap's rule: a longer word keeps its own line).
function wrap(text: string, indent: string): string {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + 1 + word.length > WIDTH) {
        out.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    out.push(line);
  }
  return out.map((l) => `${indent}${l}\n`).join('');
}

/** Arrays and maps are looked through to their element, as kubectl walks field paths. */
function element(schema: Schema, schemas: Schemas): Schema {
  let current = resolved(schema, schemas);
  for (;;) {
    if (current.type === 'array' && current.items !== undefined) current = resolved(current.items, schemas);
    else if (current.type === 'object' && typeof current.additionalProperties === 'object' && current.properties === undefined) current = resolved(current.additionalProperties, schemas);
    else return current;
  }
}

export function register(program: Command, ctx: CliContext): void {
  oneLineUsageErrors(program.command('explain'))
    .description('Get documentation for a resource and its fields')
    .argument('<path>', 'TYPE or TYPE.field.subfield')
    .option('--api-version <version>', 'the group/version to explain')
    .action(async (path: string, options: { apiVersion?: string }) => {
      const [typeArg = '', ...fields] = path.split('.');
      const resource = await (await ctx.resolver()).resolve(options.apiVersion !== undefined ? `${typeArg}.${options.apiVersion.replace(/^(.*)\/(.*)$/, '$2.$1')}` : typeArg);
      const client = await ctx.client();
      const getJson = async <T>(url: string): Promise<T> => {
        const response = await client.request('GET', url);
        if (response.status !== 200) throw new CliError(`error: the server's OpenAPI document ${url.split('?')[0] ?? url} is not available (HTTP ${response.status})`);
        return JSON.parse(response.body.toString('utf8')) as T;
      };
      const index = await getJson<{ paths: Record<string, { serverRelativeURL: string }> }>('/openapi/v3');
      const key = resource.group === '' ? `api/${resource.version}` : `apis/${resource.group}/${resource.version}`;
      const entry = index.paths[key];
      if (entry === undefined) throw new CliError(`error: the server has no OpenAPI v3 document for ${key}`);
      const schemas = (await getJson<{ components?: { schemas?: Schemas } }>(entry.serverRelativeURL)).components?.schemas ?? {};
      const root = Object.values(schemas).find((s) => (s['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === resource.group && g.version === resource.version && g.kind === resource.kind));
      if (root === undefined) throw new CliError(`error: no schema for ${resource.kind} in the server's OpenAPI document`);
      let text = resource.group === '' ? '' : `GROUP:      ${resource.group}\n`;
      text += `KIND:       ${resource.kind}\nVERSION:    ${resource.version}\n\n`;
      let schema = root;
      let description = root.description ?? '';
      if (fields.length > 0) {
        let parent = root;
        let field: Schema | undefined;
        for (const name of fields) {
          field = parent.properties?.[name];
          if (field === undefined) {
            ctx.out(text); // kubectl prints the header before it finds the field missing
            throw new CliError(`error: field "${name}" does not exist`);
          }
          parent = element(field, schemas);
        }
        const last = field as Schema;
        text += `FIELD: ${fields[fields.length - 1] ?? ''} <${typeName(last, schemas)}>\n\n\n`;
        schema = parent;
        const target = refName(last) !== undefined || last.items !== undefined ? element(last, schemas) : undefined;
        description = [last.description, target !== undefined && target !== last ? target.description : undefined].filter((d) => d !== undefined && d !== '').join('\n');
      }
      text += `DESCRIPTION:\n${wrap(description, '    ')}    \n`;
      const properties = schema.properties ?? {};
      const names = Object.keys(properties).sort();
      if (names.length > 0) {
        text += 'FIELDS:\n';
        for (const name of names) {
          const field = properties[name] as Schema;
          const required = (schema.required ?? []).includes(name) ? ' -required-' : '';
          text += `  ${name}\t<${typeName(field, schemas)}>${required}\n${wrap(field.description ?? '', '    ')}\n`;
        }
      }
      ctx.out(`${text}\n`);
    });
}
