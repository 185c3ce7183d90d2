// gunicorn.conf.py, read as Python text and never run. Gunicorn executes the file and
// keeps the module-level names that are settings, ignoring the rest (gunicorn/app/base.py,
// settings at https://docs.gunicorn.org/en/stable/settings.html). We read the same names
// when their value is a literal, and the post_fork / post_worker_init hooks when their
// body calls `<engine>.dispose(...)`.
import type { SyntaxNode } from '@lezer/common';
import type { Hook } from '../../scenario/types';
import { Collector, cut } from './collect';
import {
  applyWorkerClass,
  GUNICORN_SETTINGS,
  HOOKS,
  MODELLED,
  notModelled,
  type WorkerClassSetting,
} from './gunicorn-settings';
import {
  askFor,
  callArguments,
  children,
  code,
  dottedName,
  hasError,
  isName,
  parsePython,
  readValue,
  type PySource,
  type Read,
} from './python';
import type { ImportResult } from './types';

const BLOCKS: Record<string, string> = {
  IfStatement: 'an if block',
  TryStatement: 'a try block',
  ForStatement: 'a for loop',
  WhileStatement: 'a while loop',
  WithStatement: 'a with block',
};

type Number_ = { ok: true; value: number; note?: string } | { ok: false; reason: string };
type Bool = { ok: true; value: boolean; note?: string } | { ok: false; reason: string };

/** Python's int(text, 0), which Gunicorn's validate_pos_int applies to strings; null where it raises. */
export function intBase0(text: string): number | null {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  const prefix = s.slice(0, 2).toLowerCase();
  const radix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : prefix === '0b' ? 2 : 10;
  let digits = radix === 10 ? s : s.slice(2);
  if (digits.startsWith('_') && radix !== 10) digits = digits.slice(1);
  if (digits === '' || digits.startsWith('_') || digits.endsWith('_') || digits.includes('__')) {
    return null;
  }
  digits = digits.replaceAll('_', '');
  const alphabet = '0123456789abcdef'.slice(0, radix);
  for (const ch of digits.toLowerCase()) if (!alphabet.includes(ch)) return null;
  // Python 3 refuses leading zeros in a decimal literal such as 010.
  if (radix === 10 && digits.length > 1 && digits.startsWith('0') && /[1-9]/.test(digits)) {
    return null;
  }
  return sign * parseInt(digits, radix);
}

/** A whole number as Gunicorn's validate_pos_int accepts it from a config file. */
function positiveInt(read: Read): Number_ {
  if (!read.ok) return read;
  const v = read.value;
  const note = read.note ? { note: read.note } : {};
  let value: number;
  if (typeof v === 'boolean') value = v ? 1 : 0;
  else if (typeof v === 'number') {
    if (!Number.isInteger(v)) {
      return { ok: false, reason: `${v} is not a whole number: Gunicorn refuses a float here` };
    }
    value = v;
  } else if (typeof v === 'string') {
    const parsed = intBase0(v);
    if (parsed === null) {
      return {
        ok: false,
        reason: `${JSON.stringify(cut(v, 40))} is not a number Gunicorn can read`,
      };
    }
    value = parsed;
  } else if (v === null) {
    return { ok: false, reason: 'None is not a number' };
  } else {
    return {
      ok: false,
      reason: `computed value: give the number (${v.name} is only known when Python runs)`,
    };
  }
  if (value < 0) return { ok: false, reason: `${value}: Gunicorn refuses a negative value` };
  return { ok: true, value, ...note };
}

/** True or False as Gunicorn's validate_bool accepts it: a bool, or the strings "true"/"false". */
function boolean(read: Read): Bool {
  if (!read.ok) return { ok: false, reason: askFor(read.reason, 'True or False') };
  const v = read.value;
  const note = read.note ? { note: read.note } : {};
  if (typeof v === 'boolean') return { ok: true, value: v, ...note };
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === 'false') return { ok: true, value: s === 'true', ...note };
  }
  if (v !== null && typeof v === 'object') {
    return {
      ok: false,
      reason: `computed value: give True or False (${v.name} is only known when Python runs)`,
    };
  }
  return { ok: false, reason: 'not True or False: Gunicorn refuses it' };
}

