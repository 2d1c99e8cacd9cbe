// The result table: one row per figure, with its target and pass/miss, as the other benchmarks print.

export type Unit = 'ms' | 'ratio' | '%';

export interface Target {
  /** The figure must be below this, or at most this when `inclusive`. */
  readonly limit: number;
  readonly inclusive?: boolean;
  /** How the target reads, e.g. "≤ 1.5". */
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
  if (unit === 'ms') return `${Math.round(value).toLocaleString('en-US')} ms`;
  if (unit === 'ratio') return `${value.toFixed(2)}x`;
  return `${(value * 100).toFixed(0)} %`;
}

export function verdict(row: Row): string {
  if (row.target === undefined) return '';
  if (!Number.isFinite(row.value)) return 'MISS (no figure)';
  const ok = row.target.inclusive === true ? row.value <= row.target.limit : row.value < row.target.limit;
  return ok ? 'pass' : 'MISS';
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
