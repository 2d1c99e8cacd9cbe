import { describe, expect, it } from 'vitest';
import { expand, mappingFor } from './expansion.js';

const vars = new Map([
  ['VAR_A', 'A'],
  ['VAR_B', 'B'],
  ['VAR_C', 'C'],
  ['VAR_REF', '$(VAR_A)'],
  ['VAR_EMPTY', ''],
]);
const mapping = mappingFor(vars);

describe('expand', () => {
  it.each([
    ['whole string', '$(VAR_A)', 'A'],
    ['repeated', '$(VAR_A)-$(VAR_A)', 'A-A'],
    ['beginning', '$(VAR_A)-1', 'A-1'],
    ['middle', '___$(VAR_B)___', '___B___'],
    ['end', '___$(VAR_C)', '___C'],
    ['compound', '$(VAR_A)_$(VAR_B)_$(VAR_C)', 'A_B_C'],
    ['no recursion: the value is not expanded again', '$(VAR_REF)', '$(VAR_A)'],
    ['escaped reference', '$$(VAR_B)_$(VAR_A)', '$(VAR_B)_A'],
    ['escaped then reference', '$$$(VAR_A)', '$A'],
    ['many escapes', '$$$$$$(BIG_MONEY)', '$$$(BIG_MONEY)'],
    ['a lone $$', '$$', '$'],
    ['a lone $', '$', '$'],
    ['a trailing $', '$(VAR_A)$', 'A$'],
    ['$ before another character', '$VAR_A', '$VAR_A'],
    ['unknown reference kept', '$(NOT_SET)', '$(NOT_SET)'],
    ['empty name', '$()', '$()'],
    ['empty value', '-$(VAR_EMPTY)-', '--'],
    ['unclosed reference', '$(VAR_A', '$(VAR_A'],
    ['unclosed after a reference', '$(VAR_A)$(', 'A$('],
    ['the name runs to the first closer', '$($(VAR_B)', '$($(VAR_B)'],
    ['no operator', 'f00__(VAR_A)__', 'f00__(VAR_A)__'],
    ['non-ASCII around', 'é$(VAR_A)😀', 'éA😀'],
  ])('%s', (_name, input, want) => {
    expect(expand(input, mapping)).toBe(want);
  });

  it('asks earlier maps first', () => {
    const m = mappingFor(new Map([['X', 'first']]), new Map([['X', 'second'], ['Y', 'y']]));
    expect(expand('$(X) $(Y)', m)).toBe('first y');
  });
});