interface Context {
  py: PySource;
  c: Collector;
  functions: Map<string, SyntaxNode>;
  workerClass: WorkerClassSetting | null;
}

export function importGunicornConf(text: string): ImportResult {
  const py = parsePython(text);
  const ctx: Context = {
    py,
    c: new Collector(),
    functions: topLevelFunctions(py),
    workerClass: null,
  };
  if (py.failure) {
    ctx.c.error(py.failure);
    return ctx.c.result('gunicorn');
  }
  const badLines = new Set<number>();
  for (const statement of children(py.tree.topNode)) {
    const line = py.lineOf(statement.from);
    if (statement.type.isError || hasError(py, statement)) {
      if (!badLines.has(line)) {
        ctx.c.error(`line ${line}: not valid Python, so it was not read`, line);
      }
      badLines.add(line);
      continue;
    }
    readStatement(ctx, statement, line);
  }
  applyWorkerClass(ctx.c, ctx.workerClass);
  return ctx.c.result('gunicorn');
}

function readStatement(ctx: Context, statement: SyntaxNode, line: number): void {
  const block = BLOCKS[statement.name];
  if (block) {
    readBlock(ctx, statement, block);
    return;
  }
  switch (statement.name) {
    case 'AssignStatement':
      readAssignment(ctx, statement, line);
      break;
    case 'UpdateStatement': {
      const target = children(statement)[0];
      const name = target?.name === 'VariableName' ? code(ctx.py, target) : null;
      if (name !== null && GUNICORN_SETTINGS.has(name)) {
        ctx.c.ignore(name, line, 'computed value: give the number (it is changed in place)');
      }
      break;
    }
    case 'FunctionDefinition':
    case 'DecoratedStatement': {
      const def = functionOf(statement);
      const nameNode = def ? children(def)[1] : undefined;
      if (!def || !nameNode) break;
      const name = code(ctx.py, nameNode);
      if (name === 'post_fork' || name === 'post_worker_init') readHook(ctx, name, def, line);
      else if (HOOKS.has(name)) ctx.c.ignore(name, line, notModelled(name));
      break;
    }
    default:
      break; // imports, expressions, class definitions: not settings
  }
}

function functionOf(statement: SyntaxNode): SyntaxNode | null {
  if (statement.name === 'FunctionDefinition') return statement;
  return children(statement).find((n) => n.name === 'FunctionDefinition') ?? null;
}

function topLevelFunctions(py: PySource): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const statement of children(py.tree.topNode)) {
    const def = functionOf(statement);
    const name = def ? children(def)[1] : undefined;
    if (def && name) out.set(code(py, name), def);
  }
  return out;
}

/** Settings set inside if/try/for blocks depend on how Python runs the file. */
function readBlock(ctx: Context, block: SyntaxNode, what: string): void {
  const cursor = block.cursor();
  do {
    const node = cursor.node;
    let name: string | null = null;
    if (node.name === 'AssignStatement') {
      const target = children(node)[0];
      if (target?.name === 'VariableName') name = code(ctx.py, target);
    } else if (node.name === 'FunctionDefinition') {
      const target = children(node)[1];
      if (target) name = code(ctx.py, target);
    }
    if (name !== null && GUNICORN_SETTINGS.has(name)) {
      ctx.c.ignore(
        name,
        ctx.py.lineOf(node.from),
        `set inside ${what}, so it depends on how Python runs the file: give the value that applies`,
      );
    }
  } while (cursor.next() && cursor.from < block.to);
}

function readAssignment(ctx: Context, statement: SyntaxNode, line: number): void {
  const segments: SyntaxNode[][] = [[]];
  for (const node of children(statement)) {
    if (node.name === 'AssignOp') segments.push([]);
    else if (node.name !== 'TypeDef') segments[segments.length - 1]?.push(node);
  }
  const valueParts = segments.pop() ?? [];
  const value = valueParts[0];
  if (!value) return;
  for (const target of segments) {
    const node = target[0];
    if (target.length !== 1 || !node) continue; // `a, b = ...`: not a setting
    if (node.name === 'CallExpression') {
      ctx.c.error(
        `line ${line}: not valid Python (cannot assign to a call: ${cut(code(ctx.py, node), 40)}), so it was not read`,
        line,
      );
      return;
    }
  }
  for (const target of segments) {
    const node = target[0];
    if (target.length !== 1 || node?.name !== 'VariableName') continue;
    const name = code(ctx.py, node);
    if (valueParts.length > 1) {
      const reason = 'a tuple (is there a trailing comma?), not a single value';
      if (GUNICORN_SETTINGS.has(name)) ctx.c.ignore(name, line, reason);
      continue;
    }
    readSetting(ctx, name, value, line);
  }
}

