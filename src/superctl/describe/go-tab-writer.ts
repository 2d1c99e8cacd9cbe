// Go's text/tabwriter as kubectl describe uses it (minwidth 0, padding 2): a column is aligned
// only across consecutive lines that all have a cell in it, so a line without tabs ("Containers:")
// starts new blocks, and describe's sections line up on their own as kubectl's do.
interface Line {
  cells: string[];
}

function widthOf(text: string): number {
  return [...text].length;
}

export function formatGoTabs(text: string, minWidth = 0, padding = 2): string {
  const raw = text.split('\n');
  const trailingNewline = raw[raw.length - 1] === '';
  if (trailingNewline) raw.pop();
  const lines: Line[] = raw.map((l) => ({ cells: l.split('\t') }));
  const widths: number[] = [];
  let out = '';
  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = (lines[i] as Line).cells;
      cells.forEach((cell, j) => {
        if (j < widths.length && j < cells.length - 1) out += cell + ' '.repeat(Math.max(0, (widths[j] ?? 0) - widthOf(cell)));
        else out += cell;
      });
      out += '\n';
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let current = line0; current < line1; current++) {
      if (column >= (lines[current] as Line).cells.length - 1) continue;
      writeLines(start, current);
      start = current;
      let width = minWidth;
      let end = current;
      for (; end < line1; end++) {
        const cells = (lines[end] as Line).cells;
        if (column >= cells.length - 1) break;
        width = Math.max(width, widthOf(cells[column] ?? '') + padding);
      }
      widths.push(width);
      format(start, end);
      widths.pop();
      start = end;
      current = end - 1;
    }
    writeLines(start, line1);
  };
  format(0, lines.length);
  return trailingNewline ? out : out.replace(/\n$/, '');
}
