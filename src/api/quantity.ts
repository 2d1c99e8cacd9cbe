// resource.Quantity: an exact fixed-point number with a preferred notation, as
// k8s.io/apimachinery/pkg/api/resource. Never a float: requests, limits and
// capacities are compared and summed exactly. Instances are immutable.

import {
  BINARY_SUFFIXES,
  DECIMAL_SUFFIXES,
  QuantityError,
  type QuantityFormat,
  parseQuantityString,
  roundUpMagnitude,
} from './quantity-parse.js';

export { QuantityError, type QuantityErrorCode, type QuantityFormat } from './quantity-parse.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
// Aligning exponents further apart than this would build numbers of that many digits.
const MAX_ALIGN_DIGITS = 10_000;

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function digits(n: bigint): number {
  return abs(n).toString().length;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

export class Quantity {
  private constructor(
    /** value = unscaled * 10^scale */
    private readonly unscaled: bigint,
    private readonly scale: number,
    readonly format: QuantityFormat,
    private readonly cached: string | undefined,
  ) {}

  /** Parses `100m`, `1.5`, `2Gi`, `500M`, `1e3`...; throws QuantityError with upstream's message. */
  static parse(str: string): Quantity {
    const p = parseQuantityString(str);
    return new Quantity(p.unscaled, p.scale, p.format, p.cached);
  }

  /** An integer amount (upstream NewQuantity). */
  static fromValue(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(value), 0, format, undefined);
  }

  /** value/1000, e.g. millicores (upstream NewMilliQuantity). */
  static fromMilli(milli: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(milli), -3, format, undefined);
  }

  /** value * 10^scale in DecimalSI (upstream NewScaledQuantity). */
  static fromScaled(value: bigint | number, scale: number): Quantity {
    return new Quantity(toBigInt(value), scale, 'DecimalSI', undefined);
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const sa = this.sign();
    const sb = other.sign();
    if (sa !== sb) return sa > sb ? 1 : -1;
    if (sa === 0) return 0;
    // Compare orders of magnitude first so far-apart exponents never get aligned.
    const ta = digits(this.unscaled) + this.scale;
    const tb = digits(other.unscaled) + other.scale;
    if (ta !== tb) return ta > tb ? sa : sa === 1 ? -1 : 1;
    const [a, b] = Quantity.align(this, other, Infinity);
    return a === b ? 0 : a > b ? 1 : -1;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** The sum; a zero receiver takes the format of `other`, as upstream Add does. */
  add(other: Quantity): Quantity {
    if (other.isZero()) return new Quantity(this.unscaled, this.scale, this.isZero() ? other.format : this.format, undefined);
    if (this.isZero()) return new Quantity(other.unscaled, other.scale, other.format, undefined);
    const [a, b, scale] = Quantity.align(this, other, MAX_ALIGN_DIGITS);
    return new Quantity(a + b, scale, this.format, undefined);
  }

  /** The difference; a zero receiver takes the format of `other`, as upstream Sub does. */
  sub(other: Quantity): Quantity {
    return this.add(other.neg());
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.scale, this.format, undefined);
  }

  /** The same value written in another notation (upstream lets callers set Format freely). */
  withFormat(format: QuantityFormat): Quantity {
    return new Quantity(this.unscaled, this.scale, format, undefined);
  }

  /** The product with an integer. */
  mul(factor: bigint | number): Quantity {
    return new Quantity(this.unscaled * toBigInt(factor), this.scale, this.format, undefined);
  }

  // Both mantissas at the smaller exponent; throws past `limit` digits of shift.
  private static align(a: Quantity, b: Quantity, limit: number): [bigint, bigint, number] {
    if (Math.abs(a.scale - b.scale) > limit) throw new QuantityError('OutOfRange');
    const scale = Math.min(a.scale, b.scale);
    return [a.unscaled * pow10(a.scale - scale), b.unscaled * pow10(b.scale - scale), scale];
  }

  /**
   * ceil(value / 10^scale), rounding away from zero, saturated to the int64 range
   * as upstream ScaledValue. E.g. scaledValue(-3) of "1.5" is 1500n.
   */
  scaledValue(scale: number): bigint {
    if (this.unscaled === 0n) return 0n;
    const negative = this.unscaled < 0n;
    const shift = this.scale - scale;
    let magnitude: bigint;
    if (shift >= 0) {
      if (digits(this.unscaled) + shift > 20) return negative ? INT64_MIN : INT64_MAX;
      magnitude = abs(this.unscaled) * pow10(shift);
    } else {
      magnitude = roundUpMagnitude(abs(this.unscaled), -shift);
    }
    const result = negative ? -magnitude : magnitude;
    return result > INT64_MAX ? INT64_MAX : result < INT64_MIN ? INT64_MIN : result;
  }

  /** The value rounded up to an integer: bytes, or whole cores. */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** The value in thousandths, rounded up: millicores for CPU. */
  milliValue(): bigint {
    return this.scaledValue(-3);
  }

  /** A float approximation, for display and scoring only. */
  asApproximateFloat64(): number {
    if (this.unscaled === 0n) return 0;
    return Number(this.unscaled) * 10 ** this.scale;
  }

  /** Upstream's String(): the canonical form, or the input when upstream keeps it. */
  toString(): string {
    return this.cached ?? this.canonical();
  }

  toJSON(): string {
    return this.toString();
  }

  /**
   * The canonical form: no fraction digits, the largest suffix that loses nothing,
   * in the notation the value was written in ("1000m" -> "1", "1024Mi" -> "1Gi").
   */
  canonical(): string {
    if (this.unscaled === 0n) return '0';
    const sign = this.unscaled < 0n ? '-' : '';
    let format = this.format;
    if (format === 'BinarySI') {
      const whole = this.integerValue();
      // Small or fractional binary values read better in decimal ("500m", not rounding).
      if (whole === undefined || abs(whole) < 1024n) format = 'DecimalSI';
      else {
        let m = abs(whole);
        let power = 0;
        while (m % 1024n === 0n) {
          m /= 1024n;
          power++;
        }
        if (power === 0) return sign + m.toString();
        const suffix = BINARY_SUFFIXES.get(power);
        if (suffix !== undefined) return sign + m.toString() + suffix;
        format = 'DecimalSI'; // beyond Ei there is no binary suffix
      }
    }
    const [mantissa, exponent] = this.base10();
    // Upstream (since the fix for 10^21 printing as "1") falls back to exponent form.
    const suffix = (format === 'DecimalSI' ? DECIMAL_SUFFIXES.get(exponent) : undefined) ?? (exponent === 0 ? '' : `e${exponent}`);
    return sign + mantissa.toString() + suffix;
  }

  // Magnitude and exponent with the exponent a multiple of three, as small as the value allows.
  private base10(): [bigint, number] {
    let m = abs(this.unscaled);
    let e = this.scale;
    while (m % 10n === 0n) {
      m /= 10n;
      e++;
    }
    while (e % 3 !== 0) {
      m *= 10n;
      e--;
    }
    return [m, e];
  }

  private integerValue(): bigint | undefined {
    if (this.scale >= 0) return this.unscaled * pow10(this.scale);
    if (-this.scale > digits(this.unscaled)) return undefined;
    const div = pow10(-this.scale);
    return this.unscaled % div === 0n ? this.unscaled / div : undefined;
  }
}

function toBigInt(v: bigint | number): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe integer: ${v}`);
  return BigInt(v);
}

/** Parses a quantity string; throws QuantityError. */
export function parseQuantity(str: string): Quantity {
  return Quantity.parse(str);
}
