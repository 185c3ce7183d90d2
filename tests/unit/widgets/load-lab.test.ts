import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src/engine/index';
import { parseScenario } from '../../../src/scenario/parse';
import { presetScenario } from '../../../src/state/scenario-store';
import {
  bucketLabels,
  describeLoad,
  errorSeries,
  summariseLoadRun,
} from '../../../src/widgets/load-lab';

function scenario(input: unknown) {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
  return parsed.scenario;
}

describe('describeLoad', () => {
  it('names a closed load as ab would', () => {
    expect(
      describeLoad(scenario({ load: { kind: 'closed', requests: 1000, concurrency: 8 } })),
    ).toBe('closed load like ab -n 1,000 -c 8');
  });
  it('names an open load by its rate or its phases', () => {
    expect(describeLoad(scenario({ duration_s: 10, load: { kind: 'open', rate_per_s: 50 } }))).toBe(
      'open load of 50 requests a second for 10 s',
    );
    expect(describeLoad(presetScenario('load-lab-spike'))).toBe(
      'open load in phases: 100/s for 5 s, then 600/s for 5 s, then 100/s for 5 s',
    );
  });
});

describe('a run in words', () => {
  const failing = simulate(
    scenario({
      duration_s: 2,
      app: { workers: 1, threads: 8 },
      pool: { pool_size: 1, max_overflow: 0, pool_timeout: 0 },
      load: { kind: 'closed', requests: 200, concurrency: 8 },
    }),
  ).report;

  it('charts only the error kinds that happened', () => {
    const series = errorSeries(failing);
    expect(series.map((s) => s.key)).toEqual(['pool_timeout']);
    expect(series[0]!.values.reduce((a, b) => a + b, 0)).toBe(failing.requests.errors.pool_timeout);
  });

  it('summarises from the report: counts, failures by kind, latency, Little', () => {
    const text = summariseLoadRun(failing);
    expect(text).toMatch(/^Closed load like ab -n 200 -c 8, seed 1: /);
    expect(text).toContain(`${failing.requests.errors.pool_timeout} pool_timeout`);
    expect(text).toContain(
      `p50 ${failing.latency_ms.p50.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms`,
    );
    expect(text).toContain("Little's law");
  });

  it('says when duration_s stopped a closed load early', () => {
    const cut = simulate(
      scenario({ duration_s: 0.1, load: { kind: 'closed', requests: 100000, concurrency: 4 } }),
    ).report;
    expect(summariseLoadRun(cut)).toContain(
      'the run stopped at duration_s before all 100,000 were sent',
    );
  });

  it('labels buckets in seconds', () => {
    expect(bucketLabels([0, 0.25, 12.5])).toEqual(['0 s', '0.25 s', '12.5 s']);
  });
});
