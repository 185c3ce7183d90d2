// Textbook agreement where the model reduces to a textbook queue.
//
// Run lengths and tolerances: 200,000 requests each, fixed seeds (so the tests are
// deterministic). For P(wait) ≈ 0.29 and loss ≈ 0.12, the binomial standard error at
// n = 200,000 is about 0.001; successive customers of a busy queue are correlated, which
// inflates it by a factor of a few (batch means on these runs put it near 0.003). The
// tolerances (0.015 absolute on probabilities, 8 % on the mean wait) are about 5 standard
// errors: a real bug moves these figures by much more, chance does not.
import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, erlangCMeanWait, simulate } from '../../../src/engine/index';
import { run, scenario } from './helpers';

describe('queueing formulas', () => {
  it('match known values', () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
    expect(erlangB(10, 8)).toBeCloseTo(0.12166, 4);
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    expect(erlangC(8, 6)).toBeCloseTo(0.39, 1);
  });
});

describe('M/M/c: QueuePool with pool_size c, max_overflow 0 (Erlang C)', () => {
  const c = 8;
  const meanMs = 10;
  const rate = 600; // a = 6 Erlangs, rho = 0.75
  const s = scenario({
    seed: 11,
    duration_s: 340,
    app: {
      workers: 1,
      threads: 256,
      cores: 64,
      request: { app_ms: 0, queries: 1, query_ms: meanMs, distribution: 'exponential' },
    },
    pool: { pool_size: c, max_overflow: 0, pool_timeout: 3600 },
    postgres: { cores: 64 },
    network: { rtt_ms: 0, connect_ms: 0 },
    load: { kind: 'open', rate_per_s: rate },
  });
  const r = simulate(s).report;
  const a = (rate * meanMs) / 1000;

  it('has enough samples and no failures', () => {
    expect(r.pool.checkouts).toBeGreaterThan(195_000);
    expect(r.requests.failed).toBe(0);
  });

  it('P(wait) agrees with Erlang C', () => {
    const pWait = r.pool.waited / r.pool.checkouts;
    expect(Math.abs(pWait - erlangC(c, a))).toBeLessThan(0.015);
  });

  it('mean wait agrees with Erlang C', () => {
    const expected = erlangCMeanWait(c, a, meanMs);
    expect(Math.abs(r.pool.wait_ms.mean - expected) / expected).toBeLessThan(0.08);
  });

  it("obeys Little's law", () => {
    const { mean_in_system, arrival_rate_per_s, mean_time_in_system_ms } = r.little;
    expect(mean_in_system / ((arrival_rate_per_s * mean_time_in_system_ms) / 1000)).toBeCloseTo(
      1,
      2,
    );
  });
});

describe('M/M/c/c: NullPool straight into max_connections (Erlang B)', () => {
  const c = 10;
  const reserved = 3;
  const meanMs = 10;
  const rate = 800; // a = 8 Erlangs
  const r = run({
    seed: 5,
    duration_s: 250,
    app: {
      workers: 1,
      threads: 256,
      cores: 64,
      request: { app_ms: 0, queries: 1, query_ms: meanMs },
    },
    pool: { class: 'NullPool' },
    postgres: {
      max_connections: c + reserved,
      superuser_reserved_connections: reserved,
      cores: 64,
    },
    network: { rtt_ms: 0, connect_ms: 0 },
    load: { kind: 'open', rate_per_s: rate },
  });

  it('loss agrees with Erlang B', () => {
    expect(r.requests.completed).toBeGreaterThan(195_000);
    const loss = r.requests.errors.too_many_clients / r.requests.completed;
    expect(Math.abs(loss - erlangB(c, (rate * meanMs) / 1000))).toBeLessThan(0.015);
    expect(r.requests.failed).toBe(r.requests.errors.too_many_clients);
    expect(r.postgres.connections_peak).toBe(c + 1);
  });
});

describe("Little's law", () => {
  it('holds exactly on a closed run that ends empty', () => {
    const r = run({
      duration_s: 600,
      app: { workers: 2, threads: 4 },
      load: { kind: 'closed', concurrency: 12, requests: 3000 },
    });
    expect(r.requests.in_flight).toBe(0);
    const { mean_in_system, arrival_rate_per_s, mean_time_in_system_ms } = r.little;
    expect(mean_in_system).toBeCloseTo((arrival_rate_per_s * mean_time_in_system_ms) / 1000, 3);
  });

  it('holds on an open run with failures', () => {
    const r = run({
      seed: 3,
      duration_s: 60,
      app: { workers: 2, threads: 8 },
      pool: { pool_size: 2, max_overflow: 0, pool_timeout: 0.5 },
      load: { kind: 'open', rate_per_s: 400 },
    });
    const { mean_in_system, arrival_rate_per_s, mean_time_in_system_ms } = r.little;
    expect(mean_in_system / ((arrival_rate_per_s * mean_time_in_system_ms) / 1000)).toBeCloseTo(
      1,
      1,
    );
  });
});
