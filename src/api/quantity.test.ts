import { describe, expect, it } from 'vitest';
import { Quantity, QuantityError, type QuantityFormat, parseQuantity } from './quantity.js';

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);

// value = mantissa * 10^exponent
function dec(mantissa: bigint | number, exponent: number): Quantity {
  return Quantity.fromScaled(mantissa, exponent);
}

describe('parse: value and format (upstream TestQuantityParse)', () => {
  const table: [string, Quantity, QuantityFormat][] = [
    ['0', dec(0, 0), 'DecimalSI'],
    ['0n', dec(0, 0), 'DecimalSI'],
    ['0u', dec(0, 0), 'DecimalSI'],
    ['0m', dec(0, 0), 'DecimalSI'],
    ['0Ki', dec(0, 0), 'BinarySI'],
    ['0k', dec(0, 0), 'DecimalSI'],
    ['0Mi', dec(0, 0), 'BinarySI'],
    ['0M', dec(0, 0), 'DecimalSI'],
    ['0Gi', dec(0, 0), 'BinarySI'],
    ['0Ti', dec(0, 0), 'BinarySI'],
    ['1', dec(1, 0), 'DecimalSI'],
    ['1Ki', dec(1024, 0), 'BinarySI'],
    ['8Ki', dec(8 * 1024, 0), 'BinarySI'],
    ['7Mi', dec(7 * 1024 ** 2, 0), 'BinarySI'],
    ['6Gi', dec(6 * 1024 ** 3, 0), 'BinarySI'],
    ['5Ti', dec(5 * 1024 ** 4, 0), 'BinarySI'],
    ['4Pi', dec(4n * 1024n ** 5n, 0), 'BinarySI'],
    ['3Ei', dec(3n * 1024n ** 6n, 0), 'BinarySI'],
    ['100Ti', dec(100 * 1024 ** 4, 0), 'BinarySI'],
    ['5n', dec(5, -9), 'DecimalSI'],
    ['4u', dec(4, -6), 'DecimalSI'],
    ['3m', dec(3, -3), 'DecimalSI'],
    ['8k', dec(8, 3), 'DecimalSI'],
    ['50k', dec(5, 4), 'DecimalSI'],
    ['7M', dec(7, 6), 'DecimalSI'],
    ['6G', dec(6, 9), 'DecimalSI'],
    ['5T', dec(5, 12), 'DecimalSI'],
    ['2P', dec(2, 15), 'DecimalSI'],
    ['1E', dec(1, 18), 'DecimalSI'],
    ['1E-3', dec(1, -3), 'DecimalExponent'],
    ['1e3', dec(1, 3), 'DecimalExponent'],
    ['1E6', dec(1, 6), 'DecimalExponent'],
    ['1e14', dec(1, 14), 'DecimalExponent'],
    ['100.035k', dec(100035, 0), 'DecimalSI'],
    ['0.001', dec(1, -3), 'DecimalSI'],
    ['0.0005k', dec(5, -1), 'DecimalSI'],
    ['0.5', dec(5, -1), 'DecimalSI'],
    ['0.50000', dec(5, -1), 'DecimalSI'],
    ['0.5e-2', dec(5, -3), 'DecimalExponent'],
    ['10.035M', dec(10035, 3), 'DecimalSI'],
    ['1.2e3', dec(12, 2), 'DecimalExponent'],
    ['1.3E+6', dec(13, 5), 'DecimalExponent'],
    ['1.7E18', dec(17, 17), 'DecimalExponent'],
    ['9.01', dec(901, -2), 'DecimalSI'],
    ['7.123456M', dec(7123456, 0), 'DecimalSI'],
    ['6.987654321G', dec(6987654321, 0), 'DecimalSI'],
    ['1.01E', dec(101, 16), 'DecimalSI'],
    // rounded up to 1n
    ['3.001n', dec(4, -9), 'DecimalSI'],
    ['1.1E-9', dec(2, -9), 'DecimalExponent'],
    ['0.0000000001', dec(1, -9), 'DecimalSI'],
    ['0.5e-9', dec(1, -9), 'DecimalExponent'],
    ['0.9n', dec(1, -9), 'DecimalSI'],
    ['0.00000012345', dec(124, -9), 'DecimalSI'],
    ['1e-2000000000', dec(1, -9), 'DecimalExponent'],
    // binary values are capped at 2^63-1
    ['9Ei', Quantity.fromValue(MAX_INT64), 'BinarySI'],
    ['9223372036854775807Ki', Quantity.fromValue(MAX_INT64), 'BinarySI'],
    ['12E', dec(12, 18), 'DecimalSI'],
    ['100.035Ki', dec(10243584, -2), 'BinarySI'],
    ['0.5Mi', dec(0.5 * 1024 * 1024, 0), 'BinarySI'],
    ['0.05Gi', dec(536870912, -1), 'BinarySI'],
    ['0.025Ti', dec(274877906944, -1), 'BinarySI'],
    // fractions of one in binary notation become decimal
    ['0.000000000001Ki', dec(2, -9), 'DecimalSI'],
    ['.001', dec(1, -3), 'DecimalSI'],
    ['.0001k', dec(100, -3), 'DecimalSI'],
    ['1.', dec(1, 0), 'DecimalSI'],
    ['1.G', dec(1, 9), 'DecimalSI'],
    ['.', dec(0, 0), 'DecimalSI'],
    ['-', dec(0, 0), 'DecimalSI'],
    ['1e2147483647', dec(1, 2147483647), 'DecimalExponent'],
  ];

  it.each(table)('%j', (input, want, format) => {
    const q = parseQuantity(input);
    expect(q.cmp(want)).toBe(0);
    expect(q.format).toBe(format);
  });

  it.each(table.filter(([, want]) => !want.isZero()))('-%s is the negation', (input, want, format) => {
    const q = parseQuantity('-' + input);
    expect(q.cmp(want.neg())).toBe(0);
    expect(q.format).toBe(format);
    expect(parseQuantity('+' + input).cmp(want)).toBe(0);
  });
});

