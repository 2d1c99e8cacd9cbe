// Column alignment as Go's text/tabwriter does it with kubectl's settings (minwidth 6, padding 3,
// RememberWidths): every cell but a line's last is padded to its column's width, and widths only
// grow across writes, so rows printed later by a watch line up under the header printed first.
const MIN_WIDTH = 6;
const PADDING = 3;

/** Width in characters (runes), as Go counts them. */
function widthOf(text: string): number {
  return [...text].length;
}

export class TabWriter {
  private readonly widths: number[] = [];

  /** The lines, aligned; each ends with a newline. */
  format(rows: readonly (readonly string[])[]): string {
    for (const row of rows) {
      for (let column = 0; column < row.length - 1; column++) {
        const width = Math.max(MIN_WIDTH, widthOf(row[column] ?? '') + PADDING);
        if (width > (this.widths[column] ?? 0)) this.widths[column] = width;
      }
    }
    let out = '';
    for (const row of rows) {
      row.forEach((cell, column) => {
        out += column === row.length - 1 ? cell : cell + ' '.repeat((this.widths[column] ?? 0) - widthOf(cell));
      });
      out += '\n';
    }
    return out;
  }
}

/** Aligns one block of rows on its own. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  return new TabWriter().format(rows);
}
