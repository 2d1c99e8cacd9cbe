// The comparison table: one row per measurement, supernetes beside etcd, and the ratio to etcd with
// the direction in which it is better.

export interface Row {
  readonly label: string;
  readonly unit: string;
  /** Which way is better for this row. */
  readonly better: 'higher' | 'lower';
  readonly supernetes: number;
  readonly etcd: number;
}

/** supernetes / etcd. */
export function ratio(row: Row): number {
  return row.supernetes / row.etcd;
}

/** "wins 1.3x", "loses 2.0x", "even": how far supernetes is from etcd in the better direction. */
export function verdict(row: Row): string {
  const r = ratio(row);
  if (!Number.isFinite(r) || r <= 0) return 'n/a';
  const factor = row.better === 'higher' ? r : 1 / r;
  if (Math.abs(factor - 1) < 0.03) return 'even';
  return factor > 1 ? `wins ${factor.toFixed(2)}x` : `loses ${(1 / factor).toFixed(2)}x`;
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'MiB') return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (unit === 'ms') return `${value.toFixed(2)} ms`;
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}

export function table(rows: readonly Row[]): string {
  const header = ['row', 'supernetes', 'etcd', 'ratio sn/etcd', 'better', 'supernetes'];
  const body = rows.map((row) => [
    row.label,
    formatValue(row.supernetes, row.unit),
    formatValue(row.etcd, row.unit),
    Number.isFinite(ratio(row)) ? ratio(row).toFixed(2) : 'n/a',
    row.better,
    verdict(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 || i >= 4 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
