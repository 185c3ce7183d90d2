// An axis: d3-axis draws the ticks into a group React renders and then leaves
// alone. The colours are `currentColor`, so the axis follows the text colour
// of light and dark mode.
import { axisBottom, axisLeft, type AxisDomain, type AxisScale } from 'd3-axis';
import { select } from 'd3-selection';
import { useLayoutEffect, useRef } from 'react';
import type { Layout } from './layout';

export interface AxisProps<D extends AxisDomain> {
  scale: AxisScale<D>;
  /** `bottom`: the x axis under the plot; `left`: the y axis, with grid lines across the plot. */
  anchor: 'bottom' | 'left';
  layout: Layout;
  ticks?: number;
  tickValues?: readonly D[];
  tickFormat?: (value: D) => string;
}

export function Axis<D extends AxisDomain>({
  scale,
  anchor,
  layout,
  ticks,
  tickValues,
  tickFormat,
}: AxisProps<D>) {
  const ref = useRef<SVGGElement>(null);
  useLayoutEffect(() => {
    if (!ref.current) return;
    const axis = anchor === 'bottom' ? axisBottom(scale) : axisLeft(scale);
    axis.tickSizeOuter(0);
    if (ticks !== undefined) axis.ticks(ticks);
    if (tickValues) axis.tickValues(tickValues);
    if (tickFormat) axis.tickFormat((d) => tickFormat(d));
    if (anchor === 'left') axis.tickSizeInner(-(layout.right - layout.left));
    select(ref.current).call(axis);
  });
  const transform =
    anchor === 'bottom' ? `translate(0,${layout.bottom})` : `translate(${layout.left},0)`;
  return (
    <g
      ref={ref}
      className={`poollab-chart__axis poollab-chart__axis--${anchor}`}
      transform={transform}
    />
  );
}
