// SQLAlchemy pool settings from Python text: Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS
// (module, Config class, app.config[...] or app.config.update(...)), SQLAlchemy(engine_options=...),
// or create_engine(url, ...). Keyword names are create_engine's
// (https://docs.sqlalchemy.org/en/20/core/engines.html#sqlalchemy.create_engine);
// Flask-SQLAlchemy passes its options through engine_from_config, which converts
// pool_size, max_overflow, pool_timeout and pool_recycle with int()
// (https://flask-sqlalchemy.readthedocs.io/en/stable/config/ and SQLAlchemy's engine/default.py).
import type { SyntaxNode } from '@lezer/common';
import { Collector, cut } from './collect';
import {
  askFor,
  callArguments,
  children,
  code,
  dictEntries,
  dottedName,
  hasError,
  isName,
  parsePython,
  qualifiedName,
  readValue,
  stringValue,
  type PySource,
  type Read,
} from './python';
import type { ImportResult } from './types';

type EngineConfig = 'flask_sqlalchemy' | 'create_engine' | null;

/** A place where pool options are given. */
interface Container {
  /** How it is written: `SQLALCHEMY_ENGINE_OPTIONS`, `create_engine`, `engine_options`. */
  key: string;
  where: string;
  line: number;
  config: EngineConfig;
  /** The dict literal, dict(...) call or create_engine(...) call holding the options. */
  node: SyntaxNode;
  kind: 'dict' | 'call';
  /** The enclosing class, if any (Config, ProductionConfig). */
  className: string | null;
}

const NUMBERS: Record<string, string> = {
  pool_size: 'pool.pool_size',
  max_overflow: 'pool.max_overflow',
  pool_timeout: 'pool.pool_timeout',
  pool_recycle: 'pool.pool_recycle',
};
const BOOLEANS: Record<string, string> = {
  pool_pre_ping: 'pool.pool_pre_ping',
  pool_use_lifo: 'pool.pool_use_lifo',
};

/** create_engine's documented keyword arguments: anything else is a typo or a dialect argument. */
const KNOWN = new Set([
  'case_sensitive',
  'connect_args',
  'creator',
  'echo',
  'echo_pool',
  'enable_from_linting',
  'execution_options',
  'future',
  'hide_parameters',
  'implicit_returning',
  'insertmanyvalues_page_size',
  'isolation_level',
  'json_deserializer',
  'json_serializer',
  'label_length',
  'logging_name',
  'max_identifier_length',
  'module',
  'paramstyle',
  'plugins',
  'pool',
  'pool_logging_name',
  'pool_reset_on_return',
  'query_cache_size',
  'skip_autocommit_rollback',
  'use_insertmanyvalues',
]);

/** Pool arguments NullPool does not take: create_engine raises TypeError for them. */
const QUEUEPOOL_ONLY = ['pool_size', 'max_overflow', 'pool_timeout', 'pool_use_lifo'];

/** Flask-SQLAlchemy 3.0 removed these; they do nothing now. */
const REMOVED = new Set([
  'SQLALCHEMY_POOL_SIZE',
  'SQLALCHEMY_POOL_TIMEOUT',
  'SQLALCHEMY_POOL_RECYCLE',
  'SQLALCHEMY_MAX_OVERFLOW',
]);

const OPTIONS = 'SQLALCHEMY_ENGINE_OPTIONS';

interface Context {
  py: PySource;
  c: Collector;
  config: EngineConfig;
}

