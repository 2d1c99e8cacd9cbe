// RFC 4180 CSV as Go's encoding/csv reads it with FieldsPerRecord = -1 (records of any length):
// quoted fields may hold commas, newlines and doubled quotes; a quote inside an unquoted field is an
// error; empty lines are skipped; CRLF and LF both end a record.

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      i += text[i] === '\r' ? 2 : 1; // an empty line
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new CsvError(start, 'extraneous or missing " in quoted-field');
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        const next = text[i];
        if (i < n && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
          throw new CsvError(line, 'extraneous or missing " in quoted-field');
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          if (text[i] === '"') throw new CsvError(line, 'bare " in non-quoted-field');
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      // End of record (or of input).
      if (i < n) {
        i += text[i] === '\r' ? 2 : 1;
        line++;
      }
      break;
    }
    records.push({ line: start, fields });
  }
  return records;
}
