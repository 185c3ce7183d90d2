// Counts by category, stacked or grouped: errors by kind over time (stacked,
// a bar per time bucket) or per run (grouped). Kinds that never happened are
// left out.
import { scaleBand, scaleLinear } from 'd3-scale';
import { Axis } from './Axis';
import { ChartFrame } from './ChartFrame';
import { describeBars } from './describe';
import { formatNumber } from './format';
import { paletteVar, type LayoutOptions, type ScaleOptions, type SeriesSpec } from './options';
import { barsMax, groupedBars, nonEmpty, stackedBars, thinCategories } from './stack';

export interface BarChartProps extends LayoutOptions {
  /** What the bars count, for the text description: "Failed requests by kind". */
  title: string;
  /** One label per bar position (a time bucket, a run). */
  categories: readonly string[];
  /** One series per kind; values[i] belongs to categories[i]. */
  series: readonly SeriesSpec[];
  /** `stack` (default): one bar per category; `group`: one bar per series side by side. */
  mode?: 'stack' | 'group';
  x: ScaleOptions;
  y: ScaleOptions;
  /** Unit word of the counts in the text description: "requests". */
  countUnit?: string;
  ariaLabel?: string;
  note?: string;
  /** Shown instead of an empty chart when every value is zero. */
  emptyText?: string;
}

export function BarChart({
  title,
  categories,
  series,
  mode = 'stack',
  x,
  y,
  countUnit,
  ariaLabel,
  note,
  emptyText,
  ...layout
}: BarChartProps) {
  const shown = nonEmpty(series);
  const label = ariaLabel ?? describeBars(title, shown, countUnit);
  if (shown.length === 0 && emptyText) return <p className="poollab-chart__empty">{emptyText}</p>;
  const segments =
    mode === 'stack'
      ? stackedBars(categories.length, shown)
      : groupedBars(categories.length, shown);
  const colorOf = new Map(shown.map((s) => [s.key, s.color]));
  return (
    <ChartFrame ariaLabel={label} x={x} y={y} legend={shown} legendAlways note={note} {...layout}>
      {(box) => {
        const xs = scaleBand<string>()
          .domain(categories)
          .range([box.left, box.right])
          .paddingInner(categories.length > 30 ? 0.05 : 0.2);
        const ys = scaleLinear()
          .domain(y.domain ?? [0, Math.max(1, barsMax(segments))])
          .nice()
          .range([box.bottom, box.top]);
        const slots = mode === 'stack' ? 1 : Math.max(1, shown.length);
        const slotWidth = xs.bandwidth() / slots;
        const maxTicks = Math.max(2, Math.floor((box.right - box.left) / 70));
        return (
          <>
            <Axis
              scale={ys}
              anchor="left"
              layout={box}
              ticks={Math.max(2, Math.floor((box.bottom - box.top) / 40))}
              tickFormat={(v) => formatNumber(Number(v), 2)}
            />
            <Axis
              scale={xs}
              anchor="bottom"
              layout={box}
              tickValues={thinCategories(categories, maxTicks)}
            />
            {segments.map((seg) => {
              const category = categories[seg.category] ?? '';
              return (
                <rect
                  key={`${seg.key}-${seg.category}`}
                  className="poollab-chart__bar"
                  x={(xs(category) ?? 0) + seg.slot * slotWidth}
                  width={Math.max(1, slotWidth)}
                  y={ys(seg.y1)}
                  height={Math.max(0, ys(seg.y0) - ys(seg.y1))}
                  style={{ fill: paletteVar(colorOf.get(seg.key) ?? 1) }}
                />
              );
            })}
          </>
        );
      }}
    </ChartFrame>
  );
}