function readSetting(ctx: Context, name: string, value: SyntaxNode, line: number): void {
  const { c, py } = ctx;
  if (name === 'post_fork' || name === 'post_worker_init') {
    // `post_fork = some_function` or a lambda.
    const target =
      value.name === 'VariableName'
        ? ctx.functions.get(code(py, value))
        : value.name === 'LambdaExpression'
          ? value
          : undefined;
    if (target) readHook(ctx, name, target, line);
    else c.ignore(name, line, `not a function defined in this file: paste the function it names`);
    return;
  }
  if (name === 'worker_class') {
    const read = readValue(py, value);
    if (read.ok && typeof read.value === 'string') {
      ctx.workerClass = { value: read.value, key: name, line };
    } else {
      c.ignore(
        name,
        line,
        read.ok ? 'not a worker class name' : askFor(read.reason, 'the worker class'),
      );
    }
    return;
  }
  const modelled = MODELLED[name];
  if (modelled) {
    const read = readValue(py, value);
    const converted = modelled.type === 'int' ? positiveInt(read) : boolean(read);
    if (converted.ok) {
      c.set(
        modelled.path,
        name,
        converted.value,
        line,
        converted.note ? { note: converted.note } : {},
      );
    } else {
      const shown = read.ok && !isName(read.value) ? read.value : undefined;
      c.ignore(name, line, converted.reason, shown);
    }
    return;
  }
  if (GUNICORN_SETTINGS.has(name)) c.ignore(name, line, notModelled(name));
  else if (GUNICORN_SETTINGS.has(name.toLowerCase())) {
    c.ignore(
      name,
      line,
      `not a Gunicorn setting: Gunicorn reads lower-case names (${name.toLowerCase()})`,
    );
  } else {
    c.ignore(name, line, 'not a Gunicorn setting: Gunicorn ignores it');
  }
}

interface Dispose {
  call: SyntaxNode;
  hook: Hook | null;
  reason?: string;
}

/** `<anything>.dispose(...)` calls in a hook, in order, following calls to functions of this file. */
function disposeCalls(ctx: Context, root: SyntaxNode, seen: Set<SyntaxNode>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  seen.add(root);
  const cursor = root.cursor();
  do {
    if (cursor.name !== 'CallExpression') continue;
    const callee = cursor.node.firstChild;
    if (callee?.name === 'MemberExpression' && callee.lastChild?.name === 'PropertyName') {
      if (code(ctx.py, callee.lastChild) === 'dispose') out.push(cursor.node);
    } else if (callee?.name === 'VariableName') {
      const helper = ctx.functions.get(code(ctx.py, callee));
      if (helper && !seen.has(helper) && seen.size < 8) {
        out.push(...disposeCalls(ctx, helper, seen));
      }
    }
  } while (cursor.next() && cursor.from < root.to);
  return out;
}

/** `dispose(close=False)` / `dispose(False)` keep the inherited sockets; `dispose()` closes them. */
function disposeKind(ctx: Context, call: SyntaxNode): Dispose {
  const args = callArguments(ctx.py, call);
  if (args.length === 0) return { call, hook: 'dispose_close_true' };
  const arg = args.length === 1 ? args[0] : undefined;
  if (!arg || !(arg.kind === 'positional' || (arg.kind === 'keyword' && arg.name === 'close'))) {
    return { call, hook: null, reason: 'dispose() with arguments the model does not know' };
  }
  const read = readValue(ctx.py, arg.value);
  if (!read.ok || typeof read.value !== 'boolean') {
    return { call, hook: null, reason: read.ok ? 'close= is not True or False' : read.reason };
  }
  return { call, hook: read.value ? 'dispose_close_true' : 'dispose_close_false' };
}

