import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configFiles } from '../../../../src/formats/export';
import {
  CONFIG_KINDS,
  detectKind,
  importConfig,
  importConfigs,
  importToScenario,
  MAX_BYTES,
  textFromBytes,
  type ConfigKind,
} from '../../../../src/formats/import';
import { DEFAULT_SCENARIO, PGBOUNCER_DEFAULTS } from '../../../../src/scenario/defaults';
import type { Scenario } from '../../../../src/scenario/types';
import {
  connectionMath,
  nullPoolOptions,
  pgbouncerPattern,
  postFork,
  postWorkerInit,
  productionOptions,
} from './fixtures/memo';
import { lines, values } from './helpers';

describe('kind detection', () => {
  const cases: [string, ConfigKind, string?][] = [
    [postFork, 'gunicorn'],
    [postWorkerInit, 'gunicorn'],
    ['workers = 4\nthreads = 16\npreload_app = True\n', 'gunicorn'],
    ['bind = "0.0.0.0:8000"\nworker_class = "gthread"\n', 'gunicorn'],
    ['gunicorn -w 4 --threads 16 app:app', 'gunicorn-cli'],
    ['web: gunicorn app:app --workers 3', 'gunicorn-cli'],
    ['CMD ["gunicorn", "-w", "4", "app:app"]', 'gunicorn-cli'],
    ['GUNICORN_CMD_ARGS="--workers 4"', 'gunicorn-cli'],
    [productionOptions, 'sqlalchemy'],
    [nullPoolOptions, 'sqlalchemy'],
    ['engine = create_engine(url, pool_size=10)', 'sqlalchemy'],
    ["{'pool_size': 10, 'max_overflow': 20}", 'sqlalchemy'],
    ['pool_size=10, max_overflow=20', 'sqlalchemy'],
    ['db = SQLAlchemy(engine_options={"pool_pre_ping": True})', 'sqlalchemy'],
    ['[pgbouncer]\npool_mode = transaction\n', 'pgbouncer'],
    ['[databases]\nx = host=db\n', 'pgbouncer'],
    ['max_connections = 100\nshared_buffers = 128MB\n', 'postgresql-conf'],
    ['superuser_reserved_connections = 3', 'postgresql-conf'],
    ['ALTER SYSTEM SET max_connections = 200;', 'postgresql-conf'],
    ['command: postgres -c max_connections=300', 'postgresql-conf'],
    [' max_connections \n-----------------\n 100\n(1 row)\n', 'show-output'],
    ['-[ RECORD 1 ]---+----\nmax_connections | 100\n', 'show-output'],
    ['db=# SHOW max_connections;\n 100\n', 'show-output'],
    // The file name settles what content alone could not.
    ['workers = 2', 'gunicorn', 'gunicorn.conf.py'],
    ['max_connections = 100', 'postgresql-conf', 'postgresql.auto.conf'],
    ['[pgbouncer]', 'pgbouncer', '/etc/pgbouncer/pgbouncer.ini'],
  ];
  it.each(cases)('%#: detects %s', (text, kind, fileName) => {
    expect(detectKind(text, fileName).kind).toBe(kind);
  });

  it('says what it accepts when it cannot tell', () => {
    const result = importConfig('just some prose about pools\n');
    expect(result.kind).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toMatch(/^Could not tell what kind of configuration this is/);
    expect(result.recognised).toEqual([]);
  });

  it('refuses an unknown kind', () => {
    const result = importConfig('workers = 4', { kind: 'yaml' as ConfigKind });
    expect(result.errors[0]?.message).toBe(
      `Unknown kind "yaml": one of ${CONFIG_KINDS.join(', ')}.`,
    );
  });
});

