import { describe, expect, it } from 'vitest';
import { parseScenario, type Scenario, type ScenarioInput } from '../../../src/scenario/index';
import {
  pgPeakVisible,
  realFigures,
  realTextsByKind,
  realThroughput,
  reclassified,
  type Figures,
} from '../../../tests/reality/compare/figures';
import type { RealReport } from '../../../tests/reality/compare/reality';
import {
  closedLoopCpuBound,
  closedLoopSlowdown,
  contended,
  countSlack,
  envelope,
  kindsDisagree,
  modelKindState,
  presentMin,
  realKindState,
  runChecks,
  TOLERANCES,
  within,
  type CheckId,
  type CheckInput,
} from '../../../tests/reality/compare/tolerances';

const norm = (input: ScenarioInput): Scenario => {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};

const fig = (over: Partial<Figures> = {}): Figures => ({
  started: 100,
  completed: 100,
  ok: 100,
  failed: 0,
  errors: {},
  throughput_rps: 10,
  p50: 50,
  p95: 80,
  pg_peak: 4,
  pgb_servers_peak: null,
  pgb_clients_peak: null,
  connects: 4,
  checkouts: 100,
  completed_rps: 10,
  ...over,
});

const input = (over: Partial<CheckInput> = {}): CheckInput => ({
  models: [fig(), fig({ ok: 98, failed: 2, completed: 100, errors: { pool_timeout: 2 } })],
  real: fig(),
  scenario: norm({ load: { kind: 'open', rate_per_s: 10 } }),
  pathP90Ms: 2,
  rigCpu: 0.3,
  cpuBusy: 0.5,
  stackCpuMs: null,
  nproc: 2,
  scenarioDiff: [],
  ...over,
});

const status = (checks: ReturnType<typeof runChecks>, id: CheckId) =>
  checks.find((c) => c.id === id)?.status;

describe('every tolerance is written down with a reason', () => {
  it('has a rule and a reason for each check', () => {
    for (const [id, t] of Object.entries(TOLERANCES)) {
      expect(t.rule.length, id).toBeGreaterThan(10);
      expect(t.reason.length, id).toBeGreaterThan(20);
    }
  });
});

describe('envelope', () => {
  it('is mean ± 3 sd, never narrower than min..max, never below 0 for counts', () => {
    const e = envelope([10, 12, 14]);
    expect(e.mean).toBe(12);
    expect(e.sd).toBe(2);
    expect(e.lo).toBe(6);
    expect(e.hi).toBe(18);
    expect(envelope([0, 1]).lo).toBe(0);
    expect(envelope([5]).lo).toBe(5);
    expect(envelope([]).hi).toBe(0);
  });

  it('within and countSlack', () => {
    const e = envelope([10, 10]);
    expect(within(12, e, 2, 2)).toBe(true);
    expect(within(12.5, e, 2, 2)).toBe(false);
    expect(within(8, e, 2, 0)).toBe(true);
    expect(countSlack(2, 0.1, e, 50)).toBe(5);
    expect(countSlack(2, 0.1, e, 3)).toBe(2);
  });
});

describe('error kinds present and absent', () => {
  it('needs max(2, 1% of completed) to be present', () => {
    expect(presentMin(50)).toBe(2);
    expect(presentMin(800)).toBe(8);
    expect(realKindState(0, 800)).toBe('absent');
    expect(realKindState(3, 800)).toBe('trace');
    expect(realKindState(8, 800)).toBe('present');
  });

  it('classifies the model over its seeds', () => {
    expect(modelKindState([5, 6], [100, 100])).toBe('always');
    expect(modelKindState([0, 1], [100, 100])).toBe('never');
    expect(modelKindState([0, 5], [100, 100])).toBe('sometimes');
  });

  it('disagrees only on present against never, or absent against always', () => {
    expect(kindsDisagree('present', 'never')).toBe(true);
    expect(kindsDisagree('absent', 'always')).toBe(true);
    expect(kindsDisagree('trace', 'always')).toBe(false);
    expect(kindsDisagree('trace', 'never')).toBe(false);
    expect(kindsDisagree('present', 'sometimes')).toBe(false);
    expect(kindsDisagree('absent', 'sometimes')).toBe(false);
  });
});

