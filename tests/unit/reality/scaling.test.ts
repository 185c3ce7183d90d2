import { describe, expect, it } from 'vitest';
import {
  parseScenario,
  PRESETS,
  type Scenario,
  type ScenarioInput,
} from '../../../src/scenario/index';
import {
  applyModelInputs,
  measuredFaultInputs,
  modelInputs,
  pgSleepExcess,
  type Calibration,
} from '../../../tests/reality/compare/calibration';
import {
  MAX_DURATION_S,
  MAX_RATE_PER_S,
  peakRate,
  scaleScenario,
} from '../../../tests/reality/compare/scaling';
import { scenarioDiff } from '../../../tests/reality/compare/scenario-diff';

const norm = (input: ScenarioInput): Scenario => {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};

const scale = (input: ScenarioInput) => scaleScenario(input, norm(input));

describe('scaleScenario', () => {
  it('leaves a scenario that already fits alone', () => {
    const input: ScenarioInput = { duration_s: 10, load: { kind: 'open', rate_per_s: 20 } };
    const { input: out, scaling } = scale(input);
    expect(out).toEqual(input);
    expect(scaling).toEqual({ time: 1, rate: 1, changes: [] });
  });

  it('shortens a long run and every time on its timeline by the same factor', () => {
    const input: ScenarioInput = {
      duration_s: 60,
      faults: [
        { kind: 'postgres_restart', at_s: 30, down_s: 6 },
        { kind: 'idle_timeout', after_s: 30 },
        { kind: 'terminate_backends', at_s: 45 },
      ],
      load: {
        kind: 'open',
        phases: [
          { rate_per_s: 10, duration_s: 15 },
          { rate_per_s: 20, duration_s: 45 },
        ],
      },
    };
    const { input: out, scaling } = scale(input);
    expect(scaling.time).toBeCloseTo(MAX_DURATION_S / 60);
    expect(out.duration_s).toBe(20);
    expect(out.faults).toEqual([
      { kind: 'postgres_restart', at_s: 10, down_s: 2 },
      { kind: 'idle_timeout', after_s: 10 },
      { kind: 'terminate_backends', at_s: 15 },
    ]);
    expect(out.load).toEqual({
      kind: 'open',
      rate_per_s: 200,
      phases: [
        { rate_per_s: 10, duration_s: 5 },
        { rate_per_s: 20, duration_s: 15 },
      ],
    });
  });

  it('slows a fast open load and stretches database time so the same requests are in flight', () => {
    const input: ScenarioInput = {
      duration_s: 20,
      app: { request: { app_ms: 5, queries: 3, query_ms: 2 } },
      load: { kind: 'open', rate_per_s: 500 },
    };
    const { input: out, scaling } = scale(input);
    const r = MAX_RATE_PER_S / 500;
    expect(scaling.rate).toBeCloseTo(r);
    expect(out.load).toEqual({ kind: 'open', rate_per_s: MAX_RATE_PER_S });
    const q = out.app!.request!.query_ms!;
    // Little's law: rate × time per request is unchanged.
    expect(MAX_RATE_PER_S * (5 + 3 * q)).toBeCloseTo(500 * (5 + 3 * 2), 1);
    // Python time is not stretched.
    expect(out.app!.request!.app_ms).toBe(5);
  });

  it('scales max_requests with time and rate so that recycling happens at the same points of the run', () => {
    const input: ScenarioInput = {
      duration_s: 30,
      app: { max_requests: 1000, max_requests_jitter: 100 },
      load: { kind: 'open', rate_per_s: 500 },
    };
    const { input: out, scaling } = scale(input);
    const k = scaling.time * scaling.rate;
    expect(out.app!.max_requests).toBe(Math.round(1000 * k));
    expect(out.app!.max_requests_jitter).toBe(Math.round(100 * k));
  });

  it('only shortens a closed load', () => {
    const input: ScenarioInput = {
      duration_s: 40,
      load: { kind: 'closed', concurrency: 8, requests: 1000 },
    };
    const { input: out } = scale(input);
    expect(out.duration_s).toBe(20);
    expect(out.load).toEqual(input.load);
  });

  it('gives every preset a valid scenario within the limits, in the same form the harness accepts', () => {
    for (const p of PRESETS) {
      const { input } = scale(p.scenario);
      const sc = norm(input);
      expect(sc.duration_s, p.id).toBeLessThanOrEqual(MAX_DURATION_S);
      expect(peakRate(sc) ?? 0, p.id).toBeLessThanOrEqual(MAX_RATE_PER_S + 1e-9);
      // The harness refuses an empty phase list.
      const load = input.load as { phases?: unknown[] } | undefined;
      if (load?.phases) expect(load.phases.length, p.id).toBeGreaterThan(0);
    }
  });
});

const CAL: Calibration = {
  connect_ms: {
    tcp_trust: { median: 5, p90: 8, min: 3, n: 10 },
    tcp_trust_tls: { median: 12, p90: 15, min: 9, n: 10 },
    pgbouncer_trust: { median: 0.25, p90: 0.3, min: 0.2, n: 10 },
  },
  select1_rtt_ms: {
    direct: { median: 0.06, p90: 0.08, min: 0.05, n: 10 },
    direct_tls: { median: 0.09, p90: 0.1, min: 0.08, n: 10 },
    pgbouncer: { median: 0.12, p90: 0.15, min: 0.1, n: 10 },
  },
  http_path_ms: {
    one_pg_sleep_0: { median: 1.3, p90: 1.7, min: 1, n: 10 },
    one_pg_sleep_0_nullpool: { median: 9.3, p90: 11, min: 8, n: 10 },
  },
  pg_sleep_excess_ms: {
    '10': { median: 0.4, p90: 0.5, min: 0.2, n: 10 },
    '1': { median: 1.2, p90: 1.4, min: 0.1, n: 10 },
    '100': { median: 1.3, p90: 1.6, min: 0.3, n: 10 },
  },
  versions: {},
  machine: { nproc: 2, cpu_model: 'test', kernel: 'test' },
};

