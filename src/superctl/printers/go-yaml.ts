// YAML as kubectl prints it (sigs.k8s.io/yaml over go-yaml v2): map keys in go-yaml's order,
// sequences not indented under their key, strings that YAML 1.1 would read as something else
// ("yes", "123", "2020-01-01", "") double-quoted, other strings plain when YAML allows, else
// single-quoted; multi-line strings as literal blocks; long plain lines folded at a space once
// past column 80, as go-yaml's emitter does. Input is JSON data (maps, arrays, scalars).
const BEST_WIDTH = 80;
const INDENT = 2;

const YAML11_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~', '<<',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const INT = /^[-+]?(0b[01]+|0x[0-9a-fA-F]+|0o?[0-7]+|[0-9]+)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:?[0-9]{2})?))?)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** True when YAML 1.1 would not read the plain text back as this string. */
function isAmbiguous(s: string): boolean {
  if (s === '' || YAML11_WORDS.has(s)) return true;
  if (!/^[-+.0-9]/.test(s)) return false;
  const plain = s.replace(/_/g, '');
  return INT.test(plain) || FLOAT.test(plain) || TIMESTAMP.test(s) || BASE60.test(s);
}

function isPrintable(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || c >= 0x10000;
}

interface Analysis {
  plain: boolean;
  single: boolean;
  block: boolean;
  multiline: boolean;
}

// go-yaml's yaml_emitter_analyze_scalar, for the block context.
function analyze(s: string): Analysis {
  const chars = [...s];
  let blockIndicators = false;
  let special = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  chars.forEach((ch, i) => {
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':' || ch === '-') && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(ch) || ch === '\ufeff') special = true;
    if (ch === '\n') lineBreaks = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (ch === '\n') {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
  });
  let plain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) plain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    plain = false;
    single = false;
  }
  if (spaceBreak || special) {
    plain = false;
    single = false;
    block = false;
  }
  if (lineBreaks) plain = false;
  if (blockIndicators) plain = false;
  return { plain, single, block, multiline: lineBreaks };
}

/** Writes text, tracking the column so long scalars fold as go-yaml folds them. */
class Out {
  text = '';
  column = 0;
  write(s: string): void {
    this.text += s;
    const nl = s.lastIndexOf('\n');
    this.column = nl === -1 ? this.column + [...s].length : [...s.slice(nl + 1)].length;
  }
  newline(indent: number): void {
    this.write(`\n${' '.repeat(indent)}`);
  }
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 0) out += '\\0';
    else if (!isPrintable(ch) || ch === '\ufeff') out += c <= 0xff ? `\\x${c.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function writeFolded(out: Out, s: string, indent: number, allowBreaks: boolean): void {
  const chars = [...s];
  let spaces = false;
  chars.forEach((ch, i) => {
    if (ch === ' ') {
      if (allowBreaks && !spaces && out.column > BEST_WIDTH && chars[i + 1] !== ' ' && i !== 0 && i !== chars.length - 1) out.newline(indent);
      else out.write(ch);
      spaces = true;
    } else {
      out.write(ch);
      spaces = false;
    }
  });
}

function writeLiteral(out: Out, s: string, indent: number): void {
  let hints = '';
  if (s.startsWith(' ') || s.startsWith('\n')) hints += String(INDENT);
  if (!s.endsWith('\n')) hints += '-';
  else if (s.length === 1 || s.endsWith('\n\n')) hints += '+';
  out.write(`|${hints}`);
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  for (const line of body.split('\n')) {
    if (line === '') out.write('\n');
    else {
      out.newline(indent);
      out.write(line);
    }
  }
}

/** A string scalar after "key: " or "- " (or as a key when isKey). indent is for continuation lines. */
function writeString(out: Out, s: string, indent: number, isKey: boolean): void {
  if (isAmbiguous(s)) {
    out.write(doubleQuoted(s));
    return;
  }
  const a = analyze(s);
  if (a.multiline && !isKey && a.block) {
    writeLiteral(out, s, indent);
    return;
  }
  if (a.plain && !(isKey && a.multiline)) {
    writeFolded(out, s, indent, !isKey);
    return;
  }
  if (a.single && !a.multiline) {
    out.write("'");
    writeFolded(out, s.replace(/'/g, "''"), indent, !isKey);
    out.write("'");
    return;
  }
  out.write(doubleQuoted(s));
}

function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : goFloat(value);
  return undefined;
}

function goFloat(n: number): string {
  const text = String(n);
  // Go's 'g' format writes exponents with at least two digits: 1e-07.
  return text.replace(/e([-+])(\d)$/, 'e$10$2');
}

function isEmptyCollection(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return '{}';
  return undefined;
}

function isCollection(value: unknown): boolean {
  return value !== null && typeof value === 'object' && isEmptyCollection(value) === undefined;
}

/** A value written after "key:" or "- " on the current line; indent is that of the container. */
function writeInline(out: Out, value: unknown, indent: number): void {
  const scalar = scalarText(value);
  if (scalar !== undefined) out.write(scalar);
  else if (typeof value === 'string') writeString(out, value, indent + INDENT, false);
  else out.write(isEmptyCollection(value) ?? '');
}

function writeMap(out: Out, map: Record<string, unknown>, indent: number, first: boolean): void {
  goSortedKeys(Object.keys(map)).forEach((key, i) => {
    if (!(first && i === 0)) out.newline(indent);
    writeString(out, key, indent, true);
    out.write(':');
    const value = map[key];
    if (Array.isArray(value) && value.length > 0) {
      writeSequence(out, value, indent, false);
    } else if (isCollection(value)) {
      out.newline(indent + INDENT);
      writeMap(out, value as Record<string, unknown>, indent + INDENT, true);
    } else {
      out.write(' ');
      writeInline(out, value, indent);
    }
  });
}

function writeSequence(out: Out, items: unknown[], indent: number, first: boolean): void {
  items.forEach((item, i) => {
    if (!(first && i === 0)) out.newline(indent);
    out.write('- ');
    if (Array.isArray(item) && item.length > 0) writeSequence(out, item, indent + INDENT, true);
    else if (isCollection(item)) writeMap(out, item as Record<string, unknown>, indent + INDENT, true);
    else writeInline(out, item, indent);
  });
}

// go-yaml v2's keyList.Less: runs of digits compare as numbers, non-letters sort before letters.
function goKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? '';
    const bc = br[i] ?? '';
    if (ac === bc) continue;
    const al = /\p{L}/u.test(ac);
    const bl = /\p{L}/u.test(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && /[0-9]/.test(ar[j] ?? ''); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && /[0-9]/.test(ar[ai] ?? ''); ai++) an = an * 10 + Number(ar[ai]);
    let bi = i;
    for (; bi < br.length && /[0-9]/.test(br[bi] ?? ''); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  return ar.length < br.length;
}

function goSortedKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0));
}

/** One YAML document, ending with a newline. */
export function toGoYaml(value: unknown): string {
  const out = new Out();
  const empty = isEmptyCollection(value);
  if (empty !== undefined) return `${empty}\n`;
  if (Array.isArray(value)) writeSequence(out, value, 0, true);
  else if (isCollection(value)) writeMap(out, value as Record<string, unknown>, 0, true);
  else writeInline(out, value, -INDENT);
  return `${out.text}\n`;
}
