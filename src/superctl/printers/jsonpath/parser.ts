// A parser of kubectl's JSONPath templates: text with {actions}; an action is a path
// ({.items[*].metadata.name}, {..image}, {.items[?(@.kind=="Pod")]}), a quoted string ({"\n"}),
// or {range PATH}...{end}. No npm library speaks this dialect (jsonpath-plus and friends do
// RFC-style JSONPath without templates, range or the relaxed field syntax).
import type { Operand, Path, PathStep, TemplateNode } from './nodes.js';

export class JsonPathSyntaxError extends Error {}

export function parseTemplate(template: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  const stack: { body: TemplateNode[] }[] = [{ body: root }];
  let i = 0;
  const current = (): TemplateNode[] => (stack[stack.length - 1] as { body: TemplateNode[] }).body;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open === -1) {
      current().push({ kind: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) current().push({ kind: 'text', text: template.slice(i, open) });
    const close = findActionEnd(template, open + 1);
    if (close === -1) throw new JsonPathSyntaxError(`unclosed action in ${template}`);
    const action = template.slice(open + 1, close).trim();
    i = close + 1;
    if (action === 'end') {
      if (stack.length === 1) throw new JsonPathSyntaxError(`not in range, nothing to end in ${template}`);
      stack.pop();
    } else if (action.startsWith('range ') || action.startsWith('range\t')) {
      const node: TemplateNode = { kind: 'range', path: parsePath(action.slice('range'.length).trim()), body: [] };
      current().push(node);
      stack.push(node);
    } else if (action.startsWith('"') || action.startsWith("'")) {
      current().push({ kind: 'literal', text: unquote(action) });
    } else {
      current().push({ kind: 'path', path: parsePath(action) });
    }
  }
  if (stack.length !== 1) throw new JsonPathSyntaxError(`unclosed range in ${template}`);
  return root;
}

// The closing brace of an action, skipping braces inside quoted strings.
function findActionEnd(template: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < template.length; i++) {
    const ch = template[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '}') return i;
  }
  return -1;
}

function unquote(text: string): string {
  const q = text[0];
  if (text.length < 2 || text[text.length - 1] !== q) throw new JsonPathSyntaxError(`unclosed quote in ${text}`);
  const inner = text.slice(1, -1);
  return inner.replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r' })[ch] ?? ch);
}

const TERMINATORS = new Set([' ', '\t', '.', ',', '[', ']', '$', '@', '{', '}', '(', ')', '=', '!', '<', '>']);

