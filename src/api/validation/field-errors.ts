// Field-level validation errors as upstream's k8s.io/apimachinery/pkg/util/validation/field:
// the same types (they become Status causes' `reason`), the same paths and the same
// rendered messages, so kubectl users see what a real API server would say.

import { goQuote } from '../go-strings.js';

/** Upstream ErrorType values; they double as StatusCause.reason. */
export const FieldErrorType = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooShort: 'FieldValueTooShort',
  TooMany: 'FieldValueTooMany',
  TooFew: 'FieldValueTooFew',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

const typeText: Readonly<Record<FieldErrorType, string>> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooShort: 'Too short',
  FieldValueTooMany: 'Too many',
  FieldValueTooFew: 'Too few',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marks an error whose value must not be printed (upstream's omitValue). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

export interface FieldError {
  readonly type: FieldErrorType;
  /** Rendered path, e.g. `spec.containers[0].image`; "<nil>" when there is no path. */
  readonly field: string;
  readonly badValue: unknown;
  readonly detail: string;
}

/** A field path; renders as upstream's field.Path does: `a.b[0][key]`. */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly name: string,
    private readonly subscript: string,
  ) {}

  static root(name: string, ...more: string[]): FieldPath {
    return new FieldPath(undefined, name, '').child(...more);
  }

  child(...names: string[]): FieldPath {
    return names.reduce<FieldPath>((p, n) => new FieldPath(p, n, ''), this);
  }

  index(i: number): FieldPath {
    return new FieldPath(this, '', String(i));
  }

  key(k: string): FieldPath {
    return new FieldPath(this, '', k);
  }

  toString(): string {
    const prefix = this.parent?.toString() ?? '';
    if (this.name.length > 0) return prefix + (this.parent !== undefined ? '.' : '') + this.name;
    return `${prefix}[${this.subscript}]`;
  }
}

/** Where an error points: a FieldPath, an already rendered string, or null for upstream's nil path. */
export type PathLike = FieldPath | string | null;

function render(path: PathLike): string {
  return path === null ? '<nil>' : String(path);
}

function make(type: FieldErrorType, path: PathLike, badValue: unknown, detail: string): FieldError {
  return { type, field: render(path), badValue, detail };
}

export function required(path: PathLike, detail = ''): FieldError {
  return make(FieldErrorType.Required, path, '', detail);
}

export function invalid(path: PathLike, value: unknown, detail: string): FieldError {
  return make(FieldErrorType.Invalid, path, value, detail);
}

export function typeInvalid(path: PathLike, value: unknown, detail: string): FieldError {
  return make(FieldErrorType.TypeInvalid, path, value, detail);
}

export function notFound(path: PathLike, value: unknown): FieldError {
  return make(FieldErrorType.NotFound, path, value, '');
}

export function duplicate(path: PathLike, value: unknown): FieldError {
  return make(FieldErrorType.Duplicate, path, value, '');
}

export function notSupported(path: PathLike, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? 'supported values: ' + validValues.map(goQuote).join(', ') : '';
  return make(FieldErrorType.NotSupported, path, value, detail);
}

export function forbidden(path: PathLike, detail: string): FieldError {
  return make(FieldErrorType.Forbidden, path, '', detail);
}

/** The value is never printed, only the limit (in bytes; negative means unknown). */
export function tooLong(path: PathLike, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return make(FieldErrorType.TooLong, path, '<value omitted>', detail);
}

/** As tooLong, counting characters rather than bytes. */
export function tooLongCharacters(path: PathLike, maxLength: number): FieldError {
  const detail =
    maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'character' : 'characters'}` : 'value is too long';
  return make(FieldErrorType.TooLong, path, '<value omitted>', detail);
}

export function tooShort(path: PathLike, value: string, minLength: number): FieldError {
  const detail =
    minLength >= 0 ? `must be at least ${minLength} ${minLength === 1 ? 'character' : 'characters'}` : 'value is too short';
  return make(FieldErrorType.TooShort, path, value, detail);
}

/** A list with too many items; a negative `actual` leaves the count out of the message. */
export function tooMany(path: PathLike, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return make(FieldErrorType.TooMany, path, actual >= 0 ? actual : OMIT_VALUE, detail);
}

export function internalError(path: PathLike, err: Error): FieldError {
  return make(FieldErrorType.Internal, path, err, err.message);
}

/** The message without the field, e.g. `Invalid value: "Foo": a lowercase RFC 1123 ...`. */
export function fieldErrorBody(e: FieldError): string {
  let s = typeText[e.type];
  switch (e.type) {
    case FieldErrorType.Required:
    case FieldErrorType.Forbidden:
    case FieldErrorType.TooLong:
    case FieldErrorType.TooShort:
    case FieldErrorType.Internal:
      break;
    default:
      if (e.badValue !== OMIT_VALUE) s += ': ' + renderValue(e.badValue);
  }
  return e.detail.length > 0 ? `${s}: ${e.detail}` : s;
}

/** The full message, e.g. `metadata.name: Required value: name or generateName is required`. */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

// Go prints simple values with %v, strings with %q and anything else as JSON.
function renderValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return 'null';
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return '<unprintable value>';
  }
}

/**
 * Upstream's ErrorList.ToAggregate().Error(): messages deduplicated in order, one shown
 * bare, several as `[a, b]`; "" for none. This is the tail of a 422 Status message.
 */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errors) {
    const m = fieldErrorMessage(e);
    if (!seen.has(m)) {
      seen.add(m);
      msgs.push(m);
    }
  }
  if (msgs.length === 0) return '';
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}
