// Bars for counts by kind: stacked (one bar per category, a segment per
// series) or grouped (a bar per series side by side). d3-shape's stack does
// the stacking. Pure.
import { stack } from 'd3-shape';
import type { SeriesSpec } from './options';

export interface BarSegment {
  key: string;
  category: number;
  /** Lower and upper values of the segment (y0 = 0 for grouped bars). */
  y0: number;
  y1: number;
  /** Position of the bar within its category: 0 for stacked bars, the series' index for grouped. */
  slot: number;
}

type Row = Record<string, number>;

/** Only the series with a value above zero somewhere (an empty kind draws nothing and clutters the legend). */
export function nonEmpty<T extends Pick<SeriesSpec, 'values'>>(series: readonly T[]): T[] {
  return series.filter((s) => s.values.some((v) => v > 0));
}

export function stackedBars(
  categories: number,
  series: readonly Pick<SeriesSpec, 'key' | 'values'>[],
): BarSegment[] {
  const rows: Row[] = Array.from({ length: categories }, (_, i) =>
    Object.fromEntries(series.map((s) => [s.key, s.values[i] ?? 0])),
  );
  const layers = stack<Row>().keys(series.map((s) => s.key))(rows);
  return layers.flatMap((layer) =>
    layer
      .map((point, category) => ({
        key: layer.key,
        category,
        y0: point[0],
        y1: point[1],
        slot: 0,
      }))
      .filter((seg) => seg.y1 > seg.y0),
  );
}

export function groupedBars(
  categories: number,
  series: readonly Pick<SeriesSpec, 'key' | 'values'>[],
): BarSegment[] {
  return series.flatMap((s, slot) =>
    Array.from({ length: categories }, (_, category) => ({
      key: s.key,
      category,
      y0: 0,
      y1: s.values[category] ?? 0,
      slot,
    })).filter((seg) => seg.y1 > 0),
  );
}

/** The top of the value axis: the tallest stack or the tallest single bar. */
export function barsMax(segments: readonly BarSegment[]): number {
  return segments.reduce((m, s) => Math.max(m, s.y1), 0);
}

/** At most `maxTicks` category labels, evenly spaced, always including the first. */
export function thinCategories<T>(categories: readonly T[], maxTicks: number): T[] {
  if (categories.length <= maxTicks) return [...categories];
  const every = Math.ceil(categories.length / Math.max(1, maxTicks));
  return categories.filter((_, i) => i % every === 0);
}
