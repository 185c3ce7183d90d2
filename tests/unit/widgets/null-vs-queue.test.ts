import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src/engine/index';
import { presetScenario } from '../../../src/state/scenario-store';
import { compareRuns, runFigures, withPoolClass } from '../../../src/widgets/null-vs-queue';

const base = presetScenario('nullpool-vs-queuepool');
const nullReport = simulate(withPoolClass(base, 'NullPool')).report;
const queueReport = simulate(withPoolClass(base, 'QueuePool')).report;

describe('NullVsQueue figures', () => {
  it('runs the same scenario and seed with each pool class', () => {
    expect(nullReport.scenario.pool.class).toBe('NullPool');
    expect(queueReport.scenario.pool.class).toBe('QueuePool');
    expect({ ...nullReport.scenario, pool: null }).toEqual({ ...queueReport.scenario, pool: null });
  });

  it('reads every figure from the report', () => {
    const f = runFigures(nullReport);
    expect(f.connects).toBe(nullReport.pool.connects);
    expect(f.connectsPerS).toBeCloseTo(nullReport.pool.connects / nullReport.sim.virtual_s, 9);
    expect(f.p50).toBe(nullReport.latency_ms.p50);
    expect(f.pgPeak).toBe(nullReport.postgres.connections_peak);
    // NullPool: one connect per checkout.
    expect(f.connects).toBe(nullReport.pool.checkouts);
  });

  it('states both runs and their differences', () => {
    const text = compareRuns(nullReport, queueReport);
    expect(text).toContain(`NullPool opened ${nullReport.pool.connects.toLocaleString('en-US')}`);
    expect(text).toContain(`QueuePool opened ${queueReport.pool.connects}`);
    expect(text).toMatch(
      /Latency p50 [\d.]+ ms with NullPool against [\d.]+ ms with QueuePool \(\+[\d.]+ ms\)/,
    );
    expect(text).toContain('1 checkout per request');
  });
});
