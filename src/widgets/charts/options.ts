// The options every chart of the kit shares, named as Observable Plot names
// them (https://observablehq.com/plot/features/plots): `width`, `height`,
// `marginTop`..`marginLeft`, an `x` and a `y` scale with a `label` and a
// `unit`, and marks whose colour is a `stroke` or `fill` given as a palette
// slot, so that light and dark mode each pick a colour with enough contrast.

/** A palette slot (1..8): `var(--poollab-chart-N)`, defined for light and dark mode in widgets.css. */
export type PaletteSlot = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export interface ScaleOptions {
  /** What the axis measures, in words: "PostgreSQL connections". */
  label: string;
  /** Its unit, shown after the label: "ms", "s", "requests/s". */
  unit?: string;
  /** A fixed domain; by default it covers the data (from zero for `y`). */
  domain?: [number, number];
  /** About how many ticks to draw. */
  ticks?: number;
  /** Ticks as percentages of 1 (a fraction axis). */
  percent?: boolean;
}

export interface LayoutOptions {
  /** Width in CSS pixels; by default the width of the chart's container. */
  width?: number;
  height?: number;
  marginTop?: number;
  marginRight?: number;
  marginBottom?: number;
  marginLeft?: number;
}

/** One named series of values, one value per time bucket (or per category). */
export interface SeriesSpec {
  key: string;
  /** Its name in the legend and in the chart's text description. */
  label: string;
  values: readonly number[];
  /** Palette slot of its line or bar. */
  color: PaletteSlot;
  /** Dashed line: for a second run drawn against the first, or a limit. */
  dashed?: boolean;
  /** Fill under the line (an area mark) for this series, whatever the chart's `mark`. */
  area?: boolean;
}

export const DEFAULT_LAYOUT = {
  width: 640,
  height: 220,
  marginTop: 24,
  marginRight: 16,
  marginBottom: 36,
  marginLeft: 48,
} as const satisfies Required<LayoutOptions>;

export function paletteVar(slot: PaletteSlot): string {
  return `var(--poollab-chart-${slot})`;
}
