// Field selectors as k8s.io/apimachinery/pkg/fields: `?fieldSelector=` terms
// `a=b`, `a==b`, `a!=b` joined by commas, with `\` escaping `\`, `,` and `=` in values.
// Which fields a resource supports is the server's business: it reads `requirements`.

/** `=` covers `==` too, as upstream's selection.Equals does for field selectors. */
export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

export type Fields = Readonly<Record<string, string>>;

export class FieldSelectorError extends Error {
  readonly code = 'InvalidFieldSelector';
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

/** Escapes a literal value for use in a field selector (upstream EscapeValue). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** Undoes escapeFieldValue; unescaped `,`/`=` and unknown escapes are errors, worded as upstream. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Upstream formats the rune with %v, which prints its number (61 for '=').
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** A parsed field selector: an AND of requirements, in the sorted order of their source terms. */
export class FieldMatcher {
  private constructor(readonly requirements: readonly FieldRequirement[]) {}

  static everything(): FieldMatcher {
    return new FieldMatcher([]);
  }

  static of(requirements: readonly FieldRequirement[]): FieldMatcher {
    return new FieldMatcher([...requirements]);
  }

  /** A missing field compares as "", so `spec.nodeName=` selects unscheduled pods. */
  matches(fields: Fields): boolean {
    return this.requirements.every((r) => {
      const actual = Object.hasOwn(fields, r.field) ? (fields[r.field] ?? '') : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  /** The value `field` must equal, if a term pins it (lets callers index by it, e.g. metadata.name). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

// Splits on commas that are not escaped; escapes stay in the terms for unescapeFieldValue.
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// The first operator found left to right splits the term: the field cannot contain one.
function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Parses `?fieldSelector=`; throws FieldSelectorError with upstream's message. */
export function parseFieldSelector(selector: string): FieldMatcher {
  const terms = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [field, op, rhs] = parts;
    reqs.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(rhs) });
  }
  return FieldMatcher.of(reqs);
}

/** A selector requiring exactly these field values (upstream SelectorFromSet). */
export function fieldSelectorFromSet(fields: Fields): FieldMatcher {
  return FieldMatcher.of(Object.entries(fields).map(([field, value]) => ({ field, operator: '=' as const, value })));
}
