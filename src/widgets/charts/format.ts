// Numbers as the charts and their text descriptions print them. Pure.
import type { ScaleOptions } from './options';

// One formatter per number of decimals: toLocaleString with options builds a new
// Intl.NumberFormat on every call, and a chart formats hundreds of labels per redraw.
const formatters = new Map<number, Intl.NumberFormat>();

/** A number with at most `digits` decimals and thousands separators: 1,234.5. */
export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return String(value);
  let format = formatters.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });
    formatters.set(digits, format);
  }
  return format.format(value);
}

/** A value and its unit: "12.3 ms", "42 connections" when no unit is given. */
export function withUnit(value: number, unit?: string, digits = 1): string {
  const n = formatNumber(value, digits);
  return unit ? `${n}\u00a0${unit}` : n;
}

/** An axis title: the label and, in parentheses, the unit: "latency (ms)". */
export function axisTitle(scale: Pick<ScaleOptions, 'label' | 'unit'>): string {
  return scale.unit ? `${scale.label} (${scale.unit})` : scale.label;
}

/** A fraction as a percentage: 0.95 → "95%", 0.999 → "99.9%". */
export function formatPercent(fraction: number): string {
  return `${formatNumber(fraction * 100, 1)}%`;
}
