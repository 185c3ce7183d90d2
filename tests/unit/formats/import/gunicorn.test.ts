import { describe, expect, it } from 'vitest';
import { importConfig } from '../../../../src/formats/import';
import { intBase0 } from '../../../../src/formats/import/gunicorn';
import { postFork, postForkHypothesis, postWorkerInit, poolMath } from './fixtures/memo';
import { ignoredKeys, lines, reason, values } from './helpers';

const gunicorn = (text: string) => importConfig(text, { kind: 'gunicorn' });

describe('gunicorn.conf.py', () => {
  it('reads a real-world file with comments, odd spacing, computed and unknown settings', () => {
    const result = gunicorn(
      lines(
        '# gunicorn.conf.py -- production',
        'import multiprocessing',
        'import os',
        '',
        'bind = "0.0.0.0:" + os.environ.get("PORT", "8000")',
        'workers=4            # one per core',
        'threads   =\t16',
        'worker_class = "gthread"',
        'timeout = 120',
        'preload_app = True',
        'max_requests = 1_000',
        'max_requests_jitter = 50',
        'keepalive = 5',
        'accesslog = "-"',
        'loglevel = "info"',
        'cores = multiprocessing.cpu_count()',
        'WORKERS = 8',
      ),
    );
    expect(result.kind).toBe('gunicorn');
    expect(values(result)).toEqual({
      'app.workers': 4,
      'app.threads': 16,
      'app.timeout_s': 120,
      'app.preload_app': true,
      'app.max_requests': 1000,
      'app.max_requests_jitter': 50,
    });
    expect(result.recognised.find((r) => r.path === 'app.workers')?.line).toBe(6);
    expect(ignoredKeys(result)).toEqual([
      'bind@5',
      'keepalive@13',
      'accesslog@14',
      'loglevel@15',
      'cores@16',
      'WORKERS@17',
    ]);
    expect(reason(result, 'bind')).toBe('not modelled: the simulator has no network addresses');
    expect(reason(result, 'keepalive')).toBe('not modelled by the simulator');
    expect(reason(result, 'cores')).toBe('not a Gunicorn setting: Gunicorn ignores it');
    expect(reason(result, 'WORKERS')).toContain('lower-case names (workers)');
    expect(result.notes.map((n) => n.message)).toContain(
      'worker_class "gthread": the gthread worker (the model\'s threads > 1)',
    );
    expect(result.errors).toEqual([]);
  });

  it('asks for the number when a value is computed', () => {
    const result = gunicorn(
      lines(
        'import multiprocessing',
        'workers = multiprocessing.cpu_count() * 2 + 1',
        'threads = int(os.environ["THREADS"])',
        'timeout = TIMEOUT_FROM_ELSEWHERE',
        'preload_app = os.getenv("PRELOAD", "false").lower() == "true"',
      ),
    );
    expect(values(result)).toEqual({});
    expect(reason(result, 'workers')).toBe(
      'computed value: give the number (multiprocessing.cpu_count() * 2 + 1 is only known when Python runs)',
    );
    expect(reason(result, 'threads')).toMatch(
      /^computed value: give the number \(.* environment variable THREADS\)$/,
    );
    expect(reason(result, 'timeout')).toMatch(/^computed value: give the number/);
    expect(reason(result, 'preload_app')).toMatch(
      /^computed value: give True or False \(os\.getenv/,
    );
  });

  it('reads the default of os.environ.get and says so', () => {
    const result = gunicorn(
      lines(
        'import os',
        'workers = int(os.environ.get("WEB_CONCURRENCY", 4))',
        "threads = int(os.getenv('THREADS', '8'))",
        'timeout = os.environ.get("TIMEOUT", 60)',
      ),
    );
    expect(values(result)).toEqual({ 'app.workers': 4, 'app.threads': 8, 'app.timeout_s': 60 });
    const workers = result.recognised.find((r) => r.path === 'app.workers');
    expect(workers?.note).toContain('the default of os.environ.get("WEB_CONCURRENCY", 4)');
    expect(workers?.note).toContain('WEB_CONCURRENCY may set another value');
  });

  it('folds arithmetic on literals and follows module-level constants', () => {
    const result = gunicorn(lines('CORES = 4', 'workers = CORES * 2 + 1', 'timeout = 2 * 60'));
    expect(values(result)).toEqual({ 'app.workers': 9, 'app.timeout_s': 120 });
    expect(result.recognised[0]?.note).toContain('from CORES on line 1');
    expect(result.recognised[1]?.note).toBe('computed from literals: 2 * 60 = 120');
  });

  it('refuses what Gunicorn refuses: floats, negatives, tuples, bad strings', () => {
    const result = gunicorn(
      lines(
        'workers = -2',
        'threads = 4,',
        'timeout = 30.5',
        'max_requests = "many"',
        'preload_app = "yes"',
        'max_requests_jitter = "0x10"',
      ),
    );
    expect(values(result)).toEqual({ 'app.max_requests_jitter': 16 });
    expect(reason(result, 'workers')).toBe('-2: Gunicorn refuses a negative value');
    expect(reason(result, 'threads')).toContain('a tuple');
    expect(reason(result, 'timeout')).toBe(
      '30.5 is not a whole number: Gunicorn refuses a float here',
    );
    expect(reason(result, 'max_requests')).toBe('"many" is not a number Gunicorn can read');
    expect(reason(result, 'preload_app')).toBe('not True or False: Gunicorn refuses it');
  });

  it('reads "true"/"false" strings and strings of digits as Gunicorn validates them', () => {
    const result = gunicorn(lines('preload_app = "True"', 'workers = "4"'));
    expect(values(result)).toEqual({ 'app.preload_app': true, 'app.workers': 4 });
  });

  it('keeps the last of repeated settings and lists the earlier one', () => {
    const result = gunicorn(lines('workers = 2', 'workers = 6'));
    expect(values(result)).toEqual({ 'app.workers': 6 });
    expect(result.ignored).toEqual([
      { key: 'workers', line: 1, reason: 'set again by workers on line 2: the last one counts' },
    ]);
  });

  it('does not guess settings set inside if/try blocks', () => {
    const result = gunicorn(
      lines(
        'import os',
        'if os.environ.get("ENV") == "production":',
        '    workers = 8',
        'else:',
        '    workers = 2',
        'try:',
        '    import gevent',
        '    worker_class = "gevent"',
        'except ImportError:',
        '    pass',
        'threads = 4',
      ),
    );
    expect(values(result)).toEqual({ 'app.threads': 4 });
    expect(ignoredKeys(result)).toEqual(['workers@3', 'workers@5', 'worker_class@8']);
    expect(reason(result, 'workers')).toContain('set inside an if block');
  });

  describe('worker_class', () => {
    it('sync with threads > 1 runs gthread, as Gunicorn does', () => {
      const result = gunicorn(lines('worker_class = "sync"', 'threads = 8'));
      expect(values(result)).toEqual({ 'app.threads': 8 });
      expect(result.notes[0]?.message).toBe(
        'worker_class "sync" with 8 threads: Gunicorn runs the gthread worker instead, and so does the model',
      );
    });

    it('other worker types are not modelled, and then threads do not apply', () => {
      const result = gunicorn(lines('worker_class = "gevent"', 'workers = 3', 'threads = 8'));
      expect(values(result)).toEqual({ 'app.workers': 3 });
      expect(reason(result, 'worker_class')).toBe(
        'not modelled: the model has the sync and gthread workers only',
      );
      expect(reason(result, 'threads')).toBe(
        'only the gthread worker uses threads; worker_class "gevent" does not',
      );
    });

    it('recognises the full class paths', () => {
      const result = gunicorn(lines('worker_class = "gunicorn.workers.gthread.ThreadWorker"'));
      expect(result.notes[0]?.message).toContain('with 1 thread');
    });
  });

  describe('hooks', () => {
    it("reads the memo's post_fork: dispose(close=False)", () => {
      for (const text of [postFork, postForkHypothesis]) {
        const result = gunicorn(text);
        expect(values(result)).toEqual({ 'app.post_fork': 'dispose_close_false' });
        expect(result.recognised[0]?.note).toBe('db.engine.dispose(close=False) on line 3');
        // Flask-SQLAlchemy 3's db.engine needs an app context, which the memo's hook lacks.
        expect(result.notes[0]?.message).toContain('Working outside of application context');
      }
    });

    it("reads the memo's post_worker_init as dispose() and says the rest cannot run", () => {
      const result = gunicorn(postWorkerInit);
      expect(values(result)).toEqual({ 'app.post_worker_init': 'dispose_close_true' });
      const note = result.recognised[0]?.note ?? '';
      expect(note).toContain('db.engine.dispose() on line 6');
      expect(note).toContain('the rest of post_worker_init cannot run (line 10: AttributeError)');
      expect(note).toContain('Worker failed to boot');
      expect(result.ignored).toEqual([
        {
          key: 'db.engine = create_engine(',
          line: 10,
          reason:
            "cannot run: db.engine has no setter (Flask-SQLAlchemy's engine is a read-only property); db.engine.options: SQLAlchemy's Engine has no attribute 'options' (AttributeError)",
        },
      ]);
    });

    it('recognises the dispose forms inside app contexts, lambdas and helpers', () => {
      const cases: [string, string, string][] = [
        [
          lines(
            'def post_fork(server, worker):',
            '    from yourapp import app, db',
            '    with app.app_context():',
            '        db.engine.dispose(close=False)',
          ),
          'post_fork',
          'dispose_close_false',
        ],
        [
          'post_fork = lambda server, worker: engine.dispose(False)',
          'post_fork',
          'dispose_close_false',
        ],
        [
          lines('def post_worker_init(worker):', '    engine.dispose(close=True)'),
          'post_worker_init',
          'dispose_close_true',
        ],
        [
          lines(
            'def _reset_pool():',
            '    get_engine().pool.dispose()',
            '',
            'def post_fork(server, worker):',
            '    server.log.info("resetting")',
            '    _reset_pool()',
          ),
          'post_fork',
          'dispose_close_true',
        ],
        [
          lines(
            'def _hook(server, worker):',
            '    db.engine.dispose(close=False)',
            'post_fork = _hook',
          ),
          'post_fork',
          'dispose_close_false',
        ],
      ];
      for (const [text, hook, expected] of cases) {
        const result = gunicorn(text);
        expect(values(result)[`app.${hook}`], text).toBe(expected);
      }
    });

    it('lists a hook with no dispose, and other hooks, as ignored', () => {
      const result = gunicorn(
        lines(
          'def post_fork(server, worker):',
          '    server.log.info("Worker spawned (pid: %s)", worker.pid)',
          '',
          'def when_ready(server):',
          '    server.log.info("ready")',
        ),
      );
      expect(values(result)).toEqual({});
      expect(reason(result, 'post_fork')).toBe(
        'no <engine>.dispose(...) call recognised in post_fork: the model runs no dispose there',
      );
      expect(reason(result, 'when_ready')).toBe(
        'not modelled: the model has the post_fork and post_worker_init hooks only',
      );
    });

    it('notes that a second dispose changes nothing', () => {
      const result = gunicorn(
        lines(
          'def post_fork(server, worker):',
          '    db.engine.dispose(close=False)',
          '    db.engine.dispose()',
        ),
      );
      expect(values(result)).toEqual({ 'app.post_fork': 'dispose_close_false' });
      expect(result.recognised[0]?.note).toContain(
        'the dispose on line 3 acts on the new, empty pool',
      );
    });
  });

  it("reports the memo's pseudo-Python without guessing", () => {
    const result = gunicorn(poolMath);
    expect(values(result)).toEqual({});
    // `workers = max(2, 8 // 2) = 4` assigns to a call: Python refuses the line.
    expect(result.errors.map((e) => e.line)).toEqual([5, 8, 9, 14]);
    expect(result.errors[1]?.message).toContain('cannot assign to a call');
    expect(ignoredKeys(result)).toEqual(['pool_size@2', 'pool_size@12', 'max_overflow@13']);
  });

  it('never runs the file: a call with side effects is just text', () => {
    const result = gunicorn(
      lines('import os', 'os.system("rm -rf /")', 'workers = __import__("os").cpu_count()'),
    );
    expect(values(result)).toEqual({});
    expect(reason(result, 'workers')).toMatch(/^computed value/);
  });

  it("reads Python's int(x, 0) like Gunicorn", () => {
    expect(intBase0(' 42 ')).toBe(42);
    expect(intBase0('0x1F')).toBe(31);
    expect(intBase0('1_000')).toBe(1000);
    expect(intBase0('010')).toBeNull();
    expect(intBase0('4.0')).toBeNull();
    expect(intBase0('')).toBeNull();
  });
});
