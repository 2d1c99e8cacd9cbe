// Reading the Quantity string grammar, as upstream resource.ParseQuantity:
//   <quantity> ::= [+-] <digits>[.<digits>] <suffix>
//   <suffix>   ::= Ki|Mi|Gi|Ti|Pi|Ei | n|u|m|""|k|M|G|T|P|E | (e|E)[+-]<digits>
// Values are kept exact (bigint mantissa, base-10 exponent) and rounded up to 1n.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export type QuantityErrorCode = 'FormatWrong' | 'Numeric' | 'Suffix' | 'OutOfRange';

const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const messages: Readonly<Record<QuantityErrorCode, string>> = {
  FormatWrong: `quantities must match the regular expression '${SPLIT_RE_STRING}'`,
  Numeric: 'unable to parse numeric part of quantity',
  Suffix: "unable to parse quantity's suffix",
  OutOfRange: 'quantities are too far apart in magnitude to combine exactly',
};

export class QuantityError extends Error {
  constructor(readonly code: QuantityErrorCode) {
    super(messages[code]);
    this.name = 'QuantityError';
  }
}

/** Decimal SI suffix by base-10 exponent. */
export const DECIMAL_SUFFIXES: ReadonlyMap<number, string> = new Map([
  [-9, 'n'],
  [-6, 'u'],
  [-3, 'm'],
  [0, ''],
  [3, 'k'],
  [6, 'M'],
  [9, 'G'],
  [12, 'T'],
  [15, 'P'],
  [18, 'E'],
]);

/** Binary SI suffix by power of 1024. */
export const BINARY_SUFFIXES: ReadonlyMap<number, string> = new Map([
  [1, 'Ki'],
  [2, 'Mi'],
  [3, 'Gi'],
  [4, 'Ti'],
  [5, 'Pi'],
  [6, 'Ei'],
]);

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const suffixes = new Map<string, Suffix>();
for (const [e, s] of DECIMAL_SUFFIXES) suffixes.set(s, { base: 10, exponent: e, format: 'DecimalSI' });
for (const [p, s] of BINARY_SUFFIXES) suffixes.set(s, { base: 2, exponent: p * 10, format: 'BinarySI' });

const MAX_INT32 = 2147483647;

function interpretSuffix(s: string): Suffix {
  const known = suffixes.get(s);
  if (known !== undefined) return known;
  // Upstream rejects exponents outside int32 rather than wrapping them.
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const exponent = Number(s.slice(1));
    if (Math.abs(exponent) <= MAX_INT32) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityError('Suffix');
}

interface Scanned {
  positive: boolean;
  num: string; // integer digits without leading zeros, "0" when none
  denom: string; // fraction digits as written
  suffix: string;
}

const SUFFIX_CHARS = 'eEinumkKMGTP';

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

// A port of upstream's hand-written scanner, which accepts a few odd forms (".", "1.", "-").
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };

  let i = pos;
  while (isDigit(str[i])) i++;
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i] ?? '')) i++;
  if (i < end && (str[i] === '-' || str[i] === '+')) i++;
  while (isDigit(str[i])) i++;
  if (i < end) throw new QuantityError('FormatWrong');
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

export interface ParsedQuantity {
  unscaled: bigint;
  scale: number; // value = unscaled * 10^scale
  format: QuantityFormat;
  /** The input, when upstream would keep it as the string form (its "already canonical" shortcut). */
  cached: string | undefined;
}

const NANO = -9;
const INT64_MAX = (1n << 63n) - 1n;

/** Parses a quantity string; throws QuantityError with upstream's message. */
export function parseQuantityString(str: string): ParsedQuantity {
  if (str.length === 0) throw new QuantityError('FormatWrong');
  if (str === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI', cached: '0' };
  const { positive, num, denom, suffix } = scan(str);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  let format = parsedFormat;

  let magnitude = BigInt(num + denom);
  let scale = -denom.length;
  if (base === 10) scale += exponent;
  else magnitude <<= BigInt(exponent);

  // Round up to 1n: asking for a sliver of a resource should still get some.
  if (magnitude !== 0n && scale < NANO) {
    magnitude = roundUpMagnitude(magnitude, NANO - scale);
    scale = NANO;
  }
  if (format === 'BinarySI') {
    if (exceeds(magnitude, scale, INT64_MAX)) {
      magnitude = INT64_MAX;
      scale = 0;
    }
    // Below one there is nothing binary to show: fall back to decimal, without rounding.
    if (magnitude !== 0n && scale < 0 && magnitude < 10n ** BigInt(-scale)) format = 'DecimalSI';
  }
  const cached = keepsInput(num, denom, base, exponent) ? str : undefined;
  return { unscaled: positive ? magnitude : -magnitude, scale, format, cached };
}

/** ceil(m / 10^digits) for m > 0; tiny results become 1. */
export function roundUpMagnitude(m: bigint, digits: number): bigint {
  if (digits <= 0) return m * 10n ** BigInt(-digits);
  if (digits > m.toString().length) return 1n;
  const div = 10n ** BigInt(digits);
  const q = m / div;
  return m % div === 0n ? q : q + 1n;
}

// Whether m * 10^scale > limit, without building huge numbers.
function exceeds(m: bigint, scale: number, limit: bigint): boolean {
  if (scale >= 0) return m.toString().length + scale > limit.toString().length + 1 || m * 10n ** BigInt(scale) > limit;
  return m > limit * 10n ** BigInt(-scale);
}

// Upstream's int64 fast path keeps the input string when it looks canonical already;
// String() then echoes it verbatim (so "+1" stays "+1"). Same conditions here.
function keepsInput(num: string, denom: string, base: 2 | 10, exponent: number): boolean {
  if (base === 10) {
    if (num.length + denom.length > 18) return false;
    const scale = exponent - denom.length;
    const shifted = num + denom;
    return scale >= NANO && scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  }
  if (denom.length !== 0 || 15 - num.length - Math.floor((exponent * 3) / 10) - 1 < 0) return false;
  const value = BigInt(num);
  return value << BigInt(exponent) <= INT64_MAX && exponent % 10 === 0 && (value & 7n) !== 0n;
}
