// kubectl's printing of the server's Table (meta.k8s.io/v1): priority-0 columns (all with -o
// wide), headers upper-cased, NAMESPACE first with -A, LABELS last with --show-labels, and names
// as kind/name when several types are printed together.
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: ObjectMeta; kind?: string; apiVersion?: string };
}

export interface ServerTable {
  kind: 'Table';
  apiVersion: string;
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions?: TableColumnDefinition[] | null;
  rows?: TableRow[] | null;
}

export interface TablePrintOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** Add NAMESPACE as the first column (kubectl -A). */
  withNamespace?: boolean;
  showLabels?: boolean;
  /** -L: a column per label key, after the table's own columns. */
  labelColumns?: string[];
  /** Prefix names with this and "/" (e.g. "deployment.apps") when several types print together. */
  kindPrefix?: string;
}

/** The accept header that asks the server for a Table, falling back to plain JSON. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function visible(columns: readonly TableColumnDefinition[], wide: boolean): number[] {
  return columns.flatMap((c, i) => (wide || (c.priority ?? 0) === 0 ? [i] : []));
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<nil>';
  if (typeof cell === 'object') return JSON.stringify(cell);
  return typeof cell === 'string' ? cell : JSON.stringify(cell);
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',');
}

/** The header cells for the table's columns. */
export function headerCells(columns: readonly TableColumnDefinition[], options: TablePrintOptions): string[] {
  const cells = visible(columns, options.wide === true).map((i) => (columns[i]?.name ?? '').toUpperCase());
  if (options.withNamespace === true) cells.unshift('NAMESPACE');
  for (const key of options.labelColumns ?? []) cells.push((key.split('/').pop() ?? key).toUpperCase());
  if (options.showLabels === true) cells.push('LABELS');
  return cells;
}

/** One line of cells per row. */
export function rowCells(columns: readonly TableColumnDefinition[], rows: readonly TableRow[], options: TablePrintOptions): string[][] {
  const shown = visible(columns, options.wide === true);
  const nameColumn = columns.findIndex((c) => c.format === 'name');
  return rows.map((row) => {
    const cells = shown.map((i) => {
      const text = cellText(row.cells[i]);
      return i === nameColumn && options.kindPrefix !== undefined ? `${options.kindPrefix}/${text}` : text;
    });
    const metadata = row.object?.metadata;
    if (options.withNamespace === true) cells.unshift(metadata?.namespace ?? '');
    for (const key of options.labelColumns ?? []) cells.push(metadata?.labels?.[key] ?? '');
    if (options.showLabels === true) cells.push(formatLabels(metadata?.labels));
    return cells;
  });
}

/** The whole table as kubectl prints it (headers unless noHeaders), aligned. */
export function tableLines(table: ServerTable, options: TablePrintOptions): string[][] {
  const columns = table.columnDefinitions ?? [];
  const lines = rowCells(columns, table.rows ?? [], options);
  if (options.noHeaders !== true) lines.unshift(headerCells(columns, options));
  return lines;
}
