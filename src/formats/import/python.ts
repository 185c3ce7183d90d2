// Reading Python configuration as text, never running it. @lezer/python gives the
// syntax tree; this module reads the few literal forms a setting can take (numbers,
// strings, True/False/None, a class name like NullPool) and says why anything else
// (a call, a variable from the environment, arithmetic on a function's result)
// cannot be used: the reader must give the number.
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import { cut, lineIndex } from './collect';

export interface PySource {
  text: string;
  tree: Tree;
  lineOf: (pos: number) => number;
  /** Lines holding a syntax error: statements touching them are not read. */
  errorLines: Set<number>;
  /** Module-level `NAME = <expr>` (the last one), to follow `"pool_size": POOL_SIZE`. */
  constants: Map<string, SyntaxNode>;
  /** Names bound by imports: `NP` -> `sqlalchemy.pool.NullPool`, `sa` -> `sqlalchemy`. */
  imports: Map<string, string>;
  /** Set when the text could not be read as Python at all; the tree is then empty. */
  failure?: string;
}

/** Deeper literal nesting than this is not configuration; refuse instead of recursing. */
const MAX_DEPTH = 40;

/**
 * Real configuration parses in a fraction of this; text that is far from Python can keep
 * the parser's error recovery busy for seconds, so the parse stops here with a message.
 */
const PARSE_BUDGET_MS = 1500;

const now = (): number => globalThis.performance?.now() ?? Date.now();

function parseWithin(text: string): Tree | null {
  const parse = parser.startParse(text);
  const deadline = now() + PARSE_BUDGET_MS;
  for (let step = 1; ; step++) {
    const tree = parse.advance();
    if (tree) return tree;
    if (step % 512 === 0 && now() > deadline) return null;
  }
}

export function parsePython(text: string): PySource {
  const lineOf = lineIndex(text);
  const source: PySource = {
    text,
    tree: parser.parse(''),
    lineOf,
    errorLines: new Set(),
    constants: new Map(),
    imports: new Map(),
  };
  const tree = parseWithin(text);
  if (!tree) {
    source.failure = 'This text took too long to read as Python (is it Python?): nothing was read.';
    return source;
  }
  // @lezer/python can build a tree with nodes of no type from heavily damaged text; such a
  // tree cannot be walked, so it is refused as a whole (seen with thousands of stray brackets).
  const cursor = tree.cursor();
  do {
    const type = cursor.type as typeof cursor.type | undefined;
    if (!type) {
      source.failure = 'This text is too damaged to read as Python: nothing was read.';
      return source;
    }
    if (type.isError) source.errorLines.add(lineOf(cursor.from));
  } while (cursor.next());
  source.tree = tree;
  for (const statement of children(tree.topNode)) {
    if (statement.name === 'AssignStatement') {
      const parts = children(statement);
      const value = parts[parts.length - 1];
      const target = parts[0];
      if (parts.length === 3 && target?.name === 'VariableName' && value) {
        source.constants.set(code(source, target), value);
      }
    } else if (statement.name === 'ImportStatement') {
      readImport(source, statement);
    }
  }
  return source;
}

function readImport(source: PySource, statement: SyntaxNode): void {
  const parts = children(statement);
  const importAt = parts.findIndex((n) => n.name === 'import');
  const from = parts[0]?.name === 'from';
  const module = from
    ? parts
        .slice(1, importAt)
        .map((n) => code(source, n))
        .join('')
    : '';
  const names = parts.slice(importAt + 1);
  for (let i = 0; i < names.length; i++) {
    const node = names[i];
    if (node?.name !== 'VariableName') continue;
    const name = code(source, node);
    const alias = names[i + 1]?.name === 'as' ? names[i + 2] : undefined;
    const local = alias ? code(source, alias) : name;
    source.imports.set(local, from ? `${module}.${name}` : name);
    if (alias) i += 2;
  }
}

export function code(source: PySource, node: SyntaxNode): string {
  return source.text.slice(node.from, node.to);
}

/** A node's children without comments. */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'Comment') out.push(child);
  }
  return out;
}

export function hasError(source: PySource, node: SyntaxNode): boolean {
  const first = source.lineOf(node.from);
  const last = source.lineOf(node.to);
  for (let line = first; line <= last; line++) if (source.errorLines.has(line)) return true;
  return false;
}

