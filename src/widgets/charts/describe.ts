// What each chart shows, in words: its aria-label, so that a screen reader
// (and a reader of the printed page) gets the chart's point, not "image".
// Pure.
import type { LatencySummary } from '../../engine/index';
import { formatNumber, withUnit } from './format';
import type { SeriesSpec } from './options';
import { hasLatency, MARKED } from './percentiles';
import { peakOf } from './series';

type Named = Pick<SeriesSpec, 'label' | 'values'>;

/** "PostgreSQL connections over time: peak 42 at 12.3 s" (one series), or one peak per series. */
export function describeTimeSeries(
  title: string,
  series: readonly Named[],
  t: readonly number[],
  unit?: string,
): string {
  if (series.length === 0 || t.length === 0) return `${title} over time: no data`;
  const parts = series.map((s) => {
    const peak = peakOf(s.values, t);
    const prefix = series.length > 1 ? `${s.label} ` : '';
    if (!peak || peak.value <= 0) return `${prefix}stays at 0`;
    return `${prefix}peak ${withUnit(peak.value, unit)} at ${formatNumber(peak.t, 2)} s`;
  });
  return `${title} over time: ${parts.join('; ')}`;
}

export interface LatencyRun {
  label: string;
  latency: LatencySummary;
}

/** "Latency of successful requests: p50 13.5 ms, p95 21.6 ms, p99 29.4 ms, max 91 ms". */
export function describeLatency(title: string, runs: readonly LatencyRun[]): string {
  if (runs.length === 0) return `${title}: no data`;
  const parts = runs.map((run) => {
    const prefix = runs.length > 1 ? `${run.label}: ` : '';
    if (!hasLatency(run.latency)) return `${prefix}no request succeeded`;
    const figures = [...MARKED, 'max' as const].map(
      (name) => `${name} ${withUnit(run.latency[name], 'ms', 1)}`,
    );
    return prefix + figures.join(', ');
  });
  return `${title}: ${parts.join('; ')}`;
}

/** "Errors by kind: 12 pool_timeout, 3 too_many_clients", totals over all categories, largest first. */
export function describeBars(title: string, series: readonly Named[], unit?: string): string {
  const totals = series
    .map((s) => ({ label: s.label, total: s.values.reduce((a, b) => a + b, 0) }))
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total);
  if (totals.length === 0) return `${title}: none`;
  return `${title}: ${totals
    .map((s) => `${formatNumber(s.total, 1)}${unit ? ` ${unit}` : ''} ${s.label}`)
    .join(', ')}`;
}