export function importSqlAlchemy(text: string): ImportResult {
  const asyncEngines: number[] = [];
  const first = parsePython(text);
  if (first.failure) {
    const failed = new Collector();
    failed.error(first.failure);
    return failed.result('sqlalchemy');
  }
  const found = findContainers(first, asyncEngines);
  const { py, containers } = found.length
    ? { py: first, containers: found }
    : bareOptions(first, text);
  const ctx: Context = { py, c: new Collector(), config: null };
  const { c } = ctx;
  for (const line of [...py.errorLines].slice(0, 5)) {
    c.error(`line ${line}: not valid Python here`, line);
  }
  readOtherSettings(ctx);
  for (const line of asyncEngines) {
    c.ignore(
      'create_async_engine',
      line,
      'an asyncio engine (AsyncAdaptedQueuePool): not modelled, the model runs threads',
    );
  }
  const chosen = choose(containers);
  if (!chosen) {
    if (c.recognisedCount === 0) {
      c.error(
        `No SQLAlchemy pool settings found: expected ${OPTIONS} = {...}, create_engine(url, pool_size=...) or SQLAlchemy(engine_options={...}).`,
      );
    }
    return c.result('sqlalchemy');
  }
  for (const other of containers) {
    if (other === chosen) continue;
    c.ignore(
      other.key,
      other.line,
      `another engine configuration (${other.where}): only ${chosen.where} is read; paste the one production uses`,
    );
  }
  if (hasError(py, chosen.node)) {
    c.error(
      `line ${chosen.line}: ${chosen.key} is not valid Python, so it was not read`,
      chosen.line,
    );
    return c.result('sqlalchemy');
  }
  ctx.config = chosen.config;
  if (chosen.config) c.set('app.engine_config', chosen.key, chosen.config, chosen.line);
  else {
    c.note(
      'options alone do not say whether Flask-SQLAlchemy or create_engine receives them: app.engine_config is left as it was',
    );
  }
  readContainer(ctx, chosen.node, chosen.kind, 0);
  applyNullPool(ctx);
  return c.result('sqlalchemy');
}

/** The options pasted alone: a bare dict literal, or keyword arguments `pool_size=10, max_overflow=20`. */
function bareOptions(py: PySource, text: string): { py: PySource; containers: Container[] } {
  const bare = (node: SyntaxNode, kind: 'dict' | 'call', line: number): Container => ({
    key: 'options',
    where: `the options on line ${line}`,
    line,
    config: null,
    node,
    kind,
    className: null,
  });
  for (const statement of children(py.tree.topNode)) {
    const expression = statement.name === 'ExpressionStatement' ? statement.firstChild : null;
    const kind = expression ? dictKind(py, expression) : null;
    if (expression && kind) {
      return { py, containers: [bare(expression, kind, py.lineOf(expression.from))] };
    }
  }
  // Keyword arguments are not a statement: read them as the arguments of a call.
  const wrapped = parsePython(`_(\n${text}\n)`);
  const call = wrapped.tree.topNode.firstChild?.firstChild;
  const args = call?.name === 'CallExpression' ? callArguments(wrapped, call) : [];
  const known = (name = ''): boolean =>
    name in NUMBERS || name in BOOLEANS || name === 'poolclass' || KNOWN.has(name);
  if (
    !call ||
    wrapped.failure ||
    wrapped.errorLines.size > 0 ||
    !args.some((a) => a.kind === 'keyword' && known(a.name))
  ) {
    return { py, containers: [] };
  }
  const shifted = { ...wrapped, lineOf: (pos: number) => wrapped.lineOf(pos) - 1 };
  return { py: shifted, containers: [bare(call, 'call', 1)] };
}

/** Several configurations (Config, DevelopmentConfig, ProductionConfig): prefer production's. */
function choose(containers: Container[]): Container | null {
  const lower = (x: Container): string => (x.className ?? '').toLowerCase();
  return (
    containers.find((x) => lower(x).includes('prod')) ??
    containers.find((x) => !/dev|test|local/.test(lower(x))) ??
    containers[0] ??
    null
  );
}

function enclosingClass(py: PySource, node: SyntaxNode): string | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.name === 'ClassDefinition') {
      const name = children(n).find((x) => x.name === 'VariableName');
      return name ? code(py, name) : null;
    }
  }
  return null;
}

/** Is this node a dict literal or a dict(...) call? */
function dictKind(py: PySource, node: SyntaxNode): 'dict' | 'call' | null {
  if (node.name === 'DictionaryExpression') return 'dict';
  if (node.name === 'CallExpression' && dottedName(py, node.firstChild) === 'dict') return 'call';
  return null;
}

/** Whether an assignment target names SQLALCHEMY_ENGINE_OPTIONS (a name, an attribute or a config key). */
function targetName(py: PySource, target: SyntaxNode): string | null {
  if (target.name === 'VariableName') return code(py, target);
  if (target.name !== 'MemberExpression') return null;
  const parts = children(target);
  const last = parts[parts.length - 1];
  if (last?.name === 'PropertyName') return code(py, last);
  const key = parts[2];
  return parts[1]?.name === '[' && key ? stringValue(py, key) : null;
}

