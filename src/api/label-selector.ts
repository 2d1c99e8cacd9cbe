// Label selectors as k8s.io/apimachinery/pkg/labels: the `?labelSelector=` string
// syntax (same lexer, same grammar, same error text), metav1.LabelSelector objects,
// matching and the canonical string form.

import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { goQuote, parseGoInt64 } from './go-strings.js';
import { type FieldError, FieldPath, type PathLike, aggregateMessage, invalid, notSupported } from './validation/field-errors.js';
import { isQualifiedName, isValidLabelValue } from './validation/names.js';
import { parseRequirements } from './label-selector-parser.js';

/** Upstream selection.Operator values. */
export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

/** A selector that could not be parsed or built; the message is upstream's. */
export class LabelSelectorError extends Error {
  readonly code = 'InvalidLabelSelector';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabelSelectorError';
  }
}

const OPERATORS: readonly SelectorOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

/**
 * Builds a validated requirement, as upstream labels.NewRequirement; throws
 * LabelSelectorError with every problem. `path` prefixes the field paths in messages.
 */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[], path?: FieldPath): Requirement {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  const child = (name: string): PathLike => (path ? path.child(name) : FieldPath.root(name));
  if (keyErrs.length > 0) errs.push(invalid(child('key'), key, keyErrs.join('; ')));
  const valuesPath = path ? path.child('values') : FieldPath.root('values');
  switch (operator) {
    case 'in':
    case 'notin':
      // Go renders the nil slice it is handed as JSON null.
      if (values.length === 0) errs.push(invalid(valuesPath, null, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid(valuesPath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid(valuesPath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseGoInt64(v) === undefined) {
          errs.push(invalid(valuesPath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(notSupported(child('operator'), operator, OPERATORS));
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(invalid(valuesPath.index(i).key(key), v, valueErrs.join('; ')));
  });
  if (errs.length > 0) throw new LabelSelectorError(aggregateMessage(errs));
  return { key, operator, values: [...values] };
}

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value ?? '');
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value ?? '');
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const actual = parseGoInt64(value ?? '');
      const bound = parseGoInt64(r.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

const operatorText: Readonly<Record<SelectorOperator, string>> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** One requirement in string form, values sorted, as upstream Requirement.String. */
export function requirementToString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return '!' + r.key;
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort(compareStrings).join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return r.key + operatorText[r.operator] + body;
}

// Go sorts strings by bytes; comparing UTF-16 code units agrees for everything a label value may hold.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A parsed label selector: an AND of requirements, sorted by key. */
export class LabelMatcher {
  private constructor(
    readonly requirements: readonly Requirement[],
    /** True for the selector that matches nothing (a nil metav1.LabelSelector). */
    readonly selectsNothing: boolean,
  ) {}

  static everything(): LabelMatcher {
    return new LabelMatcher([], false);
  }

  static nothing(): LabelMatcher {
    return new LabelMatcher([], true);
  }

  /** Sorts by key (stably) as upstream Selector.Add does. */
  static of(requirements: readonly Requirement[]): LabelMatcher {
    return new LabelMatcher(
      [...requirements].sort((a, b) => compareStrings(a.key, b.key)),
      false,
    );
  }

  matches(labels: Labels | undefined): boolean {
    if (this.selectsNothing) return false;
    const l = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, l));
  }

  /** True when the selector does not restrict anything. */
  isEmpty(): boolean {
    return !this.selectsNothing && this.requirements.length === 0;
  }

  /** The single value `key` must have, if the selector pins one (lets callers index by it). */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (r === undefined) return undefined;
    const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
    return exact && r.values.length === 1 ? r.values[0] : undefined;
  }

  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

/** Parses the `?labelSelector=` syntax; throws LabelSelectorError with upstream's message. */
export function parseLabelSelector(selector: string): LabelMatcher {
  return LabelMatcher.of(parseRequirements(selector, newRequirement, (msg) => new LabelSelectorError(msg)));
}

/**
 * Converts a metav1.LabelSelector, as upstream LabelSelectorAsSelector: null/undefined
 * selects nothing, an empty selector selects everything. Throws LabelSelectorError.
 */
export function labelSelectorFromObject(selector: LabelSelector | null | undefined): LabelMatcher {
  if (selector === null || selector === undefined) return LabelMatcher.nothing();
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return LabelMatcher.everything();
  const reqs: Requirement[] = matchLabels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const expr of expressions) {
    const op = objectOperator(expr.operator);
    if (op === undefined) throw new LabelSelectorError(`${goQuote(String(expr.operator))} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return LabelMatcher.of(reqs);
}

function objectOperator(op: string): SelectorOperator | undefined {
  switch (op) {
    case 'In':
      return 'in';
    case 'NotIn':
      return 'notin';
    case 'Exists':
      return 'exists';
    case 'DoesNotExist':
      return '!';
    default:
      return undefined;
  }
}

/** A selector requiring exactly these labels, unvalidated (upstream SelectorFromSet). */
export function selectorFromSet(labels: Labels | undefined): LabelMatcher {
  return LabelMatcher.of(Object.entries(labels ?? {}).map(([key, value]) => ({ key, operator: '=' as const, values: [value] })));
}