/** `a.b.c` for a name or a chain of attribute accesses, else null (calls, subscripts). */
export function dottedName(source: PySource, node: SyntaxNode | null | undefined): string | null {
  const parts: string[] = [];
  // Iterative, so that a hostile `a.a.a...` chain cannot exhaust the stack.
  for (let n = node; n;) {
    if (n.name === 'VariableName') {
      parts.push(code(source, n));
      return parts.reverse().join('.');
    }
    if (n.name !== 'MemberExpression' || parts.length > 50) return null;
    const items = children(n);
    const last = items[items.length - 1];
    if (items.length !== 3 || last?.name !== 'PropertyName') return null;
    parts.push(code(source, last));
    n = items[0];
  }
  return null;
}

/** A dotted name with its first part resolved through the imports: `sa.pool.NullPool` -> `sqlalchemy.pool.NullPool`. */
export function qualifiedName(
  source: PySource,
  node: SyntaxNode | null | undefined,
): string | null {
  const name = dottedName(source, node);
  if (name === null) return null;
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  const bound = source.imports.get(head);
  return bound === undefined ? name : bound + (dot < 0 ? '' : name.slice(dot));
}

export interface Argument {
  kind: 'positional' | 'keyword' | 'star' | 'starstar';
  name?: string;
  nameNode?: SyntaxNode;
  value: SyntaxNode;
}

/** Splits a list of nodes at the commas. */
function groups(nodes: SyntaxNode[]): SyntaxNode[][] {
  const out: SyntaxNode[][] = [[]];
  for (const node of nodes) {
    if (node.name === ',') out.push([]);
    else out[out.length - 1]?.push(node);
  }
  return out.filter((group) => group.length > 0);
}

/** The arguments of a call: `f(url, pool_size=5, **extra)`. */
export function callArguments(source: PySource, call: SyntaxNode): Argument[] {
  const list = children(call).find((n) => n.name === 'ArgList');
  if (!list) return [];
  const inner = children(list).filter((n) => n.name !== '(' && n.name !== ')');
  const out: Argument[] = [];
  for (const group of groups(inner)) {
    const [first, second, third] = group;
    if (!first) continue;
    if (
      group.length === 3 &&
      first.name === 'VariableName' &&
      second?.name === 'AssignOp' &&
      third
    ) {
      out.push({ kind: 'keyword', name: code(source, first), nameNode: first, value: third });
    } else if (group.length === 2 && (first.name === '**' || first.name === '*') && second) {
      out.push({ kind: first.name === '**' ? 'starstar' : 'star', value: second });
    } else if (group.length === 1) {
      out.push({ kind: 'positional', value: first });
    }
  }
  return out;
}

export interface DictEntry {
  /** The key node; null for `**other`. */
  key: SyntaxNode | null;
  value: SyntaxNode;
}

export function dictEntries(node: SyntaxNode): DictEntry[] {
  const inner = children(node).filter((n) => n.name !== '{' && n.name !== '}');
  const out: DictEntry[] = [];
  for (const group of groups(inner)) {
    const [first, second, third] = group;
    if (group.length === 3 && second?.name === ':' && first && third) {
      out.push({ key: first, value: third });
    } else if (group.length === 2 && first?.name === '**' && second) {
      out.push({ key: null, value: second });
    }
  }
  return out;
}

