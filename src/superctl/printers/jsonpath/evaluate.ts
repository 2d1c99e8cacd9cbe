// Evaluating a kubectl JSONPath template on JSON data, printing results as kubectl does: several
// results of one action separated by spaces, maps and lists as compact JSON, missing keys as
// nothing (kubectl's default --allow-missing-template-keys=true).
import type { Operand, Path, PathStep, TemplateNode } from './nodes.js';
import { parseTemplate } from './parser.js';

type Json = unknown;

function isMap(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sortedValues(map: Record<string, Json>): Json[] {
  return Object.keys(map)
    .sort()
    .map((k) => map[k]);
}

function stepValues(step: PathStep, values: Json[], root: Json): Json[] {
  switch (step.kind) {
    case 'root':
      return [root];
    case 'current':
      return values;
    case 'field':
      return values.flatMap((v) => {
        if (!isMap(v)) return [];
        if (step.name === '*') return sortedValues(v);
        return step.name in v ? [v[step.name]] : [];
      });
    case 'recursive':
      return values.flatMap((v) => descendants(v));
    case 'index':
      return values.flatMap((v) => {
        if (!Array.isArray(v)) return step.single || step.start !== undefined ? [] : isMap(v) ? sortedValues(v) : [];
        return sliceOf(v as Json[], step.start, step.end, step.step);
      });
    case 'union':
      return step.branches.flatMap((branch) => evalPath(branch, values, root));
    case 'filter':
      return values.flatMap((v) => {
        const items: Json[] = Array.isArray(v) ? (v as Json[]) : isMap(v) ? sortedValues(v) : [];
        return items.filter((item) => matches(step, item, root));
      });
  }
}

function sliceOf(list: Json[], start?: number, end?: number, step?: number): Json[] {
  const n = list.length;
  const norm = (i: number): number => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
  const from = start === undefined ? 0 : norm(start);
  const to = end === undefined ? n : norm(end);
  const by = step === undefined || step === 0 ? 1 : step;
  const out: Json[] = [];
  for (let i = from; i < to; i += by) out.push(list[i]);
  return out;
}

function descendants(v: Json): Json[] {
  const out: Json[] = [v];
  if (Array.isArray(v)) for (const item of v) out.push(...descendants(item));
  else if (isMap(v)) for (const item of sortedValues(v)) out.push(...descendants(item));
  return out;
}

function evalPath(path: Path, values: Json[], root: Json): Json[] {
  let current = values;
  for (const step of path.steps) current = stepValues(step, current, root);
  return current;
}

function operandValues(operand: Operand, item: Json, root: Json): Json[] {
  return operand.kind === 'literal' ? [operand.value] : evalPath(operand.path, [item], root);
}

function matches(step: Extract<PathStep, { kind: 'filter' }>, item: Json, root: Json): boolean {
  const left = evalPath(step.left, [item], root);
  if (step.op === undefined || step.right === undefined) return left.length > 0 && left.some((v) => v !== null && v !== false);
  const right = operandValues(step.right, item, root);
  return left.some((l) => right.some((r) => compare(l, step.op as string, r)));
}

function compare(left: Json, op: string, right: Json): boolean {
  if (typeof left === 'number' && typeof right === 'number') {
    switch (op) {
      case '==':
        return left === right;
      case '!=':
        return left !== right;
      case '<':
        return left < right;
      case '>':
        return left > right;
      case '<=':
        return left <= right;
      case '>=':
        return left >= right;
    }
  }
  const l = typeof left === 'string' ? left : JSON.stringify(left);
  const r = typeof right === 'string' ? right : JSON.stringify(right);
  if (op === '==') return l === r;
  if (op === '!=') return l !== r;
  return false;
}

function text(value: Json): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function run(nodes: TemplateNode[], current: Json, root: Json): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text' || node.kind === 'literal') out += node.text;
    else if (node.kind === 'path') out += evalPath(node.path, [current], root).map(text).join(' ');
    else for (const item of evalPath(node.path, [current], root)) out += run(node.body, item, root);
  }
  return out;
}

/** A compiled template, to print many objects with one parse (custom-columns). */
export class JsonPathTemplate {
  private readonly nodes: TemplateNode[];
  constructor(readonly source: string) {
    this.nodes = parseTemplate(source);
  }
  /** The text the template prints for data. */
  print(data: Json): string {
    return run(this.nodes, data, data);
  }
  /** The values the template's single action selects (custom-columns cells). */
  values(data: Json): Json[] {
    const out: Json[] = [];
    for (const node of this.nodes) if (node.kind === 'path') out.push(...evalPath(node.path, [data], data));
    return out;
  }
}