describe('runChecks', () => {
  it('passes a real run inside the envelope', () => {
    const checks = runChecks(input());
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('fails a kind reality has and the model never', () => {
    const checks = runChecks(
      input({ real: fig({ ok: 90, failed: 10, errors: { too_many_clients: 10 } }) }),
    );
    expect(status(checks, 'kinds')).toBe('fail');
    expect(status(checks, 'failed')).toBe('fail');
  });

  it('counts kinds only reality has (client_timeout…) as a model of 0', () => {
    const checks = runChecks(
      input({ real: fig({ ok: 95, failed: 5, errors: { 'other:client_timeout': 5 } }) }),
    );
    expect(checks.find((c) => c.id === 'kinds')?.detail).toContain('other:client_timeout');
    expect(status(checks, 'kinds')).toBe('fail');
  });

  it('scales model counts to the real number of completed requests', () => {
    const models = [fig({ completed: 200, ok: 100, failed: 100, errors: { pool_timeout: 100 } })];
    const real = fig({ completed: 100, ok: 50, failed: 50, errors: { pool_timeout: 50 } });
    const checks = runChecks(input({ models, real }));
    expect(status(checks, 'ok')).toBe('pass');
    expect(status(checks, 'failed')).toBe('pass');
  });

  it('allows the stack path above the model latency, not below it', () => {
    const models = [fig({ p50: 10, p95: 20 })];
    // 6 × 2 ms + 3 queries × 1 ms = 15 ms above at p50
    expect(status(runChecks(input({ models, real: fig({ p50: 24.9, p95: 20 }) })), 'p50')).toBe(
      'pass',
    );
    expect(status(runChecks(input({ models, real: fig({ p50: 25.2, p95: 20 }) })), 'p50')).toBe(
      'fail',
    );
    expect(status(runChecks(input({ models, real: fig({ p50: 7.9, p95: 20 }) })), 'p50')).toBe(
      'fail',
    );
  });

  it('leaves latency out with too few successful requests', () => {
    const checks = runChecks(input({ models: [fig({ ok: 5 })], real: fig({ ok: 5, p50: 999 }) }));
    expect(status(checks, 'p50')).toBe('n/a');
  });

  it("does not enforce a closed loop's speed on a contended machine, but does an open load's", () => {
    const closed = norm({ load: { kind: 'closed', concurrency: 8, requests: 100 } });
    const slow = fig({ throughput_rps: 2, p50: 500, p95: 900 });
    const c1 = runChecks(input({ scenario: closed, real: slow, cpuBusy: 0.99 }));
    expect(status(c1, 'throughput')).toBe('not-enforced');
    expect(status(c1, 'p50')).toBe('not-enforced');
    const c2 = runChecks(input({ scenario: closed, real: slow, cpuBusy: 0.5, rigCpu: 0.2 }));
    expect(status(c2, 'throughput')).toBe('fail');
    const c3 = runChecks(input({ real: slow, cpuBusy: 0.99 }));
    expect(status(c3, 'throughput')).toBe('fail');
    // …but an open load's latency is the queue for a core on a contended machine.
    expect(status(c3, 'p50')).toBe('not-enforced');
    expect(status(runChecks(input({ real: slow, cpuBusy: 0.5 })), 'p50')).toBe('fail');
    expect(contended(0.95, null)).toBe(true);
    expect(contended(0.5, 0.8)).toBe(true);
    expect(contended(null, null)).toBe(false);
  });

  it("does not enforce a closed loop's speed when the model's loop would need half the cores", () => {
    const closed = norm({ load: { kind: 'closed', concurrency: 8, requests: 100 } });
    const models = [fig({ completed_rps: 500 })];
    const slow = fig({ throughput_rps: 0.5 });
    const base = { scenario: closed, models, real: slow, cpuBusy: 0.5, rigCpu: 0.5 };
    // 500/s × 2 ms = 1 core of 2: bound
    expect(status(runChecks(input({ ...base, stackCpuMs: 2 })), 'throughput')).toBe('not-enforced');
    // 500/s × 1.9 ms = 0.95 cores: not bound
    expect(status(runChecks(input({ ...base, stackCpuMs: 1.9 })), 'throughput')).toBe('fail');
    expect(
      closedLoopCpuBound(false, { cpuBusy: 1, rigCpu: 1, stackCpuMs: 9, nproc: 2 }, 999),
    ).toBeNull();
  });

  it("allows a closed loop the stack's path on every request, by Little's law", () => {
    // One sync worker, 8 users, the model turning a request around every 20 ms (50/s).
    const closed = norm({
      app: { workers: 1, threads: 1 },
      load: { kind: 'closed', concurrency: 8, requests: 600 },
    });
    const models = [fig({ completed_rps: 50, throughput_rps: 50, p50: 160, p95: 200 })];
    // 20 ms + 20 ms of path: half the speed, twice the latency.
    expect(closedLoopSlowdown(closed, models, 20)).toBeCloseTo(2);
    expect(closedLoopSlowdown(norm({ load: { kind: 'open', rate_per_s: 5 } }), models, 20)).toBe(1);
    const base = { scenario: closed, models, pathP90Ms: 3, cpuBusy: 0.5, rigCpu: 0.2 };
    // allowance at p50: 6 × 3 + 3 queries = 21 ms → slowdown 41/20
    const checks = runChecks(
      input({ ...base, real: fig({ throughput_rps: 25, p50: 320, p95: 400 }) }),
    );
    expect(status(checks, 'throughput')).toBe('pass');
    expect(status(checks, 'p50')).toBe('pass');
    const tooSlow = runChecks(
      input({ ...base, real: fig({ throughput_rps: 20, p50: 400, p95: 400 }) }),
    );
    expect(status(tooSlow, 'throughput')).toBe('fail');
    expect(status(tooSlow, 'p50')).toBe('fail');
  });

  it('checks PgBouncer peaks only with PgBouncer', () => {
    expect(status(runChecks(input()), 'pgb_servers_peak')).toBe('n/a');
    const scenario = norm({ pgbouncer: {}, load: { kind: 'open', rate_per_s: 10 } });
    const models = [fig({ pgb_servers_peak: 5, pgb_clients_peak: 20 })];
    const checks = runChecks(
      input({ scenario, models, real: fig({ pgb_servers_peak: 5, pgb_clients_peak: 30 }) }),
    );
    expect(status(checks, 'pgb_servers_peak')).toBe('pass');
    expect(status(checks, 'pgb_clients_peak')).toBe('fail');
  });

  it('fails when the two sides read the scenario differently', () => {
    expect(status(runChecks(input({ scenarioDiff: ['pool.pool_size'] })), 'scenario')).toBe('fail');
  });
});

describe('pgPeakVisible', () => {
  it('caps at what pg_stat_activity can list for non-superusers', () => {
    expect(pgPeakVisible(12, 12, 3)).toBe(9);
    expect(pgPeakVisible(5, 12, 3)).toBe(5);
  });
});

describe('reclassified real failures', () => {
  const report = (sessionScope: string) =>
    ({
      scenario: { app: { session_scope: sessionScope } },
      requests: {
        started: 10,
        completed: 10,
        ok: 5,
        failed: 5,
        errors: { session_state: 2 },
        other_errors: { unclassified: 3 },
      },
      latency_ms: { mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, max: 1 },
      throughput_rps: 1,
      pool: { checkouts: 5, waited: 0, connects: 1, checked_out_peak: 1 },
      postgres: { connections_peak: 1, connections_opened: 1, refused: 0 },
      pgbouncer: null,
      fork: { inherited_connections: 0, shared_socket_uses: 0 },
      versions: {},
      raw_errors: {
        unclassified: [
          {
            count: 3,
            text: 'sqlalchemy.exc.ProgrammingError: (psycopg2.ProgrammingError) set_session cannot be used inside a transaction',
          },
        ],
      },
      harness: {},
    }) as unknown as RealReport;

  it("moves psycopg2's set_session refusal under a global Session to session_state", () => {
    expect(reclassified(report('global'))).toEqual([
      { from: 'unclassified', to: 'session_state', count: 3 },
    ]);
    expect(realFigures(report('global')).errors).toMatchObject({ session_state: 5 });
    expect(realFigures(report('global')).errors['other:unclassified']).toBeUndefined();
  });

  it('leaves it unclassified otherwise', () => {
    expect(reclassified(report('scoped'))).toEqual([]);
    expect(realFigures(report('scoped')).errors['other:unclassified']).toBe(3);
  });
});

describe('connects refused during a restart', () => {
  it('moves a connect-time "server closed" to connect_refused when the scenario restarts a server', () => {
    const text =
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "127.0.0.1", port 5 failed: server closed the connection unexpectedly';
    const r = {
      scenario: { faults: [{ kind: 'postgres_restart', at_s: 1, down_s: 1 }] },
      requests: {
        started: 10,
        completed: 10,
        ok: 6,
        failed: 4,
        errors: { connection_closed: 3, connect_refused: 1 },
      },
      latency_ms: { mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, max: 1 },
      throughput_rps: 1,
      pool: { checkouts: 6, waited: 0, connects: 1, checked_out_peak: 1 },
      postgres: { connections_peak: 1, connections_opened: 1, refused: 0 },
      pgbouncer: null,
      raw_errors: {
        connection_closed: [
          { count: 2, text },
          {
            count: 1,
            text: 'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the connection unexpectedly',
          },
        ],
      },
      harness: {},
    } as unknown as RealReport;
    expect(realFigures(r).errors).toMatchObject({ connection_closed: 1, connect_refused: 3 });
    expect(realTextsByKind(r)['connect_refused']).toEqual([text]);
  });
});

describe('realThroughput', () => {
  const r = (kind: string, wall: number) =>
    ({
      scenario: { duration_s: 10, load: { kind } },
      requests: { ok: 300 },
      throughput_rps: 300 / wall,
      harness: { wall_s_load: wall },
    }) as unknown as RealReport;
  it("divides an open load's successes by duration_s, not by the drain after it", () => {
    expect(realThroughput(r('open', 12))).toBe(30);
    expect(realThroughput(r('closed', 12))).toBe(25);
    expect(realThroughput(r('open', 9.5))).toBeCloseTo(300 / 9.5);
  });
});
