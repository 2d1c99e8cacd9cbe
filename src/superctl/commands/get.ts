// superctl get: kubectl's get. Tables come from the server (Accept: as=Table), so columns are the
// server's; other formats print the objects. -w prints rows as the watch's Table events arrive.
import type { Command } from 'commander';
import { ApiError, isNotFound } from '../../client/client-errors.js';
import { resourcePath } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { CliError, oneLineUsageErrors } from '../cli-error.js';
import { parseOutputFormat, type OutputFormat } from '../printers/output-format.js';
import { nameOf, printObjects, type PrintableObject } from '../printers/object-printers.js';
import { headerCells, rowCells, TABLE_ACCEPT, tableLines, type ServerTable, type TablePrintOptions } from '../printers/server-table.js';
import { TabWriter } from '../printers/tab-writer.js';
import { toGoJson } from '../printers/go-json.js';
import { toGoYaml } from '../printers/go-yaml.js';
import { jsonPathText } from '../printers/object-printers.js';
import { parseCustomColumns, customColumnLines } from '../printers/custom-columns.js';
import type { ApiResource } from '../resource-resolver.js';
import { kindPrefixOf, parseResourceArgs, type ResourceRequest } from './get-requests.js';
import { watchEvents } from './watch-events.js';

interface GetOptions {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  watchOnly?: boolean;
  showLabels?: boolean;
  headers?: boolean;
  labelColumns?: string[];
  ignoreNotFound?: boolean;
  showKind?: boolean;
  chunkSize?: string;
  showManagedFields?: boolean;
}

const PAGE_SIZE = 500;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

export function register(program: Command, ctx: CliContext): void {
  oneLineUsageErrors(program.command('get'))
    .description('Display one or many resources')
    .argument('[resources...]', 'TYPE[,TYPE...] [NAME...] | TYPE/NAME ... | all')
    .option('-o, --output <format>', 'json|yaml|name|wide|jsonpath=...|custom-columns=...')
    .option('-l, --selector <selector>', 'label selector (e.g. app=web,tier!=db)')
    .option('--field-selector <selector>', 'field selector (e.g. status.phase=Running)')
    .option('-A, --all-namespaces', 'list the objects of every namespace')
    .option('-w, --watch', 'after listing, print changes as they happen')
    .option('--watch-only', 'print changes only, without the list first')
    .option('--show-labels', 'add a LABELS column')
    .option('--no-headers', 'print no header line')
    .option('-L, --label-columns <keys>', 'a column per label key (repeatable, comma-separated)', collect)
    .option('--ignore-not-found', 'a missing named object is no error')
    .option('--show-kind', 'prefix names with their type')
    .option('--chunk-size <n>', 'list in pages of this many objects', String(PAGE_SIZE))
    .option('--show-managed-fields', 'keep metadata.managedFields in -o json and -o yaml')
    .action(async (args: string[], options: GetOptions) => {
      await runGet(ctx, args, options);
    });
}