describe('modelInputs', () => {
  const value = (sc: Scenario, path: string) =>
    modelInputs(sc, CAL).find((i) => i.path === path)?.value;

  it('uses the plain figures for a direct, plain connection; a connect as the app pays it', () => {
    const sc = norm({});
    // NullPool's request minus the pooled one: 9.3 − 1.3 ms, more than psycopg2.connect's 5.
    expect(value(sc, 'network.connect_ms')).toBe(8);
    expect(value(sc, 'network.rtt_ms')).toBe(0.06);
    expect(value(sc, 'network.pgbouncer_connect_ms')).toBe(0.25);
    expect(value(sc, 'postgres.cores')).toBe(256);
    expect(value(sc, 'app.cores')).toBe(2);
  });

  it('uses the TLS connect cost with tls, and the PgBouncer round trip behind PgBouncer', () => {
    const sc = norm({ network: { tls: true }, pgbouncer: {} });
    expect(value(sc, 'network.connect_ms')).toBe(8 + 7);
    expect(value(sc, 'network.rtt_ms')).toBe(0.12);
    expect(value(sc, 'network.pgbouncer_connect_ms')).toBe(0.25 + 7);
  });

  it('never takes a connect as the app pays it for less than psycopg2.connect alone', () => {
    const cheap = structuredClone(CAL);
    cheap.http_path_ms.one_pg_sleep_0_nullpool!.median = 2;
    expect(modelInputs(norm({}), cheap).find((i) => i.path === 'network.connect_ms')?.value).toBe(
      5,
    );
  });

  it("lengthens each query by pg_sleep's measured excess for its length", () => {
    // 5 ms lies between the 1 ms and 10 ms lengths timed.
    const sc = norm({ app: { request: { query_ms: 5 } } });
    expect(value(sc, 'app.request.query_ms')).toBeCloseTo(5 + 1.2 + ((0.4 - 1.2) * 4) / 9, 3);
    expect(value(norm({ app: { request: { query_ms: 100 } } }), 'app.request.query_ms')).toBe(
      101.3,
    );
    // Beyond the lengths timed, the nearest one's excess.
    expect(value(norm({ app: { request: { query_ms: 250 } } }), 'app.request.query_ms')).toBe(
      251.3,
    );
    expect(pgSleepExcess(CAL, 0.5)).toBe(1.2);
    expect(pgSleepExcess(CAL, 55)).toBeCloseTo(0.4 + (0.9 * 45) / 90, 9);
  });

  it('leaves query_ms alone when the request runs no query', () => {
    expect(value(norm({ app: { request: { queries: 0 } } }), 'app.request.query_ms')).toBe(
      undefined,
    );
  });

  it('says what is missing from an old calibration', () => {
    const old = structuredClone(CAL) as Partial<Calibration>;
    delete old.pg_sleep_excess_ms;
    expect(() => modelInputs(norm({}), old as Calibration)).toThrow(/pg_sleep_excess_ms/);
  });

  it('shares the cores among the servers', () => {
    expect(value(norm({ app: { servers: 2 } }), 'app.cores')).toBe(1);
    expect(value(norm({ app: { servers: 3 } }), 'app.cores')).toBe(1);
  });

  it('writes the values into a copy', () => {
    const sc = norm({});
    const out = applyModelInputs(sc, modelInputs(sc, CAL));
    expect(out.network.rtt_ms).toBe(0.06);
    expect(sc.network.rtt_ms).toBe(0.5);
    expect(parseScenario(out).ok).toBe(true);
  });
});

describe('scenarioDiff', () => {
  it('finds differing paths', () => {
    expect(scenarioDiff({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3 } })).toEqual(['a.c']);
    expect(scenarioDiff({ a: 1 }, { a: 1, b: 2 })).toEqual(['b']);
  });

  it('treats a missing phase list as empty, and ignores rate_per_s beside phases', () => {
    expect(
      scenarioDiff(
        { load: { kind: 'open', rate_per_s: 200, phases: [] } },
        { load: { kind: 'open', rate_per_s: 200 } },
      ),
    ).toEqual([]);
    const phases = [{ rate_per_s: 5, duration_s: 1 }];
    expect(
      scenarioDiff(
        { load: { kind: 'open', rate_per_s: 200, phases } },
        { load: { kind: 'open', phases } },
      ),
    ).toEqual([]);
  });
});

describe('measuredFaultInputs', () => {
  it('gives the engine the outage the real run had', () => {
    const sc = norm({
      faults: [
        { kind: 'idle_timeout', after_s: 2 },
        { kind: 'postgres_restart', at_s: 3, down_s: 2 },
      ],
    });
    const inputs = measuredFaultInputs(sc, [
      { kind: 'postgres_restart', started_s: 3.058, ended_s: 5.305 },
    ]);
    expect(inputs.map((i) => [i.path, i.value])).toEqual([
      ['faults.1.at_s', 3.058],
      ['faults.1.down_s', 2.247],
    ]);
    const out = applyModelInputs(sc, inputs);
    expect(out.faults[1]).toEqual({ kind: 'postgres_restart', at_s: 3.058, down_s: 2.247 });
  });

  it('leaves times within 10 ms alone', () => {
    const sc = norm({ faults: [{ kind: 'terminate_backends', at_s: 4 }] });
    expect(
      measuredFaultInputs(sc, [{ kind: 'terminate_backends', started_s: 4.004, ended_s: 4.012 }]),
    ).toEqual([]);
  });
});
