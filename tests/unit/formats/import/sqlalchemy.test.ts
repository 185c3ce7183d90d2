import { describe, expect, it } from 'vitest';
import { importConfig } from '../../../../src/formats/import';
import {
  echoPoolOptions,
  globalSession,
  nullPoolOptions,
  productionOptions,
  queuePoolOptions,
} from './fixtures/memo';
import { ignoredKeys, lines, reason, values } from './helpers';

const sa = (text: string) => importConfig(text, { kind: 'sqlalchemy' });

describe('SQLAlchemy engine options', () => {
  it("reads the memo's production Config.SQLALCHEMY_ENGINE_OPTIONS", () => {
    const result = sa(productionOptions);
    expect(values(result)).toEqual({
      'app.engine_config': 'flask_sqlalchemy',
      'pool.pool_size': 10,
      'pool.max_overflow': 20,
      'pool.pool_pre_ping': true,
      'pool.pool_recycle': 3600,
      'pool.pool_timeout': 30,
    });
    expect(result.ignored).toEqual([{ key: 'echo_pool', line: 8, reason: 'not modelled' }]);
    expect(result.errors).toEqual([]);
  });

  it("reads the memo's other option dicts", () => {
    expect(values(sa(queuePoolOptions))).toEqual({
      'app.engine_config': 'flask_sqlalchemy',
      'pool.pool_size': 10,
      'pool.max_overflow': 10,
      'pool.pool_pre_ping': true,
      'pool.pool_recycle': 3600,
    });
    expect(values(sa(nullPoolOptions))).toEqual({
      'app.engine_config': 'flask_sqlalchemy',
      'pool.class': 'NullPool',
      'pool.pool_pre_ping': true,
    });
    const echo = sa(echoPoolOptions);
    expect(values(echo)).toEqual({ 'app.engine_config': 'flask_sqlalchemy', 'pool.pool_size': 10 });
    expect(reason(echo, 'echo_pool')).toBe('not modelled');
  });

  it("reads the memo's module-level Session as one shared by every thread", () => {
    const result = sa(globalSession);
    expect(values(result)).toEqual({ 'app.session_scope': 'global' });
  });

  it('reads create_engine(url, ...) with Python literals', () => {
    const result = sa(
      lines(
        'import os',
        'from sqlalchemy import create_engine',
        'from sqlalchemy.pool import QueuePool',
        '',
        'engine = create_engine(',
        '    os.environ["DATABASE_URL"],',
        '    poolclass = QueuePool ,',
        '    pool_size=1_0,   # ten',
        '    max_overflow=-1,',
        '    pool_timeout=0.5,',
        '    pool_recycle=60 * 30,',
        '    pool_pre_ping=True,',
        '    pool_use_lifo=False,',
        '    echo=False,',
        '    pool_reset_on_return=None,',
        '    pool_sizes=3,',
        ')',
      ),
    );
    expect(values(result)).toEqual({
      'app.engine_config': 'create_engine',
      'pool.class': 'QueuePool',
      'pool.pool_size': 10,
      'pool.max_overflow': -1,
      'pool.pool_timeout': 0.5,
      'pool.pool_recycle': 1800,
      'pool.pool_pre_ping': true,
      'pool.pool_use_lifo': false,
    });
    expect(result.recognised.find((r) => r.key === 'pool_size')?.line).toBe(8);
    expect(ignoredKeys(result)).toEqual(['echo@14', 'pool_reset_on_return@15', 'pool_sizes@16']);
    expect(reason(result, 'pool_sizes')).toMatch(/^not a create_engine\(\) argument/);
  });

  it('reads the Flask-SQLAlchemy forms', () => {
    const forms = [
      'app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 7}',
      "app.config.update(SQLALCHEMY_ENGINE_OPTIONS={'pool_size': 7})",
      'app.config.from_mapping({"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 7}})',
      'db = SQLAlchemy(engine_options={"pool_size": 7})',
      'db = flask_sqlalchemy.SQLAlchemy(model_class=Base, engine_options=dict(pool_size=7))',
      'class Config:\n    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 7}\n',
    ];
    for (const text of forms) {
      expect(values(sa(text)), text).toEqual({
        'app.engine_config': 'flask_sqlalchemy',
        'pool.pool_size': 7,
      });
    }
  });

  it('reads poolclass in all its spellings', () => {
    for (const spelling of [
      'NullPool',
      'pool.NullPool',
      'sqlalchemy.pool.NullPool',
      'sa.pool.NullPool',
    ]) {
      const result = sa(
        `import sqlalchemy as sa\nengine = create_engine(url, poolclass=${spelling})\n`,
      );
      expect(values(result)['pool.class'], spelling).toBe('NullPool');
    }
    const aliased = sa(
      'from sqlalchemy.pool import NullPool as NP\nOPTS = 1\nSQLALCHEMY_ENGINE_OPTIONS = {"poolclass": NP}\n',
    );
    expect(values(aliased)['pool.class']).toBe('NullPool');
    const other = sa('SQLALCHEMY_ENGINE_OPTIONS = {"poolclass": StaticPool}\n');
    expect(reason(other, 'poolclass')).toBe(
      'StaticPool: not modelled (the model has QueuePool and NullPool)',
    );
    const text = sa('SQLALCHEMY_ENGINE_OPTIONS = {"poolclass": "NullPool"}\n');
    expect(reason(text, 'poolclass')).toMatch(/^not a class/);
  });

  it('drops the sizing arguments NullPool refuses', () => {
    const result = sa(
      'engine = create_engine(URL, poolclass=NullPool, pool_size=5, max_overflow=0, pool_recycle=300)\n',
    );
    expect(values(result)).toEqual({
      'app.engine_config': 'create_engine',
      'pool.class': 'NullPool',
      'pool.pool_recycle': 300,
    });
    expect(reason(result, 'pool_size')).toContain('create_engine raises TypeError');
    expect(reason(result, 'max_overflow')).toContain("Invalid argument(s) 'max_overflow'");
  });

  it('chooses the production class among several Config classes', () => {
    const result = sa(
      lines(
        'class Config:',
        '    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 5, "pool_pre_ping": True}',
        '',
        'class DevelopmentConfig(Config):',
        '    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 1}',
        '',
        'class ProductionConfig(Config):',
        '    SQLALCHEMY_ENGINE_OPTIONS = {',
        '        **Config.SQLALCHEMY_ENGINE_OPTIONS,',
        '        "pool_size": 20,',
        '    }',
      ),
    );
    expect(values(result)).toEqual({
      'app.engine_config': 'flask_sqlalchemy',
      'pool.pool_size': 20,
    });
    expect(ignoredKeys(result)).toEqual([
      'SQLALCHEMY_ENGINE_OPTIONS@2',
      'SQLALCHEMY_ENGINE_OPTIONS@5',
      '**Config.SQLALCHEMY_ENGINE_OPTIONS@9',
    ]);
    expect(reason(result, 'SQLALCHEMY_ENGINE_OPTIONS')).toBe(
      'another engine configuration (SQLALCHEMY_ENGINE_OPTIONS on line 2 in class Config): only SQLALCHEMY_ENGINE_OPTIONS on line 8 in class ProductionConfig is read; paste the one production uses',
    );
  });

  it('follows ** unpacking of a dict defined in the file, and module-level constants', () => {
    const result = sa(
      lines(
        'POOL_SIZE = 12',
        'BASE = {"pool_pre_ping": True, "pool_size": 2}',
        'SQLALCHEMY_ENGINE_OPTIONS = {**BASE, "pool_size": POOL_SIZE}',
      ),
    );
    expect(values(result)).toEqual({
      'app.engine_config': 'flask_sqlalchemy',
      'pool.pool_pre_ping': true,
      'pool.pool_size': 12,
    });
    expect(result.recognised.find((r) => r.path === 'pool.pool_size')?.note).toBe(
      'from POOL_SIZE on line 1',
    );
  });

  it('reads environment defaults and asks for computed values', () => {
    const result = sa(
      lines(
        'SQLALCHEMY_ENGINE_OPTIONS = {',
        '    "pool_size": int(os.environ.get("DB_POOL_SIZE", 10)),',
        '    "max_overflow": get_overflow(),',
        '    "pool_recycle": None,',
        '}',
      ),
    );
    expect(values(result)).toEqual({
      'app.engine_config': 'flask_sqlalchemy',
      'pool.pool_size': 10,
    });
    expect(reason(result, 'max_overflow')).toBe(
      'computed value: give the number (get_overflow() is only known when Python runs)',
    );
    expect(reason(result, 'pool_recycle')).toBe('None is not a number');
  });

  it('converts strings as Flask-SQLAlchemy does (int()), and not for create_engine', () => {
    const fsa = sa('SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": "10", "pool_timeout": "0.5"}\n');
    expect(values(fsa)['pool.pool_size']).toBe(10);
    expect(reason(fsa, 'pool_timeout')).toContain('raises ValueError');
    const engine = sa('create_engine(url, pool_size="10")\n');
    expect(reason(engine, 'pool_size')).toBe(
      'a string, not a number: create_engine does not convert it',
    );
  });

  it('names the Flask-SQLAlchemy 2 keys that 3.0 removed', () => {
    const result = sa(
      lines(
        'SQLALCHEMY_DATABASE_URI = "postgresql://app:secret@db/app?sslmode=require"',
        'SQLALCHEMY_POOL_SIZE = 20',
        'SQLALCHEMY_TRACK_MODIFICATIONS = False',
      ),
    );
    expect(values(result)).toEqual({ 'network.tls': true });
    expect(reason(result, 'SQLALCHEMY_POOL_SIZE')).toBe(
      'removed in Flask-SQLAlchemy 3.0: put pool_size in SQLALCHEMY_ENGINE_OPTIONS',
    );
    expect(reason(result, 'SQLALCHEMY_TRACK_MODIFICATIONS')).toBe('not modelled');
    // The URL holds a password: it is never copied into the result.
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it('reads sslmode from connect_args', () => {
    const on = sa('create_engine(url, connect_args={"sslmode": "verify-full"})\n');
    expect(values(on)['network.tls']).toBe(true);
    const maybe = sa('create_engine(url, connect_args={"sslmode": "prefer"})\n');
    expect(reason(maybe, 'connect_args sslmode')).toMatch(/only if the server offers it/);
  });

  it('reads a bare dict or keyword set, leaving engine_config alone', () => {
    const dict = sa("{'pool_size': 3, 'max_overflow': 0}\n");
    expect(values(dict)).toEqual({ 'pool.pool_size': 3, 'pool.max_overflow': 0 });
    const kwargs = sa('pool_size=4, max_overflow=2,\npool_pre_ping=True');
    expect(values(kwargs)).toEqual({
      'pool.pool_size': 4,
      'pool.max_overflow': 2,
      'pool.pool_pre_ping': true,
    });
    expect(kwargs.recognised.find((r) => r.key === 'pool_pre_ping')?.line).toBe(2);
  });

  it('says when there is nothing to read', () => {
    const result = sa('SECRET_KEY = "x"\nDEBUG = False\n');
    expect(result.errors[0]?.message).toMatch(/^No SQLAlchemy pool settings found/);
  });
});