/** The text of a string literal (or of adjacent literals), or null for f-strings and anything else. */
export function stringValue(source: PySource, node: SyntaxNode): string | null {
  if (node.name === 'String') return decodeString(code(source, node));
  if (node.name === 'FormatString') {
    return children(node).some((n) => n.name === 'FormatReplacement')
      ? null
      : decodeString(code(source, node));
  }
  if (node.name === 'ContinuedString') {
    let out = '';
    for (const part of children(node)) {
      const text = stringValue(source, part);
      if (text === null) return null;
      out += text;
    }
    return out;
  }
  return null;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/** Python string literal -> its text: prefixes (r, b, u, f), the four quote styles, common escapes. */
export function decodeString(raw: string): string {
  let i = 0;
  while (i < raw.length && 'rRbBuUfF'.includes(raw.charAt(i))) i++;
  const isRaw = raw.slice(0, i).toLowerCase().includes('r');
  const body = raw.slice(i);
  const quote = body.startsWith('"""') || body.startsWith("'''") ? 3 : 1;
  const inner = body.slice(quote, Math.max(quote, body.length - quote));
  if (isRaw) return inner;
  let out = '';
  for (let j = 0; j < inner.length; j++) {
    const c = inner.charAt(j);
    if (c !== '\\' || j === inner.length - 1) {
      out += c;
      continue;
    }
    const next = inner.charAt(++j);
    const simple = ESCAPES[next];
    if (simple !== undefined) out += simple;
    else if (next === 'x' || next === 'u') {
      const size = next === 'x' ? 2 : 4;
      const hex = inner.slice(j + 1, j + 1 + size);
      out += String.fromCharCode(parseInt(hex, 16) || 0);
      j += size;
    } else {
      out += `\\${next}`;
    }
  }
  return out;
}

/** A Python number literal: underscores, 0x/0o/0b, floats with exponents. Null for complex or invalid. */
export function numberLiteral(raw: string): number | null {
  const text = raw.replaceAll('_', '').toLowerCase();
  if (text.endsWith('j')) return null;
  let value: number;
  if (text.startsWith('0x')) value = parseInt(text.slice(2), 16);
  else if (text.startsWith('0o')) value = parseInt(text.slice(2), 8);
  else if (text.startsWith('0b')) value = parseInt(text.slice(2), 2);
  else value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** A class or other name, kept as written (resolved through imports): `sqlalchemy.pool.NullPool`. */
export interface PyName {
  name: string;
}

export type PyLiteral = number | string | boolean | null | PyName;

export type Read =
  | {
      ok: true;
      value: PyLiteral;
      /** How it was read, when that is worth saying. */
      note?: string;
      /** Where the parts of a computed value came from (names, environment defaults). */
      sources?: string[];
    }
  | { ok: false; reason: string };

function sourcesOf(read: Read): string[] {
  if (!read.ok) return [];
  return read.sources ?? (read.note ? [read.note] : []);
}

/** The refusal of a computed value, worded for what the setting takes ("True or False"). */
export function askFor(reason: string, what: string): string {
  return reason.replace('computed value: give the number', `computed value: give ${what}`);
}

export function isName(value: PyLiteral): value is PyName {
  return typeof value === 'object' && value !== null;
}

const ENV_GETTERS = new Set([
  'os.environ.get',
  'os.getenv',
  'environ.get',
  'getenv',
  'os.environ.setdefault',
]);

function computed(source: PySource, node: SyntaxNode, why: string): Read {
  return {
    ok: false,
    reason: `computed value: give the number (${cut(code(source, node), 60)} ${why})`,
  };
}

/** Reads a literal value; anything Python would have to run is refused with the reason. */
export function readValue(source: PySource, node: SyntaxNode, depth = 0): Read {
  if (depth > MAX_DEPTH) return { ok: false, reason: 'nested too deeply to be a setting' };
  switch (node.name) {
    case 'Number': {
      const value = numberLiteral(code(source, node));
      return value === null
        ? { ok: false, reason: `${cut(code(source, node))} is not a real number` }
        : { ok: true, value };
    }
    case 'Boolean':
      return { ok: true, value: code(source, node) === 'True' };
    case 'None':
      return { ok: true, value: null };
    case 'String':
    case 'FormatString':
    case 'ContinuedString': {
      const text = stringValue(source, node);
      return text === null ? computed(source, node, 'is an f-string') : { ok: true, value: text };
    }
    case 'ParenthesizedExpression': {
      const inner = children(node).filter((n) => n.name !== '(' && n.name !== ')');
      const only = inner[0];
      if (inner.length !== 1 || !only) return { ok: false, reason: 'a tuple, not a single value' };
      return readValue(source, only, depth + 1);
    }
    case 'UnaryExpression':
      return readUnary(source, node, depth);
    case 'BinaryExpression':
      return readArithmetic(source, node, depth);
    case 'VariableName':
      return readName(source, node, depth);
    case 'MemberExpression': {
      const parts = children(node);
      if (parts[1]?.name === '[') {
        const base = dottedName(source, parts[0]);
        const key = parts[2] ? stringValue(source, parts[2]) : null;
        if ((base === 'os.environ' || base === 'environ') && key !== null) {
          return computed(source, node, `is read from the environment variable ${key}`);
        }
        return computed(source, node, 'is looked up when Python runs');
      }
      const name = qualifiedName(source, node);
      return name === null
        ? computed(source, node, 'is only known when Python runs')
        : { ok: true, value: { name } };
    }
    case 'CallExpression':
      return readCall(source, node, depth);
    case 'DictionaryExpression':
      return { ok: false, reason: 'a dict, not a single value' };
    case 'ArrayExpression':
    case 'TupleExpression':
      return { ok: false, reason: 'a list, not a single value' };
    default:
      return computed(source, node, 'is only known when Python runs');
  }
}

function readUnary(source: PySource, node: SyntaxNode, depth: number): Read {
  const [op, operand] = children(node);
  if (!op || !operand || op.name !== 'ArithOp') {
    return computed(source, node, 'is only known when Python runs');
  }
  const read = readValue(source, operand, depth + 1);
  if (!read.ok) return read;
  if (typeof read.value !== 'number') return computed(source, node, 'is not a plain number');
  const sign = code(source, op);
  if (sign === '~') return computed(source, node, 'is a bitwise operation');
  return { ...read, value: sign === '-' ? -read.value : read.value };
}

/** Folds arithmetic on number literals (`60 * 60`): reading, not running, since no name or call is involved. */
function readArithmetic(source: PySource, node: SyntaxNode, depth: number): Read {
  const [left, op, right] = children(node);
  if (!left || !op || !right || op.name !== 'ArithOp') {
    return computed(source, node, 'is only known when Python runs');
  }
  const a = readValue(source, left, depth + 1);
  const b = readValue(source, right, depth + 1);
  if (!a.ok || !b.ok || typeof a.value !== 'number' || typeof b.value !== 'number') {
    return computed(source, node, 'is only known when Python runs');
  }
  const x = a.value;
  const y = b.value;
  const operator = code(source, op);
  let value: number;
  switch (operator) {
    case '+':
      value = x + y;
      break;
    case '-':
      value = x - y;
      break;
    case '*':
      value = x * y;
      break;
    case '/':
      value = y === 0 ? NaN : x / y;
      break;
    case '//':
      value = y === 0 ? NaN : Math.floor(x / y);
      break;
    case '%':
      value = y === 0 ? NaN : x - y * Math.floor(x / y); // Python's modulo takes the divisor's sign
      break;
    case '**':
      value = x ** y;
      break;
    default:
      return computed(source, node, 'is only known when Python runs');
  }
  if (!Number.isFinite(value)) {
    return { ok: false, reason: `${cut(code(source, node), 60)} has no finite value` };
  }
  const text = cut(code(source, node).replace(/\s+/g, ' '), 60);
  const sources = [...sourcesOf(a), ...sourcesOf(b)];
  const note = sources.length
    ? `computed: ${text} = ${value} (${sources.join('; ')})`
    : `computed from literals: ${text} = ${value}`;
  return { ok: true, value, note, sources };
}

function readName(source: PySource, node: SyntaxNode, depth: number): Read {
  const name = code(source, node);
  const target = source.constants.get(name);
  if (target) {
    const read = readValue(source, target, depth + 1);
    if (!read.ok) return read;
    const from = `from ${name} on line ${source.lineOf(target.from)}`;
    return {
      ...read,
      note: read.note ? `${from}; ${read.note}` : from,
      sources: [from, ...sourcesOf(read)],
    };
  }
  return { ok: true, value: { name: source.imports.get(name) ?? name } };
}

function readCall(source: PySource, node: SyntaxNode, depth: number): Read {
  const callee = children(node)[0];
  const name = dottedName(source, callee);
  const args = callArguments(source, node);
  if (name !== null && ENV_GETTERS.has(name)) return readEnvironment(source, node, args, depth);
  if ((name === 'int' || name === 'float') && args.length === 1 && args[0]?.kind === 'positional') {
    const inner = readValue(source, args[0].value, depth + 1);
    if (!inner.ok) return inner;
    const converted = convert(name, inner.value);
    if (converted === null) {
      return {
        ok: false,
        reason: `${name}() of ${cut(code(source, args[0].value), 40)} fails in Python`,
      };
    }
    return { ok: true, value: converted, ...(inner.note ? { note: inner.note } : {}) };
  }
  return computed(source, node, 'is only known when Python runs');
}

/** `os.environ.get("X", default)`: the default, said to be one. */
function readEnvironment(
  source: PySource,
  node: SyntaxNode,
  args: Argument[],
  depth: number,
): Read {
  const variable = args[0] ? stringValue(source, args[0].value) : null;
  const fallback = args[1] ?? args.find((a) => a.kind === 'keyword' && a.name === 'default');
  if (variable === null || !fallback) {
    return computed(source, node, 'is read from the environment with no default');
  }
  const read = readValue(source, fallback.value, depth + 1);
  if (!read.ok) return read;
  return {
    ok: true,
    value: read.value,
    note: `the default of ${cut(code(source, node), 60)}; the environment variable ${variable} may set another value`,
  };
}

/** Python's int() and float() of a literal; null where Python raises. */
function convert(kind: 'int' | 'float', value: PyLiteral): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return kind === 'int' ? Math.trunc(value) : value;
  if (typeof value !== 'string') return null;
  const text = value.trim().replaceAll('_', '');
  if (text === '' || value.includes('__')) return null;
  if (kind === 'int') {
    let i = 0;
    if (text[0] === '+' || text[0] === '-') i = 1;
    if (i === text.length) return null;
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) return null;
    }
    return Number(text);
  }
  const number = Number(text);
  return Number.isNaN(number) ? null : number;
}