/**
 * Statements the memo's post_worker_init adds after dispose() that cannot run:
 * SQLAlchemy's Engine has no `.options` attribute
 * (https://docs.sqlalchemy.org/en/20/core/connections.html#sqlalchemy.engine.Engine) and
 * Flask-SQLAlchemy's `db.engine` is a read-only property
 * (https://flask-sqlalchemy.readthedocs.io/en/stable/api/#flask_sqlalchemy.SQLAlchemy.engine).
 */
function blockers(ctx: Context, root: SyntaxNode): { node: SyntaxNode; reason: string }[] {
  const out: { node: SyntaxNode; reason: string }[] = [];
  for (const statement of statementsIn(root)) {
    const why: string[] = [];
    const first = children(statement)[0];
    if (
      statement.name === 'AssignStatement' &&
      first?.name === 'MemberExpression' &&
      dottedName(ctx.py, first)?.endsWith('.engine')
    ) {
      why.push(
        `${code(ctx.py, first)} has no setter (Flask-SQLAlchemy's engine is a read-only property)`,
      );
    }
    const cursor = statement.cursor();
    do {
      if (cursor.name === 'MemberExpression') {
        const name = dottedName(ctx.py, cursor.node);
        if (name?.endsWith('engine.options')) {
          why.push(`${name}: SQLAlchemy's Engine has no attribute 'options'`);
          break;
        }
      }
    } while (cursor.next() && cursor.from < statement.to);
    if (why.length) {
      out.push({ node: statement, reason: `cannot run: ${why.join('; ')} (AttributeError)` });
    }
  }
  return out;
}

function statementsIn(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = root.cursor();
  do {
    if (cursor.name === 'AssignStatement' || cursor.name === 'ExpressionStatement') {
      out.push(cursor.node);
    }
  } while (cursor.next() && cursor.from < root.to);
  return out;
}

function insideAppContext(ctx: Context, node: SyntaxNode, root: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node.parent; n && n.from >= root.from; n = n.parent) {
    if (n.name === 'WithStatement' && code(ctx.py, n).split(':')[0]?.includes('app_context')) {
      return true;
    }
  }
  return false;
}

function readHook(
  ctx: Context,
  name: 'post_fork' | 'post_worker_init',
  root: SyntaxNode,
  line: number,
): void {
  const { c, py } = ctx;
  const calls = disposeCalls(ctx, root, new Set()).map((call) => disposeKind(ctx, call));
  const stops = blockers(ctx, root);
  for (const stop of stops) {
    c.ignore(
      cut(code(py, stop.node).split('\n')[0] ?? '', 60),
      py.lineOf(stop.node.from),
      stop.reason,
    );
  }
  const first = calls[0];
  if (!first) {
    c.ignore(
      name,
      line,
      `no <engine>.dispose(...) call recognised in ${name}: the model runs no dispose there`,
    );
    return;
  }
  const callLine = py.lineOf(first.call.from);
  const firstStop = stops[0];
  if (firstStop && firstStop.node.from < first.call.from) {
    c.ignore(
      name,
      line,
      `its dispose on line ${callLine} never runs: line ${py.lineOf(firstStop.node.from)} fails first`,
    );
    return;
  }
  if (!first.hook) {
    c.ignore(
      name,
      line,
      `${cut(code(py, first.call), 50)} on line ${callLine}: ${first.reason ?? ''}`,
    );
    return;
  }
  const notes = [`${cut(code(py, first.call), 50)} on line ${callLine}`];
  if (firstStop) {
    notes.push(
      `the rest of ${name} cannot run (line ${py.lineOf(firstStop.node.from)}: AttributeError), and an exception in a hook stops the worker before it boots, so Gunicorn halts ("Worker failed to boot")`,
    );
  }
  for (const later of calls.slice(1)) {
    notes.push(
      `the dispose on line ${py.lineOf(later.call.from)} acts on the new, empty pool and changes nothing`,
    );
  }
  c.set(`app.${name}`, name, first.hook, line, { note: notes.join('; ') });
  const receiver = first.call.firstChild?.firstChild;
  if (
    receiver &&
    dottedName(py, receiver)?.endsWith('.engine') &&
    !insideAppContext(ctx, first.call, root)
  ) {
    c.note(
      `${name}: ${code(py, receiver)} needs an active Flask application context with Flask-SQLAlchemy 3; outside one it raises "RuntimeError: Working outside of application context" (wrap it in "with app.app_context():")`,
      callLine,
    );
  }
}
