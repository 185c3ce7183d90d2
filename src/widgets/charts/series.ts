// Turning the engine's per-bucket series (report.series) into what a time
// chart draws: peaks, rates per second, domains. Arithmetic on the report's
// figures only; nothing here models pools. Pure.
import { extent, max } from 'd3-array';
import type { SeriesSpec } from './options';

export interface Peak {
  value: number;
  /** Start of the first bucket that reached it, in seconds. */
  t: number;
}

/** The highest value and the first time it was reached; null for an empty series. */
export function peakOf(values: readonly number[], t: readonly number[]): Peak | null {
  let best = -Infinity;
  let at = -1;
  values.forEach((v, i) => {
    if (v > best) {
      best = v;
      at = i;
    }
  });
  return at < 0 ? null : { value: best, t: t[at] ?? 0 };
}

/**
 * Counts per bucket as a rate per second. Every bucket is `bucketS` long but
 * the last, which ends with the run at `endS`.
 */
export function ratePerSecond(
  counts: readonly number[],
  t: readonly number[],
  bucketS: number,
  endS: number,
): number[] {
  return counts.map((n, i) => {
    const start = t[i] ?? i * bucketS;
    const span = Math.min(bucketS, Math.max(endS - start, 0));
    return span > 0 ? n / span : 0;
  });
}

/** The time axis: from the first bucket to the end of the run. */
export function timeDomain(t: readonly number[], endS: number): [number, number] {
  const [lo = 0, hi = 0] = extent(t);
  const end = Math.max(hi, endS);
  return [lo, end > lo ? end : lo + 1];
}

/** The value axis: from zero (or the data's minimum, if negative) to the largest value. */
export function valueDomain(series: readonly Pick<SeriesSpec, 'values'>[]): [number, number] {
  const top = max(series, (s) => max(s.values)) ?? 0;
  const bottom = Math.min(0, ...series.flatMap((s) => s.values));
  return [bottom, top > bottom ? top : bottom + 1];
}

/**
 * Points for a step line over buckets: each value holds from its bucket's
 * start to the next; the last one holds to the end of the run.
 */
export function stepPoints(
  t: readonly number[],
  values: readonly number[],
  endS: number,
): [number, number][] {
  const points: [number, number][] = values.map((v, i) => [t[i] ?? 0, v]);
  const last = values[values.length - 1];
  if (last !== undefined) {
    const lastT = t[values.length - 1] ?? 0;
    points.push([Math.max(endS, lastT), last]);
  }
  return points;
}
