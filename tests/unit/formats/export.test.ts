import { describe, expect, it } from 'vitest';
import {
  configFiles,
  engineOptionsFile,
  gunicornConfFile,
  pgbouncerIniFile,
} from '../../../src/formats/export';
import { DEFAULT_SCENARIO, PGBOUNCER_DEFAULTS } from '../../../src/scenario/defaults';
import type { Scenario } from '../../../src/scenario/types';

const memo: Scenario = {
  ...DEFAULT_SCENARIO,
  app: {
    ...DEFAULT_SCENARIO.app,
    workers: 4,
    threads: 16,
    preload_app: true,
    master_connects: true,
    post_fork: 'dispose_close_false',
  },
  pool: {
    ...DEFAULT_SCENARIO.pool,
    pool_size: 10,
    max_overflow: 20,
    pool_recycle: 3600,
    pool_pre_ping: true,
  },
};

describe('configuration export', () => {
  it('writes SQLALCHEMY_ENGINE_OPTIONS with Python literals', () => {
    expect(engineOptionsFile(memo).text).toBe(
      [
        'SQLALCHEMY_ENGINE_OPTIONS = {',
        '    "pool_size": 10,',
        '    "max_overflow": 20,',
        '    "pool_timeout": 30,',
        '    "pool_recycle": 3600,',
        '    "pool_pre_ping": True,',
        '    "pool_use_lifo": False,',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('warns where Flask-SQLAlchemy truncates a fractional pool_timeout', () => {
    const text = engineOptionsFile({ ...memo, pool: { ...memo.pool, pool_timeout: 0.5 } }).text;
    expect(text).toContain('int()');
    expect(text).toContain('"pool_timeout": 0.5,');
  });

  it('gives NullPool no sizing arguments, which create_engine would refuse', () => {
    const text = engineOptionsFile({
      ...memo,
      app: { ...memo.app, engine_config: 'create_engine' },
      pool: { ...memo.pool, class: 'NullPool' },
    }).text;
    expect(text).toContain('from sqlalchemy.pool import NullPool');
    expect(text).toContain('    poolclass=NullPool,');
    expect(text).not.toContain('pool_size');
  });

  it('writes gunicorn.conf.py with the post_fork hook inside an app context', () => {
    const text = gunicornConfFile(memo).text;
    expect(text).toContain('workers = 4\nthreads = 16\ntimeout = 30\npreload_app = True\n');
    expect(text).toContain('def post_fork(server, worker):');
    expect(text).toContain('    with app.app_context():\n        db.engine.dispose(close=False)\n');
    expect(text).not.toContain('post_worker_init');
  });

  it('says a post_fork dispose has nothing to act on without preload_app', () => {
    const text = gunicornConfFile({ ...memo, app: { ...memo.app, preload_app: false } }).text;
    expect(text).not.toContain('def post_fork');
    expect(text).toContain('no hook is needed');
  });

  it('writes pgbouncer.ini only when PgBouncer is in the path', () => {
    expect(pgbouncerIniFile(memo)).toBeNull();
    const ini = pgbouncerIniFile({
      ...memo,
      pgbouncer: { ...PGBOUNCER_DEFAULTS, pool_mode: 'transaction' },
    });
    expect(ini?.text).toContain('[pgbouncer]\n');
    expect(ini?.text).toContain(
      'pool_mode = transaction\nmax_client_conn = 100\ndefault_pool_size = 20\n',
    );
    expect(configFiles(memo).map((f) => f.name)).toEqual([
      'gunicorn.conf.py',
      'config.py',
      'postgresql.conf',
    ]);
  });
});