function findContainers(py: PySource, asyncEngines: number[] = []): Container[] {
  const out: Container[] = [];
  const add = (
    key: string,
    config: EngineConfig,
    node: SyntaxNode,
    at: SyntaxNode,
    kind: 'dict' | 'call',
    what: string,
  ): void => {
    const line = py.lineOf(at.from);
    const className = enclosingClass(py, at);
    out.push({
      key,
      config,
      node,
      kind,
      line,
      className,
      where: `${what} on line ${line}${className ? ` in class ${className}` : ''}`,
    });
  };
  const cursor = py.tree.cursor();
  do {
    const node = cursor.node;
    if (node.name === 'AssignStatement') {
      const parts = children(node);
      const value = parts[parts.length - 1];
      const target = parts[0];
      const kind = value ? dictKind(py, value) : null;
      if (target && value && kind && targetName(py, target) === OPTIONS) {
        add(OPTIONS, 'flask_sqlalchemy', value, node, kind, OPTIONS);
      }
    } else if (node.name === 'DictionaryExpression') {
      for (const entry of dictEntries(node)) {
        const kind = dictKind(py, entry.value);
        if (entry.key && kind && stringValue(py, entry.key) === OPTIONS) {
          add(OPTIONS, 'flask_sqlalchemy', entry.value, entry.key, kind, OPTIONS);
        }
      }
    } else if (node.name === 'CallExpression') {
      const name = qualifiedName(py, node.firstChild) ?? '';
      const last = name.slice(name.lastIndexOf('.') + 1);
      if (last === 'create_engine') {
        add('create_engine', 'create_engine', node, node, 'call', 'create_engine(...)');
      }
      if (last === 'create_async_engine') asyncEngines.push(py.lineOf(node.from));
      for (const arg of callArguments(py, node)) {
        const kind = dictKind(py, arg.value);
        if (arg.kind !== 'keyword' || !kind) continue;
        if (arg.name === OPTIONS) add(OPTIONS, 'flask_sqlalchemy', arg.value, node, kind, OPTIONS);
        if (arg.name === 'engine_options' && last === 'SQLAlchemy') {
          add(
            'engine_options',
            'flask_sqlalchemy',
            arg.value,
            node,
            kind,
            'SQLAlchemy(engine_options=...)',
          );
        }
      }
    }
  } while (cursor.next());
  return out;
}

/** Other Flask-SQLAlchemy keys worth a word, and a module-level Session. */
function readOtherSettings(ctx: Context): void {
  const { py, c } = ctx;
  const cursor = py.tree.cursor();
  do {
    if (cursor.name !== 'AssignStatement') continue;
    const parts = children(cursor.node);
    const target = parts[0];
    const value = parts[parts.length - 1];
    const name = target ? targetName(py, target) : null;
    if (!name || !value) continue;
    const line = py.lineOf(cursor.from);
    if (REMOVED.has(name)) {
      c.ignore(
        name,
        line,
        `removed in Flask-SQLAlchemy 3.0: put ${name.slice(11).toLowerCase()} in ${OPTIONS}`,
      );
    } else if (name === 'SQLALCHEMY_DATABASE_URI') {
      const url = stringValue(py, value);
      if (url !== null) readUrl(ctx, url, line);
    } else if (name.startsWith('SQLALCHEMY_') && name !== OPTIONS) {
      c.ignore(name, line, 'not modelled');
    } else if (cursor.node.parent?.name === 'Script' && value.name === 'CallExpression') {
      readSession(ctx, name, value, line);
    }
  } while (cursor.next());
}

/**
 * A Session object made at module level is shared by every thread of a worker, which the
 * SQLAlchemy docs forbid ("Is the Session thread-safe?", orm/session_basics.html); a
 * scoped_session gives each thread its own.
 */
