// The result table: one row per figure, with its target (if the issue set one) and pass/miss.

export type Unit = 'ms' | 'MiB' | '/s';

export interface Target {
  /** The figure must be below this (all of the targets are upper bounds). */
  readonly below: number;
  /** How the target reads, e.g. "< 25 ms". */
  readonly text: string;
}

export interface Row {
  readonly label: string;
  readonly value: number;
  readonly unit: Unit;
  readonly target?: Target;
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'MiB') return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (unit === 'ms') return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
  return `${Math.round(value).toLocaleString('en-US')}/s`;
}

export function verdict(row: Row): string {
  if (row.target === undefined) return '';
  if (!Number.isFinite(row.value)) return 'MISS (no figure)';
  return row.value < row.target.below ? 'pass' : 'MISS';
}

export function table(rows: readonly Row[]): string {
  const header = ['measurement', 'figure', 'target', 'result'];
  const body = rows.map((row) => [row.label, formatValue(row.value, row.unit), row.target?.text ?? '', verdict(row)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The same table as Markdown, for bench/README.md. */
export function markdown(rows: readonly Row[]): string {
  const lines = ['| measurement | figure | target | result |', '|---|--:|---|---|'];
  for (const row of rows) lines.push(`| ${row.label} | ${formatValue(row.value, row.unit)} | ${row.target?.text ?? ''} | ${verdict(row)} |`);
  return lines.join('\n');
}
