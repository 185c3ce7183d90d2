// Which kind of configuration a paste is, from its file name when that is telling and
// otherwise from its content: each kind scores the signs of itself, the highest wins.
import { splitLines } from './collect';
import { gunicornIndex } from './gunicorn-cli';
import { GUNICORN_SETTINGS, HOOKS, MODELLED } from './gunicorn-settings';
import { tokenize } from './postgresql-conf';
import { children, code, parsePython, stringValue } from './python';
import { shellCommands } from './shell';
import { isRule, showCommand } from './show-output';
import { sqlalchemyScore } from './sqlalchemy';
import type { ConfigKind } from './types';

/** File names that settle the question. */
const NAMES: Record<string, ConfigKind> = {
  'pgbouncer.ini': 'pgbouncer',
  'postgresql.conf': 'postgresql-conf',
  'postgresql.auto.conf': 'postgresql-conf',
  'gunicorn.conf.py': 'gunicorn',
  'gunicorn.conf': 'gunicorn',
  'gunicorn_config.py': 'gunicorn',
  procfile: 'gunicorn-cli',
  dockerfile: 'gunicorn-cli',
};

/** Common postgresql.conf names, to recognise its lines among other `name = value` text. */
const PG_NAMES = new Set(
  `max_connections superuser_reserved_connections reserved_connections shared_buffers work_mem
  maintenance_work_mem effective_cache_size listen_addresses port wal_level max_wal_size min_wal_size
  checkpoint_completion_target random_page_cost effective_io_concurrency max_worker_processes
  max_parallel_workers max_parallel_workers_per_gather log_min_duration_statement log_line_prefix
  log_destination logging_collector log_timezone timezone datestyle lc_messages lc_monetary lc_numeric
  lc_time default_text_search_config dynamic_shared_memory_type ssl password_encryption
  idle_in_transaction_session_timeout statement_timeout tcp_keepalives_idle huge_pages autovacuum
  include include_dir include_if_exists hba_file data_directory unix_socket_directories
  max_prepared_transactions wal_buffers default_statistics_target shared_preload_libraries cluster_name`.split(
    /\s+/,
  ),
);

/** How much of the text the Python scoring reads. */
const DETECT_PREFIX = 32 * 1024;

const POOL_KEYS = new Set([
  'pool_size',
  'max_overflow',
  'pool_timeout',
  'pool_recycle',
  'pool_pre_ping',
  'pool_use_lifo',
  'poolclass',
]);

export interface Detection {
  kind: ConfigKind | null;
  /** Why, in a few words, for the Lab to show. */
  reason: string;
}

function baseName(fileName: string): string {
  return fileName
    .slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1)
    .toLowerCase();
}

export function detectKind(text: string, fileName?: string): Detection {
  const name = fileName ? baseName(fileName) : '';
  const named = NAMES[name] ?? (name.startsWith('dockerfile') ? 'gunicorn-cli' : undefined);
  if (named) return { kind: named, reason: `the file name ${name}` };

  const scores = new Map<ConfigKind, number>();
  const add = (kind: ConfigKind, points: number): void => {
    scores.set(kind, (scores.get(kind) ?? 0) + points);
  };
  if (name.endsWith('.ini')) add('pgbouncer', 5);
  if (name.endsWith('.conf')) add('postgresql-conf', 3);
  if (name.endsWith('.sh') || name.endsWith('.service')) add('gunicorn-cli', 3);
  if (name.startsWith('gunicorn') && name.endsWith('.py')) add('gunicorn', 5);

  const lines = splitLines(text);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === '[pgbouncer]' || t === '[databases]') add('pgbouncer', 10);
    if (
      t.toLowerCase().startsWith('-[ record') ||
      (isRule(t) && (lines[i - 1] ?? '').trim() !== '')
    ) {
      add('show-output', 10);
    }
    if (showCommand(t) !== null) add('show-output', 5);
    if (/^alter\s+system\s+(set|reset)\b/i.test(t)) add('postgresql-conf', 10);
    if (t !== '' && !t.startsWith('#')) {
      const tokens = tokenize(t);
      const first = tokens[0];
      if (first?.type === 'id' && PG_NAMES.has(first.text) && tokens.length <= 4) {
        add('postgresql-conf', 2);
      }
    }
  });
  for (const words of shellCommands(text)) {
    if (gunicornIndex(words) >= 0) add('gunicorn-cli', 8);
    else if (
      words.some((w) => w.text === 'GUNICORN_CMD_ARGS' || w.text.startsWith('GUNICORN_CMD_ARGS='))
    ) {
      add('gunicorn-cli', 6);
    }
    const head = (words[0]?.text.endsWith(':') ? words[1] : words[0])?.text ?? '';
    if (
      (head === 'postgres' || head.endsWith('/postgres')) &&
      words.some((w) => w.text.startsWith('-c'))
    ) {
      add('postgresql-conf', 8);
    }
  }
  scorePython(text, add);

  let best: ConfigKind | null = null;
  let bestScore = 0;
  for (const [kind, score] of scores) {
    if (score > bestScore) {
      best = kind;
      bestScore = score;
    }
  }
  if (!best) {
    return {
      kind: null,
      reason:
        'Could not tell what kind of configuration this is. Paste a gunicorn.conf.py, a gunicorn command line, SQLALCHEMY_ENGINE_OPTIONS or create_engine(...), a pgbouncer.ini, postgresql.conf lines or psql SHOW output, or choose the kind.',
    };
  }
  return { kind: best, reason: 'its content' };
}

/** Gunicorn settings and hooks at module level; SQLAlchemy engine options anywhere. */
function scorePython(text: string, add: (kind: ConfigKind, points: number) => void): void {
  // The start of a file tells its kind; parsing only that keeps detection quick on any text.
  const py = parsePython(text.slice(0, DETECT_PREFIX));
  if (py.failure) return;
  for (const statement of children(py.tree.topNode)) {
    if (statement.name === 'AssignStatement') {
      const target = children(statement)[0];
      const name = target?.name === 'VariableName' ? code(py, target) : '';
      if (MODELLED[name] || name === 'worker_class') add('gunicorn', 3);
      else if (GUNICORN_SETTINGS.has(name)) add('gunicorn', 1);
    } else if (statement.name === 'FunctionDefinition' || statement.name === 'DecoratedStatement') {
      const def = statement.name === 'FunctionDefinition' ? statement : statement.lastChild;
      const nameNode = def ? children(def)[1] : undefined;
      if (nameNode && HOOKS.has(code(py, nameNode))) add('gunicorn', 6);
    }
  }
  add('sqlalchemy', sqlalchemyScore(py));
  const cursor = py.tree.cursor();
  do {
    const node = cursor.node;
    const key =
      node.name === 'String'
        ? stringValue(py, node)
        : node.name === 'VariableName'
          ? code(py, node)
          : null;
    if (key !== null && POOL_KEYS.has(key)) add('sqlalchemy', 2);
  } while (cursor.next());
}