function readSession(ctx: Context, name: string, call: SyntaxNode, line: number): void {
  const callee = qualifiedName(ctx.py, call.firstChild) ?? '';
  const last = callee.slice(callee.lastIndexOf('.') + 1);
  if (
    last === 'Session' ||
    (call.firstChild?.name === 'CallExpression' &&
      /sessionmaker$/.test(qualifiedName(ctx.py, call.firstChild.firstChild) ?? ''))
  ) {
    ctx.c.set('app.session_scope', name, 'global', line, {
      note: 'a Session made at module level is shared by all the threads of a worker',
    });
  } else if (last === 'scoped_session') {
    ctx.c.set('app.session_scope', name, 'scoped', line);
  }
}

/** `sslmode` in a database URL literal (never echoed: it may hold a password). */
function readUrl(ctx: Context, url: string, line: number): void {
  let mode: string | null;
  try {
    mode = new URL(url).searchParams.get('sslmode');
  } catch {
    return; // not a URL the browser can read: nothing to say about TLS
  }
  if (mode !== null) readSslMode(ctx, 'sslmode (in the URL)', mode, line);
}

/** libpq's sslmode (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION). */
function readSslMode(ctx: Context, key: string, mode: string, line: number): void {
  if (mode === 'require' || mode === 'verify-ca' || mode === 'verify-full') {
    ctx.c.set('network.tls', key, true, line, { note: `sslmode=${mode}` });
  } else if (mode === 'disable') {
    ctx.c.set('network.tls', key, false, line, { note: 'sslmode=disable' });
  } else {
    ctx.c.ignore(
      key,
      line,
      `sslmode=${cut(mode, 20)} uses TLS only if the server offers it: give network.tls yourself`,
    );
  }
}

/** The entries of a dict literal, a dict(...) call or a create_engine(...) call. */
function readContainer(ctx: Context, node: SyntaxNode, kind: 'dict' | 'call', depth: number): void {
  const { py, c } = ctx;
  if (depth > 4) return;
  const entries: { key: string | null; keyNode: SyntaxNode; value: SyntaxNode; unpack: boolean }[] =
    [];
  if (kind === 'dict') {
    for (const entry of dictEntries(node)) {
      const key = entry.key ? stringValue(py, entry.key) : null;
      entries.push({
        key,
        keyNode: entry.key ?? entry.value,
        value: entry.value,
        unpack: entry.key === null,
      });
    }
  } else {
    const isEngine = (qualifiedName(py, node.firstChild) ?? '').endsWith('create_engine');
    for (const arg of callArguments(py, node)) {
      if (arg.kind === 'positional' && isEngine) {
        const url = stringValue(py, arg.value);
        if (url !== null) readUrl(ctx, url, py.lineOf(arg.value.from));
        continue;
      }
      if (arg.kind === 'keyword' || arg.kind === 'starstar') {
        entries.push({
          key: arg.name ?? null,
          keyNode: arg.nameNode ?? arg.value,
          value: arg.value,
          unpack: arg.kind === 'starstar',
        });
      }
    }
  }
  for (const entry of entries) {
    const line = py.lineOf(entry.keyNode.from);
    if (entry.unpack) {
      // `{**BASE, ...}`: follow a module-level dict of this file.
      const name = dottedName(py, entry.value);
      const target = name ? py.constants.get(name) : undefined;
      const targetKind = target ? dictKind(py, target) : null;
      if (target && targetKind) readContainer(ctx, target, targetKind, depth + 1);
      else {
        c.ignore(
          `**${cut(code(py, entry.value), 40)}`,
          line,
          'unpacks a dict this file does not define: paste it',
        );
      }
      continue;
    }
    if (entry.key === null) {
      c.ignore(cut(code(py, entry.keyNode), 40), line, 'the key is not a string literal');
      continue;
    }
    readOption(ctx, entry.key, entry.value, line);
  }
}

