// A scenario written out as the configuration files of the real tools, in
// each tool's own format, so a reader can copy what they tried into their
// project: Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS (or create_engine
// arguments), gunicorn.conf.py, pgbouncer.ini and postgresql.conf lines.
// Only settings the scenario models are written; every value is the
// scenario's, never a recommendation.
import type { Hook, Scenario } from '../scenario/types';

export interface ConfigFile {
  /** File name as the tool expects it, e.g. `gunicorn.conf.py`. */
  name: string;
  /** The language of its text, for highlighting: `python`, `ini`, `conf`. */
  language: 'python' | 'ini' | 'conf';
  text: string;
}

/** A Python literal for a number or a boolean. */
function py(value: number | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value); // JavaScript and Python print 30, 0.5 and -1 alike
}

/** The pool keyword arguments the scenario sets, in create_engine's names. */
function poolArguments(s: Scenario): [string, string][] {
  const p = s.pool;
  if (p.class === 'NullPool') {
    // NullPool takes none of the sizing arguments: create_engine refuses
    // pool_size, max_overflow and pool_timeout with it.
    return [
      ['poolclass', 'NullPool'],
      ['pool_pre_ping', py(p.pool_pre_ping)],
    ];
  }
  return [
    ['pool_size', py(p.pool_size)],
    ['max_overflow', py(p.max_overflow)],
    ['pool_timeout', py(p.pool_timeout)],
    ['pool_recycle', py(p.pool_recycle)],
    ['pool_pre_ping', py(p.pool_pre_ping)],
    ['pool_use_lifo', py(p.pool_use_lifo)],
  ];
}

export function engineOptionsFile(s: Scenario): ConfigFile {
  const args = poolArguments(s);
  const imports = s.pool.class === 'NullPool' ? 'from sqlalchemy.pool import NullPool\n\n' : '';
  if (s.app.engine_config === 'create_engine') {
    return {
      name: 'database.py',
      language: 'python',
      text:
        `${imports}from sqlalchemy import create_engine\n\n` +
        `engine = create_engine(\n    DATABASE_URL,\n` +
        args.map(([k, v]) => `    ${k}=${v},\n`).join('') +
        `)\n`,
    };
  }
  const truncation =
    s.pool.class === 'QueuePool' &&
    (!Number.isInteger(s.pool.pool_timeout) || !Number.isInteger(s.pool.pool_recycle))
      ? '# Flask-SQLAlchemy builds the engine with engine_from_config, which turns\n' +
        '# pool_timeout and pool_recycle into whole numbers with int().\n'
      : '';
  return {
    name: 'config.py',
    language: 'python',
    text:
      `${imports}${truncation}SQLALCHEMY_ENGINE_OPTIONS = {\n` +
      args.map(([k, v]) => `    "${k}": ${v},\n`).join('') +
      `}\n`,
  };
}

const DISPOSE: Record<Exclude<Hook, 'none'>, { call: string; why: string }> = {
  dispose_close_false: {
    call: 'db.engine.dispose(close=False)',
    why: 'Start this worker with an empty pool; leave the inherited sockets to the master.',
  },
  dispose_close_true: {
    call: 'db.engine.dispose()',
    why: 'Closes the inherited connections: their sockets are shared with the master and the other workers.',
  },
};

function hookFunction(name: 'post_fork' | 'post_worker_init', hook: Hook): string {
  if (hook === 'none') return '';
  const { call, why } = DISPOSE[hook];
  const signature = name === 'post_fork' ? 'server, worker' : 'worker';
  return (
    `\n\ndef ${name}(${signature}):\n` +
    `    # ${why}\n` +
    `    from yourapp import app, db  # your Flask app and its Flask-SQLAlchemy object\n\n` +
    `    with app.app_context():\n` +
    `        ${call}\n`
  );
}

export function gunicornConfFile(s: Scenario): ConfigFile {
  const a = s.app;
  const lines = [
    `workers = ${a.workers}`,
    `threads = ${a.threads}`,
    `timeout = ${py(a.timeout_s)}`,
    `preload_app = ${py(a.preload_app)}`,
  ];
  if (a.max_requests > 0) lines.push(`max_requests = ${a.max_requests}`);
  if (a.max_requests_jitter > 0) lines.push(`max_requests_jitter = ${a.max_requests_jitter}`);
  const postFork =
    a.post_fork !== 'none' && !a.preload_app
      ? '\n\n# post_fork runs before the app is loaded when preload_app is False,\n' +
        '# so there is no engine to dispose yet: no hook is needed.'
      : hookFunction('post_fork', a.post_fork);
  return {
    name: 'gunicorn.conf.py',
    language: 'python',
    text: lines.join('\n') + postFork + hookFunction('post_worker_init', a.post_worker_init) + '\n',
  };
}

export function pgbouncerIniFile(s: Scenario): ConfigFile | null {
  const b = s.pgbouncer;
  if (!b) return null;
  const settings: [string, string | number][] = [
    ['listen_addr', '127.0.0.1'],
    ['listen_port', 6432],
    ['pool_mode', b.pool_mode],
    ['max_client_conn', b.max_client_conn],
    ['default_pool_size', b.default_pool_size],
    ['min_pool_size', b.min_pool_size],
    ['reserve_pool_size', b.reserve_pool_size],
    ['reserve_pool_timeout', b.reserve_pool_timeout],
    ['max_db_connections', b.max_db_connections],
    ['server_idle_timeout', b.server_idle_timeout],
    ['query_wait_timeout', b.query_wait_timeout],
  ];
  return {
    name: 'pgbouncer.ini',
    language: 'ini',
    text:
      '[databases]\nyourdb = host=127.0.0.1 port=5432 dbname=yourdb\n\n[pgbouncer]\n' +
      settings.map(([k, v]) => `${k} = ${v}`).join('\n') +
      '\n',
  };
}

export function postgresqlConfFile(s: Scenario): ConfigFile {
  return {
    name: 'postgresql.conf',
    language: 'conf',
    text:
      `max_connections = ${s.postgres.max_connections}\n` +
      `superuser_reserved_connections = ${s.postgres.superuser_reserved_connections}\n`,
  };
}

/** Every configuration file the scenario implies, in the order a request meets them. */
export function configFiles(s: Scenario): ConfigFile[] {
  const pgbouncer = pgbouncerIniFile(s);
  return [
    gunicornConfFile(s),
    engineOptionsFile(s),
    ...(pgbouncer ? [pgbouncer] : []),
    postgresqlConfFile(s),
  ];
}
