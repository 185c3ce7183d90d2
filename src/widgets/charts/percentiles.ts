// A latency distribution from the percentiles the engine reports. The report
// holds p50, p90, p95, p99 and the maximum (report.latency_ms), not each
// request's latency, so the curve is the lower bound those figures prove: at
// least 50% of the requests took p50 or less, at least 90% p90 or less, and so
// on, stepping up at each reported percentile. Pure.
import type { LatencySummary } from '../../engine/index';

export interface PercentilePoint {
  /** Share of the requests (0..1) that took at most `ms`. */
  fraction: number;
  ms: number;
  /** "p50", "p95", "max". */
  name: string;
}

const LADDER: readonly [keyof LatencySummary, number][] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['max', 1],
];

/** The percentiles that get a marker and a label. */
export const MARKED = ['p50', 'p95', 'p99'] as const;

export function percentilePoints(latency: LatencySummary): PercentilePoint[] {
  return LADDER.map(([name, fraction]) => ({ name, fraction, ms: latency[name] }));
}

/** The step curve through the points, starting at (0 ms, 0). */
export function percentileSteps(latency: LatencySummary): [number, number][] {
  return [[0, 0], ...percentilePoints(latency).map((p): [number, number] => [p.ms, p.fraction])];
}

/** Whether the run had any successful request to measure. */
export function hasLatency(latency: LatencySummary): boolean {
  return latency.max > 0;
}
