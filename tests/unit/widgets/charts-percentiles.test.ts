import { describe, expect, it } from 'vitest';
import {
  hasLatency,
  MARKED,
  percentilePoints,
  percentileSteps,
} from '../../../src/widgets/charts/percentiles';

const latency = { mean: 10, p50: 8, p90: 15, p95: 18, p99: 25, max: 80 };

describe('percentile curve', () => {
  it('places each reported percentile at its share of requests', () => {
    expect(percentilePoints(latency)).toEqual([
      { name: 'p50', fraction: 0.5, ms: 8 },
      { name: 'p90', fraction: 0.9, ms: 15 },
      { name: 'p95', fraction: 0.95, ms: 18 },
      { name: 'p99', fraction: 0.99, ms: 25 },
      { name: 'max', fraction: 1, ms: 80 },
    ]);
  });

  it('starts at (0, 0) and never goes down', () => {
    const steps = percentileSteps(latency);
    expect(steps[0]).toEqual([0, 0]);
    for (let i = 1; i < steps.length; i++) {
      expect(steps[i]![0]).toBeGreaterThanOrEqual(steps[i - 1]![0]);
      expect(steps[i]![1]).toBeGreaterThan(steps[i - 1]![1]);
    }
    expect(steps.at(-1)).toEqual([80, 1]);
  });

  it('marks p50, p95 and p99', () => {
    expect([...MARKED]).toEqual(['p50', 'p95', 'p99']);
  });

  it('knows when no request succeeded', () => {
    expect(hasLatency({ mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 })).toBe(false);
    expect(hasLatency(latency)).toBe(true);
  });
});