function readOption(ctx: Context, key: string, node: SyntaxNode, line: number): void {
  const { py, c } = ctx;
  const read = readValue(py, node);
  const noteOf = (r: Read): { note?: string } => (r.ok && r.note ? { note: r.note } : {});
  if (NUMBERS[key]) {
    const value = number(ctx, key, read);
    if (value.ok) {
      c.set(NUMBERS[key], key, value.value, line, value.note ? { note: value.note } : {});
    } else
      c.ignore(key, line, value.reason, read.ok && !isName(read.value) ? read.value : undefined);
  } else if (BOOLEANS[key]) {
    if (read.ok && typeof read.value === 'boolean') {
      c.set(BOOLEANS[key], key, read.value, line, noteOf(read));
    } else {
      c.ignore(key, line, read.ok ? 'not True or False' : askFor(read.reason, 'True or False'));
    }
  } else if (key === 'poolclass') {
    readPoolClass(ctx, read, line);
  } else if (key === 'connect_args') {
    const entries = node.name === 'DictionaryExpression' ? dictEntries(node) : [];
    const ssl = entries.find((e) => e.key && stringValue(py, e.key) === 'sslmode');
    const mode = ssl ? stringValue(py, ssl.value) : null;
    if (ssl && mode !== null) {
      readSslMode(ctx, 'connect_args sslmode', mode, py.lineOf(ssl.key?.from ?? 0));
    } else {
      c.ignore(key, line, 'not modelled (only its sslmode is read)');
    }
  } else if (key === 'pool') {
    c.ignore(
      key,
      line,
      'a ready-made pool object: not modelled (use poolclass and the pool_ arguments)',
    );
  } else if (KNOWN.has(key)) {
    c.ignore(key, line, 'not modelled');
  } else {
    c.ignore(
      key,
      line,
      'not a create_engine() argument: SQLAlchemy raises TypeError for it unless the database driver takes it (check the spelling)',
    );
  }
}

type Number_ = { ok: true; value: number; note?: string } | { ok: false; reason: string };

function number(ctx: Context, key: string, read: Read): Number_ {
  if (!read.ok) return read;
  const v = read.value;
  const note = read.note ? { note: read.note } : {};
  if (typeof v === 'number') return { ok: true, value: v, ...note };
  if (typeof v === 'string') {
    if (ctx.config !== 'flask_sqlalchemy') {
      return { ok: false, reason: `a string, not a number: create_engine does not convert it` };
    }
    const text = v.trim();
    const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(n)) {
      return {
        ok: false,
        reason: `Flask-SQLAlchemy converts it with int(), which raises ValueError for ${JSON.stringify(cut(v, 30))}`,
      };
    }
    return {
      ok: true,
      value: n,
      note: `the string ${JSON.stringify(v)}, converted with int() by Flask-SQLAlchemy's engine_from_config`,
    };
  }
  if (typeof v === 'boolean' || v === null) {
    return { ok: false, reason: `${v === null ? 'None' : v ? 'True' : 'False'} is not a number` };
  }
  return {
    ok: false,
    reason: `computed value: give the number (${v.name} is only known when Python runs)`,
  };
}

/** poolclass=NullPool / QueuePool, as a name or attribute (sqlalchemy.pool.NullPool). */
function readPoolClass(ctx: Context, read: Read, line: number): void {
  const { c } = ctx;
  if (!read.ok) {
    c.ignore('poolclass', line, askFor(read.reason, 'the class (NullPool or QueuePool)'));
    return;
  }
  if (!isName(read.value)) {
    c.ignore(
      'poolclass',
      line,
      'not a class: give NullPool or QueuePool (the class, not a string)',
      read.value,
    );
    return;
  }
  const name = read.value.name;
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (last === 'NullPool' || last === 'QueuePool') c.set('pool.class', 'poolclass', last, line);
  else {
    c.ignore(
      'poolclass',
      line,
      `${cut(name, 40)}: not modelled (the model has QueuePool and NullPool)`,
    );
  }
}

/**
 * NullPool takes none of QueuePool's sizing arguments: create_engine passes only the
 * arguments the pool class accepts and raises TypeError ("Invalid argument(s) ... sent to
 * create_engine()") for the rest, so such a file never makes an engine.
 */
function applyNullPool(ctx: Context): void {
  if (ctx.c.get('pool.class')?.value !== 'NullPool') return;
  for (const key of QUEUEPOOL_ONLY) {
    const path = NUMBERS[key] ?? BOOLEANS[key] ?? '';
    ctx.c.drop(
      path,
      `NullPool does not take ${key}: create_engine raises TypeError ("Invalid argument(s) '${key}' sent to create_engine()")`,
    );
  }
}

/** For kind detection: does this Python text configure SQLAlchemy? */
export function sqlalchemyScore(py: PySource): number {
  return findContainers(py).length * 3;
}