class PathReader {
  i = 0;
  constructor(readonly text: string) {}
  peek(offset = 0): string | undefined {
    return this.text[this.i + offset];
  }
  done(): boolean {
    return this.i >= this.text.length;
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
}

export function parsePath(text: string): Path {
  const reader = new PathReader(text.trim());
  const path = readPath(reader, false);
  if (!reader.done()) throw new JsonPathSyntaxError(`unexpected "${reader.text.slice(reader.i)}" in ${text}`);
  return path;
}

// A path: steps until the end, or (in a filter) until an operator or ')'.
function readPath(r: PathReader, inFilter: boolean): Path {
  const steps: PathStep[] = [];
  while (!r.done()) {
    const ch = r.peek();
    if (inFilter && (ch === ' ' || ch === ')' || ch === '=' || ch === '!' || ch === '<' || ch === '>')) break;
    if (ch === '$') {
      r.i++;
      steps.push({ kind: 'root' });
    } else if (ch === '@') {
      r.i++;
      steps.push({ kind: 'current' });
    } else if (ch === '.') {
      if (r.peek(1) === '.') {
        r.i += 2;
        steps.push({ kind: 'recursive' });
        if (r.peek() === '[' || r.done()) continue;
        steps.push({ kind: 'field', name: readField(r) });
      } else {
        r.i++;
        if (r.done() || r.peek() === '[') continue; // "{.}" is the current object
        steps.push({ kind: 'field', name: readField(r) });
      }
    } else if (ch === '[') {
      steps.push(readBracket(r));
    } else if (steps.length === 0) {
      // kubectl accepts a leading field without its dot ({metadata.name}).
      steps.push({ kind: 'field', name: readField(r) });
    } else {
      throw new JsonPathSyntaxError(`unexpected "${ch ?? ''}" in ${r.text}`);
    }
  }
  return { steps };
}

function readField(r: PathReader): string {
  let name = '';
  while (!r.done()) {
    const ch = r.peek() ?? '';
    if (ch === '\\' && r.peek(1) !== undefined) {
      name += r.peek(1);
      r.i += 2;
      continue;
    }
    if (TERMINATORS.has(ch)) break;
    name += ch;
    r.i++;
  }
  if (name === '') throw new JsonPathSyntaxError(`a field name is missing in ${r.text}`);
  return name;
}

function readBracket(r: PathReader): PathStep {
  const close = matchingBracket(r.text, r.i);
  if (close === -1) throw new JsonPathSyntaxError(`unterminated array in ${r.text}`);
  const inner = r.text.slice(r.i + 1, close).trim();
  r.i = close + 1;
  if (inner.startsWith('?')) return readFilter(inner.slice(1).trim(), r.text);
  const parts = splitTopLevel(inner, ',');
  if (parts.length > 1) return { kind: 'union', branches: parts.map((p) => bracketBranch(p.trim(), r.text)) };
  const only = bracketBranch(inner, r.text);
  return only.steps[0] as PathStep;
}

function bracketBranch(part: string, whole: string): Path {
  if (part === '*') return { steps: [{ kind: 'index', single: false }] };
  if (part.startsWith("'") || part.startsWith('"')) return { steps: [{ kind: 'field', name: unquote(part) }] };
  if (/^-?\d*(:-?\d*){0,2}$/.test(part) && part !== '') {
    const [start, end, step] = part.split(':').map((n) => (n === '' ? undefined : Number(n)));
    const single = !part.includes(':');
    const index: PathStep = { kind: 'index', single };
    if (start !== undefined) index.start = start;
    // [n] is the slice [n:n+1]; [-1] runs to the end.
    const last = single ? (start !== undefined && start !== -1 ? start + 1 : undefined) : end;
    if (last !== undefined) index.end = last;
    if (step !== undefined) index.step = step;
    return { steps: [index] };
  }
  if (/^[\w-/.]+$/.test(part)) return { steps: [{ kind: 'field', name: part }] };
  throw new JsonPathSyntaxError(`invalid array index ${part} in ${whole}`);
}

function matchingBracket(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '='];

function readFilter(body: string, whole: string): PathStep {
  if (!body.startsWith('(') || !body.endsWith(')')) throw new JsonPathSyntaxError(`invalid filter ${body} in ${whole}`);
  const r = new PathReader(body.slice(1, -1).trim());
  const left = readPath(r, true);
  r.skipSpaces();
  if (r.done()) return { kind: 'filter', left };
  const op = OPERATORS.find((o) => r.text.startsWith(o, r.i));
  if (op === undefined) throw new JsonPathSyntaxError(`invalid filter ${body} in ${whole}`);
  r.i += op.length;
  r.skipSpaces();
  const rest = r.text.slice(r.i).trim();
  let right: Operand;
  if (rest.startsWith('"') || rest.startsWith("'")) right = { kind: 'literal', value: unquote(rest) };
  else if (/^-?\d+(\.\d+)?$/.test(rest)) right = { kind: 'literal', value: Number(rest) };
  else if (rest === 'true' || rest === 'false') right = { kind: 'literal', value: rest === 'true' };
  else if (rest === 'nil' || rest === 'null') right = { kind: 'literal', value: null };
  else right = { kind: 'path', path: parsePath(rest) };
  return { kind: 'filter', left, op: op === '=' ? '==' : op, right };
}
