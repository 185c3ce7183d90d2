// The frame of every chart: a figure holding one SVG with role="img" and an
// aria-label that says what the chart shows, the axis titles (label and unit),
// the legend, and an optional note. The SVG is drawn at its container's width.
import type { ReactNode } from 'react';
import { axisTitle } from './format';
import { chartLayout, type Layout } from './layout';
import type { LayoutOptions, ScaleOptions, SeriesSpec } from './options';
import { Legend } from './Legend';
import { useContainerWidth } from './use-width';

export interface ChartFrameProps extends LayoutOptions {
  /** The chart's text equivalent (becomes the SVG's aria-label). */
  ariaLabel: string;
  x: ScaleOptions;
  y: ScaleOptions;
  legend?: readonly Pick<SeriesSpec, 'key' | 'label' | 'color' | 'dashed'>[];
  /** Show the legend even for a single series. */
  legendAlways?: boolean;
  /** A line under the chart: what the data can and cannot say. */
  note?: ReactNode;
  className?: string;
  children: (layout: Layout) => ReactNode;
}

export function ChartFrame({
  ariaLabel,
  x,
  y,
  legend = [],
  legendAlways = false,
  note,
  className = '',
  children,
  ...layoutOptions
}: ChartFrameProps) {
  const [ref, measured] = useContainerWidth<HTMLDivElement>();
  const layout = chartLayout(layoutOptions, measured);
  return (
    <figure className={`poollab-chart ${className}`}>
      <div ref={ref} className="poollab-chart__canvas">
        <svg
          role="img"
          aria-label={ariaLabel}
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
        >
          <text className="poollab-chart__title" x={4} y={14}>
            {axisTitle(y)}
          </text>
          {children(layout)}
          <text
            className="poollab-chart__title"
            x={layout.right}
            y={layout.height - 4}
            textAnchor="end"
          >
            {axisTitle(x)}
          </text>
        </svg>
      </div>
      <Legend series={legend} always={legendAlways} />
      {note && <figcaption className="poollab-chart__note">{note}</figcaption>}
    </figure>
  );
}
