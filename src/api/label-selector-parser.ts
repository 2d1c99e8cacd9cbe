// The lexer and recursive-descent parser of label selector strings, a faithful
// re-creation of k8s.io/apimachinery/pkg/labels (Lexer, Parser) so that the same
// inputs are accepted and the same messages come back for the rest.

import type { Requirement, SelectorOperator } from './label-selector.js';
import { fieldErrorMessage, invalid } from './validation/field-errors.js';
import { isQualifiedName } from './validation/names.js';

type Token = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const literalTokens = new Map<string, Token>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

interface Item {
  tok: Token;
  lit: string;
}

// Go's lexer reads bytes and returns 0 at the end, so a NUL character also ends the input.
const END = '\0';

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++] ?? END;
    return END;
  }

  private unread(): void {
    this.pos--;
  }

  lex(): Item {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === END) return { tok: 'eos', lit: '' };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }

  private scanIdOrKeyword(): Item {
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buf += ch;
    }
    return { tok: literalTokens.get(buf) ?? 'id', lit: buf };
  }

  // Longest operator match: "!=" rather than "!" then "=".
  private scanSpecialSymbol(): Item {
    let last: Item | undefined;
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (!isSpecialSymbol(ch)) {
        this.unread();
        break;
      }
      buf += ch;
      const tok = literalTokens.get(buf);
      if (tok !== undefined) last = { tok, lit: buf };
      else if (last !== undefined) {
        this.unread();
        break;
      }
    }
    return last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` };
  }
}

type Context = 'keyAndOperator' | 'values';

export type RequirementFactory = (key: string, op: SelectorOperator, values: readonly string[]) => Requirement;

/**
 * Parses a selector string into requirements (unsorted). `build` validates each
 * requirement (and throws on problems); `fail` makes the error thrown for bad syntax.
 */
export function parseRequirements(selector: string, build: RequirementFactory, fail: (message: string) => Error): Requirement[] {
  return new Parser(selector, build, fail).parse();
}

class Parser {
  private readonly items: Item[] = [];
  private position = 0;

  constructor(
    selector: string,
    private readonly build: RequirementFactory,
    private readonly fail: (message: string) => Error,
  ) {
    const lexer = new Lexer(selector);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.tok === 'eos') break;
    }
  }

  // In value position the keywords `in` and `notin` are ordinary identifiers.
  private lookahead(ctx: Context): Item {
    const item = this.items[Math.min(this.position, this.items.length - 1)] ?? { tok: 'eos', lit: '' };
    if (ctx === 'values' && (item.tok === 'in' || item.tok === 'notin')) return { tok: 'id', lit: item.lit };
    return item;
  }

  private consume(ctx: Context): Item {
    const item = this.lookahead(ctx);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'eos') return reqs;
      if (tok !== 'id' && tok !== '!') throw this.fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.parseRequirement());
      } catch (e) {
        throw this.fail(`unable to parse requirement: ${e instanceof Error ? e.message : String(e)}`);
      }
      const next = this.consume('values');
      if (next.tok === 'eos') return reqs;
      if (next.tok !== ',') throw this.fail(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead('values');
      if (after.tok !== 'id' && after.tok !== '!') throw this.fail(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred !== undefined) return this.build(key, inferred, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    // Upstream collects values in a set: deduplicated and sorted.
    return this.build(key, op, [...values].sort());
  }

  private parseKeyAndInferOperator(): [string, SelectorOperator | undefined] {
    let op: SelectorOperator | undefined;
    let item = this.consume('values');
    if (item.tok === '!') {
      op = '!';
      item = this.consume('values');
    }
    if (item.tok !== 'id') throw new Error(`found '${item.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(item.lit);
    // Upstream validates the key here against a nil field path, hence "<nil>: ...".
    if (keyErrs.length > 0) throw new Error(fieldErrorMessage(invalid(null, item.lit, keyErrs.join('; '))));
    const next = this.lookahead('values').tok;
    if ((next === 'eos' || next === ',') && op !== '!') op = 'exists';
    return [item.lit, op];
  }

  private parseOperator(): SelectorOperator {
    const { tok, lit } = this.consume('keyAndOperator');
    switch (tok) {
      case 'in':
        return 'in';
      case '=':
        return '=';
      case '==':
        return '==';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      case 'notin':
        return 'notin';
      case '!=':
        return '!=';
      default:
        throw new Error(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === 'id' || tok === ',') {
      const s = this.parseIdentifiersList();
      if (this.consume('values').tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === ')') {
      this.consume('values');
      return new Set(['']);
    }
    throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
  }

  // A possibly empty, comma-separated list of possibly empty identifiers: "(a,,b)", "(,a)", "(a,)".
  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'id') {
        s.add(lit);
        const next = this.lookahead('values');
        if (next.tok === ',') continue;
        if (next.tok === ')') return s;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') throw new Error(`found '${lit}', expected: ',', or identifier`);
      if (s.size === 0) s.add('');
      const next = this.lookahead('values').tok;
      if (next === ')') {
        s.add('');
        return s;
      }
      if (next === ',') {
        this.consume('values');
        s.add('');
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead('values').tok;
    if (next === 'eos' || next === ',') return new Set(['']);
    const { tok, lit } = this.consume('values');
    if (tok === 'id') return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}
