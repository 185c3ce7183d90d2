// Latency as a cumulative distribution with p50, p95 and p99 marked. The
// engine reports percentiles, not each request (see percentiles.ts), so the
// curve steps at the reported ones: its height at a latency is the share of
// requests known to be at most that slow.
import { scaleLinear } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import type { LatencySummary } from '../../engine/index';
import { Axis } from './Axis';
import { ChartFrame } from './ChartFrame';
import { describeLatency } from './describe';
import { formatNumber, formatPercent } from './format';
import { paletteVar, type LayoutOptions, type PaletteSlot, type ScaleOptions } from './options';
import { hasLatency, MARKED, percentilePoints, percentileSteps } from './percentiles';

export interface LatencyRunSpec {
  key: string;
  label: string;
  latency: LatencySummary;
  color: PaletteSlot;
  dashed?: boolean;
}

export interface LatencyChartProps extends LayoutOptions {
  title?: string;
  runs: readonly LatencyRunSpec[];
  /** Latency axis; give a shared `domain` to compare charts side by side. */
  x?: ScaleOptions;
  y?: ScaleOptions;
  ariaLabel?: string;
  note?: string;
}

const FRACTIONS = [0, 0.25, 0.5, 0.75, 1];
/** Labels clear of the step line: p50 above it; p95 and p99 sit close together near the top, one below its point, one above. */
const LABEL_DY: Record<string, number> = { p50: -6, p95: 16, p99: -8 };

export function LatencyChart({
  title = 'Latency of successful requests',
  runs,
  x = { label: 'latency', unit: 'ms' },
  y = { label: 'requests at most this slow', percent: true },
  ariaLabel,
  note = 'From the percentiles the engine reports (p50, p90, p95, p99, max), not from each request.',
  ...layout
}: LatencyChartProps) {
  const label = ariaLabel ?? describeLatency(title, runs);
  const top = Math.max(1, ...runs.map((r) => r.latency.max));
  return (
    <ChartFrame
      ariaLabel={label}
      x={x}
      y={y}
      legend={runs}
      note={note}
      marginRight={layout.marginRight ?? 24}
      marginTop={layout.marginTop ?? 36}
      {...layout}
    >
      {(box) => {
        const xs = scaleLinear()
          .domain(x.domain ?? [0, top])
          .nice()
          .range([box.left, box.right]);
        const ys = scaleLinear().domain([0, 1]).range([box.bottom, box.top]);
        const path = line<[number, number]>()
          .x((p) => xs(p[0]))
          .y((p) => ys(p[1]))
          .curve(curveStepAfter);
        return (
          <>
            <Axis
              scale={ys}
              anchor="left"
              layout={box}
              tickValues={FRACTIONS}
              tickFormat={formatPercent}
            />
            <Axis
              scale={xs}
              anchor="bottom"
              layout={box}
              ticks={Math.max(2, Math.floor((box.right - box.left) / 80))}
            />
            {runs
              .filter((r) => hasLatency(r.latency))
              .map((run, index) => {
                const color = paletteVar(run.color);
                const marked = percentilePoints(run.latency).filter((p) =>
                  (MARKED as readonly string[]).includes(p.name),
                );
                return (
                  <g key={run.key}>
                    <path
                      d={path(percentileSteps(run.latency)) ?? ''}
                      style={{ stroke: color }}
                      className={`poollab-chart__line${run.dashed ? ' poollab-chart__line--dashed' : ''}`}
                    />
                    {marked.map((p) => {
                      const cx = xs(p.ms);
                      const cy = ys(p.fraction);
                      const right = cx + 90 > box.right;
                      return (
                        <g key={p.name} className="poollab-chart__marker">
                          <line x1={cx} x2={cx} y1={box.bottom} y2={cy} style={{ stroke: color }} />
                          <circle cx={cx} cy={cy} r={3.5} style={{ fill: color }} />
                          <text
                            x={right ? cx - 6 : cx + 6}
                            y={cy + (LABEL_DY[p.name] ?? 4) + index * 14}
                            textAnchor={right ? 'end' : 'start'}
                          >
                            {p.name} {formatNumber(p.ms, 1)}
                          </text>
                        </g>
                      );
                    })}
                  </g>
                );
              })}
          </>
        );
      }}
    </ChartFrame>
  );
}