async function runGet(ctx: CliContext, args: string[], options: GetOptions): Promise<void> {
  const format = parseOutputFormat(options.output);
  if (format.kind === 'custom-columns') parseCustomColumns(format.spec); // bad specs fail before any request
  const parsed = await parseResourceArgs(args, await ctx.resolver(), 'get');
  const allNamespaces = options.allNamespaces === true;
  if (allNamespaces && parsed.requests.some((r) => r.names.length > 0)) {
    throw new CliError('error: a resource cannot be retrieved by name across all namespaces');
  }
  const namespace = await ctx.namespace();
  if (options.watch === true || options.watchOnly === true) {
    if (parsed.requests.length !== 1) throw new CliError('error: you may only specify a single resource type to watch');
    await watch(ctx, parsed.requests[0] as ResourceRequest, format, options, allNamespaces ? undefined : namespace);
    return;
  }
  const errors: string[] = [];
  let printed = false;
  if (format.kind === 'table') {
    for (const request of parsed.requests) {
      const table = await fetchTable(ctx, request, options, allNamespaces ? undefined : namespace, errors);
      if ((table.rows ?? []).length === 0) continue;
      if (printed && options.headers !== false) ctx.out('\n');
      const printOptions: TablePrintOptions = {
        wide: format.wide,
        noHeaders: options.headers === false,
        withNamespace: allNamespaces && request.resource.namespaced,
        showLabels: options.showLabels === true,
        labelColumns: options.labelColumns ?? [],
        ...(parsed.multipleTypes || options.showKind === true ? { kindPrefix: kindPrefixOf(request.resource) } : {}),
      };
      ctx.out(new TabWriter().format(tableLines(table, printOptions)));
      printed = true;
    }
  } else {
    const objects: unknown[] = [];
    for (const request of parsed.requests) objects.push(...(await fetchObjects(ctx, request, options, allNamespaces ? undefined : namespace, errors)));
    if (options.showManagedFields !== true) objects.forEach(withoutManagedFields);
    printed = objects.length > 0;
    const text = printObjects(format, objects, parsed.singleObject && errors.length === 0);
    if (format.kind !== 'name' || printed) ctx.out(text);
    if (format.kind === 'json' || format.kind === 'yaml' || format.kind === 'jsonpath') printed = true;
  }
  if (!printed && errors.length === 0) {
    const allNamespaced = parsed.requests.every((r) => r.resource.namespaced);
    ctx.err(allNamespaced && !allNamespaces ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
  }
  if (errors.length > 0) throw new CliError(errors.join('\n'));
}

function listQuery(options: GetOptions, extra: Record<string, string> = {}): Record<string, string> {
  const query: Record<string, string> = { ...extra };
  if (options.selector !== undefined) query.labelSelector = options.selector;
  if (options.fieldSelector !== undefined) query.fieldSelector = options.fieldSelector;
  return query;
}

async function getJson<T>(ctx: CliContext, path: string, query: Record<string, string>, accept = 'application/json'): Promise<T> {
  const response = await (await ctx.client()).request('GET', path, { query, accept });
  if (response.status < 200 || response.status > 299) throw ApiError.fromResponse(response.status, 'GET', path, response.body);
  return JSON.parse(response.body.toString('utf8')) as T;
}

function notFoundText(error: ApiError): string {
  return `Error from server (NotFound): ${error.message}`;
}

/** The server's Table of a request: its list (all pages) or its named objects, rows merged. */
export async function fetchTable(ctx: CliContext, request: ResourceRequest, options: GetOptions, namespace: string | undefined, errors: string[]): Promise<ServerTable> {
  const ns = request.resource.namespaced ? namespace : undefined;
  const merged: ServerTable = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [], rows: [] };
  const add = (table: ServerTable): void => {
    if ((merged.columnDefinitions ?? []).length === 0) merged.columnDefinitions = table.columnDefinitions ?? [];
    merged.rows = [...(merged.rows ?? []), ...(table.rows ?? [])];
    merged.metadata = table.metadata ?? {};
  };
  if (request.names.length === 0) {
    let next: string | undefined;
    do {
      const query = listQuery(options, { limit: options.chunkSize ?? String(PAGE_SIZE), ...(next !== undefined ? { continue: next } : {}) });
      const table = await getJson<ServerTable>(ctx, resourcePath(request.resource, ns), query, TABLE_ACCEPT);
      add(table);
      next = table.metadata?.continue === '' ? undefined : table.metadata?.continue;
    } while (next !== undefined);
    return merged;
  }
  for (const name of request.names) {
    try {
      add(await getJson<ServerTable>(ctx, resourcePath(request.resource, ns, name), {}, TABLE_ACCEPT));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (options.ignoreNotFound !== true) errors.push(notFoundText(error as ApiError));
    }
  }
  return merged;
}

function withTypeMeta(resource: ApiResource, object: unknown): unknown {
  const o = object as PrintableObject;
  if (o.kind !== undefined && o.apiVersion !== undefined) return object;
  return { apiVersion: resource.group === '' ? resource.version : `${resource.group}/${resource.version}`, kind: resource.kind, ...(object as object) };
}

