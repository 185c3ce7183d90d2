import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO,
  FIELDS,
  PGBOUNCER_DEFAULTS,
  parseScenario,
} from '../../../src/scenario/index';

const errorsOf = (input: unknown) => {
  const r = parseScenario(input);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('parseScenario', () => {
  it('fills every default', () => {
    const r = parseScenario({});
    expect(r.ok && r.scenario).toEqual(DEFAULT_SCENARIO);
    const p = parseScenario({ pgbouncer: {}, load: { kind: 'open' } });
    expect(p.ok && p.scenario.pgbouncer).toEqual(PGBOUNCER_DEFAULTS);
    expect(p.ok && p.scenario.load).toEqual({ kind: 'open', rate_per_s: 200, phases: [] });
  });

  it('uses the real libraries defaults', () => {
    expect(DEFAULT_SCENARIO.pool).toMatchObject({
      pool_size: 5,
      max_overflow: 10,
      pool_timeout: 30,
      pool_recycle: -1,
      pool_pre_ping: false,
      pool_use_lifo: false,
    });
    expect(DEFAULT_SCENARIO.app).toMatchObject({
      workers: 1,
      threads: 1,
      timeout_s: 30,
      max_requests: 0,
      preload_app: false,
    });
    expect(PGBOUNCER_DEFAULTS).toMatchObject({
      pool_mode: 'session',
      max_client_conn: 100,
      default_pool_size: 20,
      query_wait_timeout: 120,
      server_idle_timeout: 600,
    });
    expect(DEFAULT_SCENARIO.postgres).toMatchObject({
      max_connections: 100,
      superuser_reserved_connections: 3,
    });
  });

  it('names key path, value and range', () => {
    expect(errorsOf({ pool: { pool_size: -3 } })).toEqual([
      { path: 'pool.pool_size', value: -3, message: 'pool.pool_size: -3 is out of range 0..1000' },
    ]);
    expect(errorsOf({ app: { threads: 1000 } })[0]!.message).toBe(
      'app.threads: 1000 is out of range 1..256',
    );
    expect(errorsOf({ app: { workers: 2.5 } })[0]!.message).toBe(
      'app.workers: 2.5 is not a whole number (allowed: integers 1..64)',
    );
    expect(errorsOf({ pool: { pool_timeout: 'x' } })[0]!.message).toBe(
      'pool.pool_timeout: expected a number in 0..3600, got "x"',
    );
    expect(errorsOf({ app: { post_fork: 'yes' } })[0]!.message).toBe(
      'app.post_fork: "yes" is not one of none | dispose_close_false | dispose_close_true',
    );
    expect(errorsOf({ pool: { pool_pre_ping: 1 } })[0]!.message).toBe(
      'pool.pool_pre_ping: expected true or false, got 1',
    );
    expect(errorsOf({ faults: [{ kind: 'postgres_restart', at_s: -1 }] })[0]!.message).toBe(
      'faults[0].at_s: -1 is out of range 0..3600',
    );
    expect(errorsOf({ faults: [{ kind: 'meteor' }] })[0]!.message).toContain(
      'faults[0].kind: "meteor" is not one of terminate_backends',
    );
    expect(
      errorsOf({ load: { kind: 'open', phases: [{ rate_per_s: 1, duration_s: 0 }] } })[0]!.message,
    ).toBe('load.phases[0].duration_s: 0 is out of range 0.001..3600');
  });

  it('rejects unknown keys and wrong shapes, reporting every error at once', () => {
    const errors = errorsOf({ pool: { pool_size: -1, poolsize: 5 }, app: 3, extra: true });
    expect(errors.map((e) => e.message)).toEqual([
      'app: expected an object, got 3',
      'pool.pool_size: -1 is out of range 0..1000',
      'pool.poolsize: unknown key',
      'extra: unknown key',
    ]);
    expect(errorsOf({ load: { kind: 'closed', rate_per_s: 5 } })[0]!.message).toBe(
      'load.rate_per_s: unknown key',
    );
  });

  it('checks limits that span fields', () => {
    expect(errorsOf({ postgres: { max_connections: 3 } })[0]!.message).toBe(
      'postgres.superuser_reserved_connections: 3 is out of range 0..2 (it must be less than max_connections)',
    );
    expect(errorsOf({ app: { servers: 8, workers: 64 } })[0]!.message).toContain(
      'app.workers: 64 is out of range 1..32',
    );
    expect(
      errorsOf({ duration_s: 3600, load: { kind: 'open', rate_per_s: 1000 } })[0]!.message,
    ).toContain('3600000 requests in the run is out of range 0..1000000');
    expect(
      errorsOf({ load: { requests: 1_000_000 }, app: { request: { queries: 50 } } })[0]!.path,
    ).toBe('app.request.queries');
  });

  it('notes Flask-SQLAlchemy truncation, not with create_engine', () => {
    const r = parseScenario({ pool: { pool_timeout: 0.5, pool_recycle: 1800.7 } });
    expect(r.ok && r.notes).toEqual([
      'pool.pool_timeout: 0.5 becomes 0 through Flask-SQLAlchemy (engine_from_config converts it with int()): a checkout at the limit fails at once',
      'pool.pool_recycle: 1800.7 becomes 1800 through Flask-SQLAlchemy (engine_from_config converts it with int())',
    ]);
    const c = parseScenario({
      app: { engine_config: 'create_engine' },
      pool: { pool_timeout: 0.5 },
    });
    expect(c.ok && c.notes).toEqual([]);
  });

  it('the field table is coherent', () => {
    for (const f of FIELDS) {
      if (f.type === 'int' || f.type === 'number') {
        expect(f.min, f.path).toBeLessThanOrEqual(f.max!);
        expect(f.default as number, f.path).toBeGreaterThanOrEqual(f.min!);
        expect(f.default as number, f.path).toBeLessThanOrEqual(f.max!);
      }
      if (f.type === 'enum') expect(f.options, f.path).toContain(f.default);
      expect(f.meaning.length, f.path).toBeGreaterThan(5);
      expect(
        f.doc !== undefined || f.model === true,
        `${f.path} needs a doc link or the model flag`,
      ).toBe(true);
    }
  });
});
