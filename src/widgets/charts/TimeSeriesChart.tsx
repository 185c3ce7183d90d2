// Values over the time of a run, one line (or area) per series: connections,
// throughput, waiting requests. The data is the engine's per-bucket series
// (report.series): each value holds for its bucket, so lines step.
import { scaleLinear } from 'd3-scale';
import { area, curveLinear, curveStepAfter, line } from 'd3-shape';
import { Axis } from './Axis';
import { ChartFrame } from './ChartFrame';
import { describeTimeSeries } from './describe';
import { formatNumber, formatPercent } from './format';
import { paletteVar, type LayoutOptions, type ScaleOptions, type SeriesSpec } from './options';
import { peakOf, stepPoints, timeDomain, valueDomain } from './series';

export interface Rule {
  /** A horizontal line at this value: a limit such as max_connections. */
  value: number;
  label: string;
}

export interface TimeSeriesChartProps extends LayoutOptions {
  /** What the chart shows, for its text description: "PostgreSQL connections". */
  title: string;
  /** Start of each bucket in seconds (report.series.t_s). */
  t: readonly number[];
  /** End of the run in seconds (report.sim.virtual_s). */
  end: number;
  series: readonly SeriesSpec[];
  x?: ScaleOptions;
  y: ScaleOptions;
  /** `line` (default) or `area` (a filled line from zero). */
  mark?: 'line' | 'area';
  /** `step` (default: per-bucket values) or `linear`. */
  curve?: 'step' | 'linear';
  rules?: readonly Rule[];
  /** Put a dot and the value at each series' peak. */
  markPeak?: boolean;
  /** Overrides the generated text description. */
  ariaLabel?: string;
  note?: string;
}

export function TimeSeriesChart({
  title,
  t,
  end,
  series,
  x = { label: 'time', unit: 's' },
  y,
  mark = 'line',
  curve = 'step',
  rules = [],
  markPeak = false,
  ariaLabel,
  note,
  ...layout
}: TimeSeriesChartProps) {
  const label = ariaLabel ?? describeTimeSeries(title, series, t, y.unit);
  const [, top] = valueDomain([...series, { values: rules.map((r) => r.value) }]);
  // Headroom above the highest value, so a peak's label stays inside the plot.
  const yDomain = y.domain ?? [0, markPeak ? top * 1.15 : top];
  return (
    <ChartFrame ariaLabel={label} x={x} y={y} legend={series} note={note} {...layout}>
      {(box) => {
        const xs = scaleLinear()
          .domain(x.domain ?? timeDomain(t, end))
          .range([box.left, box.right]);
        const ys = scaleLinear().domain(yDomain).nice().range([box.bottom, box.top]);
        const shape = curve === 'step' ? curveStepAfter : curveLinear;
        const path = line<[number, number]>()
          .x((p) => xs(p[0]))
          .y((p) => ys(p[1]))
          .curve(shape);
        const fill = area<[number, number]>()
          .x((p) => xs(p[0]))
          .y0(ys(Math.max(0, ys.domain()[0] ?? 0)))
          .y1((p) => ys(p[1]))
          .curve(shape);
        const xTicks = Math.max(2, Math.floor((box.right - box.left) / 80));
        return (
          <>
            <Axis
              scale={ys}
              anchor="left"
              layout={box}
              ticks={Math.max(2, Math.floor((box.bottom - box.top) / 40))}
              tickFormat={(v) =>
                y.percent ? formatPercent(Number(v)) : formatNumber(Number(v), 2)
              }
            />
            <Axis scale={xs} anchor="bottom" layout={box} ticks={xTicks} />
            {series.map((s) => {
              const points = stepPoints(t, s.values, end);
              const color = paletteVar(s.color);
              return (
                <g key={s.key}>
                  {(mark === 'area' || s.area) && (
                    <path
                      d={fill(points) ?? ''}
                      style={{ fill: color }}
                      className="poollab-chart__area"
                    />
                  )}
                  <path
                    d={path(points) ?? ''}
                    style={{ stroke: color }}
                    className={`poollab-chart__line${s.dashed ? ' poollab-chart__line--dashed' : ''}`}
                  />
                </g>
              );
            })}
            {rules.map((r) => (
              <g key={r.label} className="poollab-chart__rule">
                <line x1={box.left} x2={box.right} y1={ys(r.value)} y2={ys(r.value)} />
                <text x={box.right} y={ys(r.value) - 4} textAnchor="end">
                  {r.label}
                </text>
              </g>
            ))}
            {markPeak &&
              series.map((s) => {
                const peak = peakOf(s.values, t);
                if (!peak || peak.value <= 0) return null;
                return (
                  <g key={s.key} className="poollab-chart__peak">
                    <circle
                      cx={xs(peak.t)}
                      cy={ys(peak.value)}
                      r={3.5}
                      style={{ fill: paletteVar(s.color) }}
                    />
                    <text
                      x={Math.min(xs(peak.t) + 6, box.right - 4)}
                      y={ys(peak.value) - 6}
                      textAnchor={xs(peak.t) + 60 > box.right ? 'end' : 'start'}
                    >
                      {formatNumber(peak.value, 1)}
                    </text>
                  </g>
                );
              })}
          </>
        );
      }}
    </ChartFrame>
  );
}