describe('parse: rejected input', () => {
  const FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const SUFFIX = "unable to parse quantity's suffix";
  it.each([
    ['', FORMAT, 'FormatWrong'],
    ['1.1.M', FORMAT, 'FormatWrong'],
    ['1+1.0M', FORMAT, 'FormatWrong'],
    ['0.1am', FORMAT, 'FormatWrong'],
    ['aoeu', FORMAT, 'FormatWrong'],
    [' 1', FORMAT, 'FormatWrong'],
    ['1 ', FORMAT, 'FormatWrong'],
    ['1EI', FORMAT, 'FormatWrong'],
    ['0.1mi', SUFFIX, 'Suffix'],
    ['.5i', SUFFIX, 'Suffix'],
    ['1i', SUFFIX, 'Suffix'],
    ['-3.01i', SUFFIX, 'Suffix'],
    ['-3.01e-', SUFFIX, 'Suffix'],
    ['1K', SUFFIX, 'Suffix'],
    ['1e', SUFFIX, 'Suffix'],
    ['1e4294967297', SUFFIX, 'Suffix'],
    ['1E-2147483648', SUFFIX, 'Suffix'],
  ])('%j', (input, message, code) => {
    let err: unknown;
    try {
      Quantity.parse(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuantityError);
    expect((err as QuantityError).message).toBe(message);
    expect((err as QuantityError).code).toBe(code);
  });
});

describe('string form', () => {
  // upstream TestQuantityString: [value, canonical, a non-canonical spelling of it]
  it.each([
    [dec(1024 ** 3, 0), 'BinarySI', '1Gi', '1024Mi'],
    [dec(300 * 1024 ** 2, 0), 'BinarySI', '300Mi', '307200Ki'],
    [dec(6 * 1024, 0), 'BinarySI', '6Ki', ''],
    [dec(1001 * 1024 ** 3, 0), 'BinarySI', '1001Gi', '1025024Mi'],
    [dec(1024 ** 4, 0), 'BinarySI', '1Ti', '1024Gi'],
    [dec(5, 0), 'BinarySI', '5', '5000m'],
    [dec(500, -3), 'BinarySI', '500m', '0.5'],
    [dec(1, 9), 'DecimalSI', '1G', '1000M'],
    [dec(1000, 6), 'DecimalSI', '1G', '0.001T'],
    [dec(1, -3), 'DecimalSI', '1m', '1000u'],
    [dec(80, -3), 'DecimalSI', '80m', ''],
    [dec(1080, -3), 'DecimalSI', '1080m', '1.08'],
    [dec(108, -2), 'DecimalSI', '1080m', '1080000000n'],
    [dec(300, 6), 'DecimalSI', '300M', ''],
    [dec(1, 12), 'DecimalSI', '1T', ''],
    [dec(1, 18), 'DecimalSI', '1E', ''],
    [dec(1, 21), 'DecimalSI', '1e21', '1000E'],
    [dec(5, 21), 'DecimalSI', '5e21', '5000E'],
    [dec(1, 24), 'DecimalSI', '1e24', '1000000E'],
    [dec(1234567, 6), 'DecimalSI', '1234567M', ''],
    [dec(1234567, -3), 'BinarySI', '1234567m', ''],
    [dec(3, 3), 'DecimalSI', '3k', ''],
    [dec(1025, 0), 'BinarySI', '1025', ''],
    [dec(0, 0), 'DecimalSI', '0', ''],
    [dec(0, 0), 'BinarySI', '0', ''],
    [dec(1, 9), 'DecimalExponent', '1e9', '.001e12'],
    [dec(1, -3), 'DecimalExponent', '1e-3', '0.001e0'],
    [dec(1, -9), 'DecimalExponent', '1e-9', '1000e-12'],
    [dec(80, -3), 'DecimalExponent', '80e-3', ''],
    [dec(300, 6), 'DecimalExponent', '300e6', ''],
    [dec(3, 3), 'DecimalExponent', '3e3', ''],
    [dec(0, 0), 'DecimalExponent', '0', '00'],
    [dec(1, -9), 'DecimalSI', '1n', ''],
    [dec(1080, -9), 'DecimalSI', '1080n', ''],
    [dec(10800, -10), 'DecimalSI', '1080n', ''],
    [dec(1, -6), 'DecimalSI', '1u', ''],
  ] as const)('%s %s -> %s', (value, format, canonical, alternate) => {
    const q = value.withFormat(format);
    expect(q.toString()).toBe(canonical);
    expect(Quantity.parse(canonical).toString()).toBe(canonical);
    if (alternate !== '') {
      const alt = Quantity.parse(alternate);
      expect(alt.toString()).toBe(canonical);
      expect(alt.cmp(value)).toBe(0);
    }
    if (!value.isZero()) expect(q.neg().toString()).toBe('-' + canonical);
  });

  // upstream TestQuantityParseEmit and the examples in the brief
  it.each([
    ['1Ki', '1Ki'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['1000m', '1'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['100m', '100m'],
    ['500M', '500M'],
    ['1e3', '1e3'],
    ['1.2e3', '1200'],
    ['100.035Ki', '102435840m'],
    ['9Ei', '9223372036854775807'],
    ['2048', '2048'],
  ])('%j -> %j', (input, out) => {
    expect(Quantity.parse(input).toString()).toBe(out);
    expect(Quantity.parse('-' + input).toString()).toBe('-' + out);
  });

  it('echoes input upstream keeps verbatim, while canonical() normalises it', () => {
    for (const [input, canonical] of [
      ['+1', '1'],
      ['010', '10'],
      ['1.500', '1500m'],
      ['1E3', '1e3'],
      ['1.G', '1G'],
      ['9Ki', '9Ki'],
    ]) {
      const q = Quantity.parse(input ?? '');
      expect(q.toString()).toBe(input);
      expect(q.canonical()).toBe(canonical);
    }
    expect(JSON.stringify({ cpu: Quantity.parse('+1') })).toBe('{"cpu":"+1"}');
    expect(Quantity.parse('+1').add(Quantity.fromValue(0)).toString()).toBe('1');
  });

  it('binary values past Ei fall back to decimal notation', () => {
    expect(Quantity.parse('1Ei').mul(1024).toString()).toBe('1180591620717411303424');
    expect(dec(1, 70).withFormat('BinarySI').toString()).toBe('10e69');
    expect(dec(1, -12).toString()).toBe('1e-12');
  });
});

describe('compare', () => {
  it.each([
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1', '1000m', 0],
    ['1Gi', '1073741824', 0],
    ['1G', '1Gi', -1],
    ['-1', '1m', -1],
    ['-2', '-1', -1],
    ['-1', '-2', 1],
    ['1e2000000000', '1', 1],
    ['-1e2000000000', '1', -1],
    ['1e-9', '2n', -1],
    ['0.9', '1', -1],
    ['999m', '1', -1],
    ['1001m', '1', 1],
  ] as const)('%s vs %s = %d', (a, b, want) => {
    expect(parseQuantity(a).cmp(parseQuantity(b))).toBe(want);
    expect(parseQuantity(b).cmp(parseQuantity(a))).toBe(want === 0 ? 0 : -want);
    expect(parseQuantity(a).equals(parseQuantity(b))).toBe(want === 0);
  });

  it('compares mantissas at the int64 edges exactly', () => {
    expect(dec(10n ** 18n, -17).cmp(dec(1, 1))).toBe(0);
    expect(dec(10n ** 18n + 1n, -17).cmp(dec(1, 1))).toBe(1);
    expect(dec(10n ** 18n - 1n, -17).cmp(dec(1, 1))).toBe(-1);
    expect(dec(MIN_INT64, -19).cmp(dec(-1, 0))).toBe(1);
    expect(dec(MIN_INT64, -18).cmp(dec(-1, 0))).toBe(-1);
  });
});

describe('arithmetic', () => {
  it.each([
    ['100m', '900m', '1'],
    ['1Gi', '512Mi', '1536Mi'],
    ['1', '-1', '0'],
    ['1.5', '500m', '2'],
    ['1k', '1', '1001'],
    ['1e3', '1e3', '2e3'],
  ])('%s + %s = %s', (a, b, sum) => {
    expect(parseQuantity(a).add(parseQuantity(b)).toString()).toBe(sum);
    expect(parseQuantity(sum).sub(parseQuantity(b)).cmp(parseQuantity(a))).toBe(0);
  });

  it('a zero receiver takes the other format; otherwise the receiver keeps its own', () => {
    for (const v of ['100m', '1Gi']) {
      const q = parseQuantity(v);
      const zero = parseQuantity('0');
      expect(q.add(zero).toString()).toBe(v);
      expect(zero.add(q).toString()).toBe(v);
      expect(q.sub(zero).toString()).toBe(v);
      expect(zero.sub(q).toString()).toBe('-' + v);
    }
    expect(parseQuantity('1Gi').add(parseQuantity('1G')).format).toBe('BinarySI');
  });

  it('does not mutate operands', () => {
    const a = parseQuantity('1');
    a.add(parseQuantity('2'));
    a.neg();
    a.mul(3);
    expect(a.toString()).toBe('1');
  });

  it('mul by an integer', () => {
    expect(parseQuantity('250m').mul(4).toString()).toBe('1');
    expect(parseQuantity('1Mi').mul(1024n).toString()).toBe('1Gi');
  });

  it('refuses to align exponents absurdly far apart', () => {
    expect(() => parseQuantity('1e100000').add(parseQuantity('1'))).toThrow(QuantityError);
    // The exponent moves down to a multiple of three.
    expect(parseQuantity('1e100000').add(parseQuantity('0')).toString()).toBe('10e99999');
  });
});

describe('integer views', () => {
  it.each([
    ['1', 1n, 1000n],
    ['100m', 1n, 100n],
    ['1.5', 2n, 1500n],
    ['-1.5', -2n, -1500n],
    ['1n', 1n, 1n],
    ['-1n', -1n, -1n],
    ['1Gi', 1073741824n, 1073741824000n],
    ['0', 0n, 0n],
    ['1E', 10n ** 18n, MAX_INT64],
    ['1e100', MAX_INT64, MAX_INT64],
    ['-1e100', MIN_INT64, MIN_INT64],
    ['9Ei', MAX_INT64, MAX_INT64],
  ])('%s: value %d, milliValue %d', (input, value, milli) => {
    const q = parseQuantity(input);
    expect(q.value()).toBe(value);
    expect(q.milliValue()).toBe(milli);
  });

  it('scaledValue rounds away from zero at any scale', () => {
    expect(parseQuantity('1500').scaledValue(3)).toBe(2n);
    expect(parseQuantity('1').scaledValue(-9)).toBe(1_000_000_000n);
    expect(parseQuantity('1n').scaledValue(100)).toBe(1n);
  });

  it('constructors', () => {
    expect(Quantity.fromValue(5).toString()).toBe('5');
    expect(Quantity.fromValue(2048, 'BinarySI').toString()).toBe('2Ki');
    expect(Quantity.fromMilli(1500).toString()).toBe('1500m');
    expect(Quantity.fromMilli(2000).toString()).toBe('2');
    expect(Quantity.fromScaled(3, 6).toString()).toBe('3M');
    expect(() => Quantity.fromValue(1.5)).toThrow(RangeError);
  });

  it('approximates as a float', () => {
    expect(parseQuantity('1.5').asApproximateFloat64()).toBeCloseTo(1.5);
    expect(parseQuantity('2Ki').asApproximateFloat64()).toBe(2048);
    expect(parseQuantity('0').asApproximateFloat64()).toBe(0);
  });

  it('knows its sign', () => {
    expect(parseQuantity('-1m').sign()).toBe(-1);
    expect(parseQuantity('0Gi').sign()).toBe(0);
    expect(parseQuantity('0Gi').isZero()).toBe(true);
    expect(parseQuantity('1m').sign()).toBe(1);
  });
});
