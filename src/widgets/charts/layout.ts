// Where a chart's marks go: the plot area inside the margins. Pure.
import { DEFAULT_LAYOUT, type LayoutOptions } from './options';

export interface Layout {
  width: number;
  height: number;
  marginTop: number;
  marginRight: number;
  marginBottom: number;
  marginLeft: number;
  /** Left and right edges of the plot area (the x scale's range). */
  left: number;
  right: number;
  /** Top and bottom edges of the plot area (the y scale's range is [bottom, top]). */
  top: number;
  bottom: number;
}

/** Narrower than this, the margins stay but the plot area never collapses. */
const MIN_PLOT = 40;

export function chartLayout(options: LayoutOptions = {}, measuredWidth?: number): Layout {
  const o = { ...DEFAULT_LAYOUT, ...stripUndefined(options) };
  const width = Math.max(
    o.marginLeft + o.marginRight + MIN_PLOT,
    Math.round(options.width ?? measuredWidth ?? DEFAULT_LAYOUT.width),
  );
  const height = Math.max(o.marginTop + o.marginBottom + MIN_PLOT, Math.round(o.height));
  return {
    width,
    height,
    marginTop: o.marginTop,
    marginRight: o.marginRight,
    marginBottom: o.marginBottom,
    marginLeft: o.marginLeft,
    left: o.marginLeft,
    right: width - o.marginRight,
    top: o.marginTop,
    bottom: height - o.marginBottom,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