/** The memo's production setup, as the export tests state it. */
const memoScenario: Scenario = {
  ...DEFAULT_SCENARIO,
  app: {
    ...DEFAULT_SCENARIO.app,
    workers: 4,
    threads: 16,
    preload_app: true,
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

describe('the memo, imported', () => {
  it('gives its production setup from its own snippets and a command line', () => {
    // The memo gives workers and threads only as arithmetic (workers = max(2, 8 // 2) = 4),
    // so the command line that ran them is the fourth file.
    const result = importToScenario([
      { text: postFork, fileName: 'gunicorn.conf.py' },
      { text: productionOptions, fileName: 'config.py' },
      { text: 'gunicorn -c gunicorn.conf.py -w 4 --threads 16 --preload app:app' },
    ]);
    expect(result.ok).toBe(true);
    expect(result.scenario).toEqual(memoScenario);
    expect(result.rejected).toEqual([]);
    expect(result.files.map((f) => f.kind)).toEqual(['gunicorn', 'sqlalchemy', 'gunicorn-cli']);
    expect(result.files[1]?.ignored).toEqual([
      { key: 'echo_pool', line: 8, reason: 'not modelled' },
    ]);
  });

  it('reads its PgBouncer pattern as two files, app options and pgbouncer.ini', () => {
    const split = pgbouncerPattern.indexOf('# PgBouncer config');
    const result = importToScenario([
      { text: pgbouncerPattern.slice(0, split) },
      { text: pgbouncerPattern.slice(split) },
    ]);
    expect(result.ok).toBe(true);
    expect(result.scenario?.pool.class).toBe('NullPool');
    expect(result.scenario?.pool.pool_pre_ping).toBe(false);
    expect(result.scenario?.pgbouncer).toEqual({
      ...PGBOUNCER_DEFAULTS,
      pool_mode: 'transaction',
      max_client_conn: 1000,
      default_pool_size: 25,
    });
  });

  it('finds workers = 4 in its connection arithmetic and nothing it cannot read', () => {
    const result = importConfig(connectionMath, { kind: 'gunicorn' });
    expect(values(result)).toEqual({ 'app.workers': 4 });
    expect(result.errors.map((e) => e.line)).toEqual([6, 7, 8]);
  });
});

describe('importToScenario', () => {
  it('turns out-of-range values into ignored items naming key, value, file, line and range', () => {
    const result = importToScenario([
      {
        text: lines(
          '# postgresql.conf',
          'max_connections = 200000',
          'superuser_reserved_connections = 3',
        ),
        fileName: 'postgresql.conf',
      },
      { text: 'workers = 100\nthreads = 8\n', fileName: 'gunicorn.conf.py' },
      { text: 'SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 1.5, "pool_timeout": 0.2}\n' },
    ]);
    expect(result.ok).toBe(true);
    expect(result.rejected).toEqual([
      'max_connections = 200000 in postgresql.conf line 2: out of range 1..10000',
      'workers = 100 in gunicorn.conf.py line 1: out of range 1..64',
      'pool_size = 1.5 in the sqlalchemy text line 1: not a whole number (allowed: integers 0..1000)',
    ]);
    expect(result.scenario?.postgres.max_connections).toBe(100);
    expect(result.scenario?.app.workers).toBe(1);
    expect(result.scenario?.app.threads).toBe(8);
    expect(result.files[0]?.ignored).toEqual([
      { key: 'max_connections', line: 2, reason: 'out of range 1..10000', value: 200000 },
    ]);
    expect(result.files[0]?.recognised.map((r) => r.key)).toEqual([
      'superuser_reserved_connections',
    ]);
    // Flask-SQLAlchemy's int() on pool_timeout is the scenario's own note.
    expect(result.notes.some((n) => n.startsWith('pool.pool_timeout: 0.2 becomes 0'))).toBe(true);
  });

  it('names the file value that breaks a rule spanning two settings', () => {
    const result = importToScenario([
      { text: 'max_connections = 3\n', fileName: 'postgresql.conf' },
    ]);
    expect(result.ok).toBe(true);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatch(
      /^max_connections = 3 in postgresql\.conf line 1: conflicts with postgres\.superuser_reserved_connections = 3: /,
    );
  });

  it('falls back to the base value when a file value is refused', () => {
    const result = importToScenario(
      [{ text: 'max_connections = 0\n', fileName: 'postgresql.conf' }],
      { postgres: { max_connections: 50 } },
    );
    expect(result.scenario?.postgres.max_connections).toBe(50);
  });

  it('reports errors of the base itself', () => {
    const result = importToScenario([{ text: 'workers = 2\n', fileName: 'gunicorn.conf.py' }], {
      pool: { pool_size: -5 },
    });
    expect(result.ok).toBe(false);
    expect(result.scenario).toBeNull();
    expect(result.errors).toEqual(['pool.pool_size: -5 is out of range 0..1000']);
  });

  it('ranks the sources as the tools do and says which one won', () => {
    const merged = importConfigs([
      { text: 'gunicorn -w 8 app:app' },
      { text: 'workers = 2\ntimeout = 60\n', fileName: 'gunicorn.conf.py' },
      { text: 'max_connections = 100\n', fileName: 'postgresql.conf' },
      { text: ' max_connections \n-----------------\n 300\n(1 row)\n' },
    ]);
    expect(merged.input.app).toEqual({ workers: 8, timeout_s: 60 });
    expect(merged.input.postgres).toEqual({ max_connections: 300 });
    expect(merged.sources['app.workers']).toMatchObject({ file: 0, key: '-w', line: 1 });
    expect(merged.notes).toEqual([
      'app.workers: -w (the command line line 1) takes precedence over workers (gunicorn.conf.py line 1)',
      'postgres.max_connections: max_connections (the SHOW output line 3) replaces max_connections = 100 (postgresql.conf line 1)',
    ]);
  });
});

describe('round trip with the export', () => {
  const scenarios: [string, Scenario][] = [
    ['the memo', memoScenario],
    ['the defaults', DEFAULT_SCENARIO],
    [
      'create_engine with NullPool, PgBouncer and both hooks',
      {
        ...DEFAULT_SCENARIO,
        app: {
          ...DEFAULT_SCENARIO.app,
          workers: 3,
          timeout_s: 0,
          max_requests: 500,
          max_requests_jitter: 50,
          preload_app: true,
          post_fork: 'dispose_close_true',
          post_worker_init: 'dispose_close_false',
          engine_config: 'create_engine',
        },
        pool: { ...DEFAULT_SCENARIO.pool, class: 'NullPool', pool_pre_ping: true },
        pgbouncer: {
          ...PGBOUNCER_DEFAULTS,
          pool_mode: 'statement',
          reserve_pool_timeout: 2.5,
          max_db_connections: 40,
        },
        postgres: {
          ...DEFAULT_SCENARIO.postgres,
          max_connections: 400,
          superuser_reserved_connections: 10,
        },
      },
    ],
  ];

  it.each(scenarios)('%s: export then import gives the same settings', (_name, scenario) => {
    const files = configFiles(scenario).map((f) => ({ text: f.text, fileName: f.name }));
    const result = importToScenario(files);
    expect(result.ok).toBe(true);
    expect(result.rejected).toEqual([]);
    expect(result.files.flatMap((f) => f.errors)).toEqual([]);
    expect(result.scenario).toEqual(scenario);
  });

  it('holds for any scenario the export can write', () => {
    const int = (min: number, max: number) => fc.integer({ min, max });
    const scenario = fc
      .record({
        workers: int(1, 64),
        threads: int(1, 256),
        timeout: int(0, 3600),
        maxRequests: int(0, 1_000_000),
        jitter: int(0, 1_000_000),
        preload: fc.boolean(),
        postFork: fc.constantFrom('none', 'dispose_close_false', 'dispose_close_true'),
        postWorkerInit: fc.constantFrom('none', 'dispose_close_false', 'dispose_close_true'),
        engineConfig: fc.constantFrom('flask_sqlalchemy', 'create_engine'),
        nullPool: fc.boolean(),
        poolSize: int(0, 1000),
        maxOverflow: int(-1, 1000),
        poolTimeout: fc.integer({ min: 0, max: 36000 }).map((x) => x / 10),
        poolRecycle: int(-1, 86400),
        prePing: fc.boolean(),
        lifo: fc.boolean(),
        pgbouncer: fc.option(
          fc.record({
            pool_mode: fc.constantFrom('session', 'transaction', 'statement'),
            max_client_conn: int(1, 100000),
            default_pool_size: int(0, 10000),
            min_pool_size: int(0, 10000),
            reserve_pool_size: int(0, 10000),
            reserve_pool_timeout: fc.integer({ min: 0, max: 36000 }).map((x) => x / 10),
            max_db_connections: int(0, 10000),
            server_idle_timeout: int(0, 86400),
            query_wait_timeout: int(0, 3600),
          }),
          { nil: null },
        ),
        maxConnections: int(2, 10000),
        reserved: int(0, 1000),
      })
      .map((r): Scenario => {
        const preload = r.preload;
        return {
          ...DEFAULT_SCENARIO,
          app: {
            ...DEFAULT_SCENARIO.app,
            workers: r.workers,
            threads: r.threads,
            timeout_s: r.timeout,
            max_requests: r.maxRequests,
            max_requests_jitter: r.jitter,
            preload_app: preload,
            // Without preload the export writes no post_fork hook: it would find no engine.
            post_fork: preload ? r.postFork : 'none',
            post_worker_init: r.postWorkerInit,
            engine_config: r.engineConfig,
          },
          pool: r.nullPool
            ? { ...DEFAULT_SCENARIO.pool, class: 'NullPool', pool_pre_ping: r.prePing }
            : {
                class: 'QueuePool',
                pool_size: r.poolSize,
                max_overflow: r.maxOverflow,
                pool_timeout: r.poolTimeout,
                pool_recycle: r.poolRecycle,
                pool_pre_ping: r.prePing,
                pool_use_lifo: r.lifo,
              },
          pgbouncer: r.pgbouncer,
          postgres: {
            ...DEFAULT_SCENARIO.postgres,
            max_connections: r.maxConnections,
            superuser_reserved_connections: Math.min(r.reserved, r.maxConnections - 1),
          },
        };
      });
    fc.assert(
      fc.property(scenario, (s) => {
        const files = configFiles(s).map((f) => ({ text: f.text, fileName: f.name }));
        const result = importToScenario(files);
        expect(result.rejected).toEqual([]);
        expect(result.scenario).toEqual(s);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a fractional timeout, which Gunicorn would refuse too', () => {
    const scenario: Scenario = {
      ...DEFAULT_SCENARIO,
      app: { ...DEFAULT_SCENARIO.app, timeout_s: 30.5 },
    };
    const conf = configFiles(scenario)[0];
    const result = importConfig(conf?.text ?? '', { fileName: conf?.name ?? '' });
    expect(result.ignored).toContainEqual({
      key: 'timeout',
      line: 3,
      reason: '30.5 is not a whole number: Gunicorn refuses a float here',
      value: 30.5,
    });
  });
});

describe('hostile input', () => {
  const onlyError = (result: ReturnType<typeof importConfig>, pattern: RegExp) => {
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toMatch(pattern);
    expect(result.recognised).toEqual([]);
    expect(result.ignored).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.input).toEqual({});
  };

  it('refuses a huge file, saying the limit', () => {
    const huge = 'workers = 4\n'.repeat(30_000);
    onlyError(importConfig(huge), /^The text is 352 KiB; the import reads at most 256 KiB\./);
    onlyError(importConfig('é'.repeat(MAX_BYTES / 2 + 1), { kind: 'gunicorn' }), /256 KiB/);
  });

  it('refuses binary data and text that was not UTF-8', () => {
    onlyError(
      importConfig('\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000'),
      /binary file \(it contains NUL bytes\)/,
    );
    onlyError(importConfig('workers = 4\ufffd\ufffd\n'), /not valid UTF-8 text/);
    onlyError(importConfig('\u0001\u0002\u0003\u0004 workers = 4'), /full of control characters/);
    expect(textFromBytes(new Uint8Array([0xff, 0xfe, 0x41]))).toEqual({
      ok: false,
      message: 'This file is not valid UTF-8 text: nothing was read.',
    });
    expect(textFromBytes(new TextEncoder().encode('\ufeffworkers = 4'))).toEqual({
      ok: true,
      text: 'workers = 4',
    });
    expect(textFromBytes(new Uint8Array(MAX_BYTES + 1)).ok).toBe(false);
  });

  it('treats a script as text: refused as unknown, or an ignored string value', () => {
    onlyError(importConfig('<script>alert(document.cookie)</script>'), /^Could not tell/);
    const result = importConfig('workers = "<script>alert(1)</script>"\n', { kind: 'gunicorn' });
    expect(result.recognised).toEqual([]);
    expect(result.ignored).toEqual([
      {
        key: 'workers',
        line: 1,
        reason: '"<script>alert(1)</script>" is not a number Gunicorn can read',
        value: '<script>alert(1)</script>',
      },
    ]);
  });

  it('bounds the number of items reported', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `setting_${i} = ${i}`).join('\n');
    const result = importConfig(many, { kind: 'gunicorn' });
    expect(result.ignored).toHaveLength(200);
    expect(result.notes.at(-1)?.message).toBe('4800 more ignored items not listed');
    const broken = importConfig('workers = (\n'.repeat(1000), { kind: 'gunicorn' });
    expect(broken.errors.length).toBeLessThanOrEqual(20);
  });

  it('survives deep nesting and long chains without exhausting the stack', () => {
    const deep = `workers = ${'('.repeat(20_000)}1${')'.repeat(20_000)}\n`;
    const chain = `workers = a${'.a'.repeat(20_000)}\n`;
    const sum = `workers = 1${' + 1'.repeat(20_000)}\n`;
    for (const text of [deep, chain, sum]) {
      const result = importConfig(text, { kind: 'gunicorn' });
      expect(result.recognised).toEqual([]);
      expect(result.errors.every((e) => !e.message.includes('unexpectedly'))).toBe(true);
    }
  });

  it('never throws, whatever the text and the kind', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.constantFrom(undefined, ...CONFIG_KINDS),
        (text, kind) => {
          const result = importConfig(text, kind ? { kind } : {});
          expect(Array.isArray(result.errors)).toBe(true);
          expect(result.errors.every((e) => !e.message.includes('unexpectedly'))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
    const pieces = fc.constantFrom(
      'workers',
      '=',
      ' ',
      '\n',
      '[pgbouncer]',
      '(',
      ')',
      '{',
      '}',
      '"',
      "'",
      '#',
      ';',
      '\\',
      '$(',
      '-w',
      'gunicorn',
      'dispose',
      'def post_fork(s, w):\n    ',
      'max_connections',
      '---',
      '|',
      '0x',
      '**',
      ':',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 60 }),
        fc.constantFrom(undefined, ...CONFIG_KINDS),
        (parts, kind) => {
          const result = importConfig(parts.join(''), kind ? { kind } : {});
          expect(result.errors.every((e) => !e.message.includes('unexpectedly'))).toBe(true);
        },
      ),
      { numRuns: 600 },
    );
  });
});
