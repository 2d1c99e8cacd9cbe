import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines; skips empty lines', () => {
    const records = parseCsv('a,b,"c,d"\r\n\n"x ""y""","multi\nline",\nlast');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c,d'] },
      { line: 3, fields: ['x "y"', 'multi\nline', ''] },
      { line: 5, fields: ['last'] },
    ]);
  });

  it('keeps spaces and empty fields as they are', () => {
    expect(parseCsv(' a , ,\n')).toEqual([{ line: 1, fields: [' a ', ' ', ''] }]);
  });

  it('rejects stray quotes like Go does', () => {
    expect(() => parseCsv('a,b"c\n')).toThrow(CsvError);
    expect(() => parseCsv('"unterminated\n')).toThrow(/line 1/);
    expect(() => parseCsv('ok\n"a"b\n')).toThrow(/line 2/);
  });
});