/** The full objects of a request, as JSON. */
export async function fetchObjects(ctx: CliContext, request: ResourceRequest, options: GetOptions, namespace: string | undefined, errors: string[]): Promise<unknown[]> {
  const ns = request.resource.namespaced ? namespace : undefined;
  const objects: unknown[] = [];
  if (request.names.length === 0) {
    let next: string | undefined;
    do {
      const query = listQuery(options, { limit: options.chunkSize ?? String(PAGE_SIZE), ...(next !== undefined ? { continue: next } : {}) });
      const list = await getJson<{ items?: unknown[] | null; metadata?: { continue?: string } }>(ctx, resourcePath(request.resource, ns), query);
      objects.push(...(list.items ?? []).map((item) => withTypeMeta(request.resource, item)));
      next = list.metadata?.continue === '' ? undefined : list.metadata?.continue;
    } while (next !== undefined);
    return objects;
  }
  for (const name of request.names) {
    try {
      objects.push(withTypeMeta(request.resource, await getJson(ctx, resourcePath(request.resource, ns, name), {})));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (options.ignoreNotFound !== true) errors.push(notFoundText(error as ApiError));
    }
  }
  return objects;
}

/** get -w: the list (unless --watch-only), then one line per watch event, headers printed once. */
async function watch(ctx: CliContext, request: ResourceRequest, format: OutputFormat, options: GetOptions, namespace: string | undefined): Promise<void> {
  const resource = request.resource;
  const ns = resource.namespaced ? namespace : undefined;
  if (request.names.length > 1) throw new CliError('error: watch is only supported on individual resources and resource collections, but 2 resources were found');
  const nameSelector = request.names[0] === undefined ? [] : [`metadata.name=${request.names[0]}`];
  const fieldSelector = [...nameSelector, ...(options.fieldSelector !== undefined ? [options.fieldSelector] : [])].join(',');
  const watchOptions: GetOptions = { ...options, ...(fieldSelector !== '' ? { fieldSelector } : {}) };
  const asTable = format.kind === 'table';
  const printOptions: TablePrintOptions = {
    wide: format.kind === 'table' && format.wide,
    withNamespace: namespace === undefined && resource.namespaced,
    showLabels: options.showLabels === true,
    labelColumns: options.labelColumns ?? [],
    ...(options.showKind === true ? { kindPrefix: kindPrefixOf(resource) } : {}),
  };
  const writer = new TabWriter();
  let columns = [] as NonNullable<ServerTable['columnDefinitions']>;
  let headerDone = options.headers === false;
  const printRows = (table: ServerTable): void => {
    if ((table.columnDefinitions ?? []).length > 0) columns = table.columnDefinitions ?? [];
    const lines = rowCells(columns, table.rows ?? [], printOptions);
    if (lines.length === 0) return;
    if (!headerDone) {
      lines.unshift(headerCells(columns, printOptions));
      headerDone = true;
    }
    ctx.out(writer.format(lines));
  };
  const errors: string[] = [];
  const listTable = await fetchTable(ctx, { resource, names: [] }, watchOptions, namespace, errors);
  const resourceVersion = listTable.metadata?.resourceVersion ?? '';
  if (options.watchOnly !== true) {
    if (asTable) printRows(listTable);
    else {
      const objects = await fetchObjects(ctx, { resource, names: [] }, watchOptions, namespace, errors);
      for (const object of objects) ctx.out(objectText(format, withoutManagedFields(object)));
    }
  }
  const config = { ...(await ctx.config()), userAgent: 'superctl' };
  const query = { ...listQuery(watchOptions), resourceVersion };
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for await (const event of watchEvents(config, resourcePath(resource, ns), query, asTable ? TABLE_ACCEPT : 'application/json', abort.signal)) {
      if (event.type === 'BOOKMARK') continue;
      if (event.type === 'ERROR') throw ApiError.fromStatus(event.object as never);
      if (asTable) printRows(event.object as ServerTable);
      else ctx.out(objectText(format, withoutManagedFields(withTypeMeta(resource, event.object))));
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

// kubectl hides managedFields unless --show-managed-fields: they are long and rarely what one reads.
function withoutManagedFields(object: unknown): unknown {
  const metadata = (object as { metadata?: Record<string, unknown> }).metadata;
  if (metadata !== undefined) delete metadata.managedFields;
  return object;
}

function objectText(format: OutputFormat, object: unknown): string {
  switch (format.kind) {
    case 'json':
      return toGoJson(object);
    case 'yaml':
      return `---\n${toGoYaml(object)}`;
    case 'name':
      return `${nameOf(object as PrintableObject)}\n`;
    case 'jsonpath':
      return jsonPathText(format.template, object);
    case 'custom-columns':
      return new TabWriter().format(customColumnLines(parseCustomColumns(format.spec), [object], true));
    case 'table':
      return '';
  }
}
