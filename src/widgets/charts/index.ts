// The chart kit: small charts drawn from the engine's report, with the same
// option names everywhere (see options.ts).
export { BarChart, type BarChartProps } from './BarChart';
export { LatencyChart, type LatencyChartProps, type LatencyRunSpec } from './LatencyChart';
export { TimeSeriesChart, type Rule, type TimeSeriesChartProps } from './TimeSeriesChart';
export { paletteVar, type PaletteSlot, type ScaleOptions, type SeriesSpec } from './options';
export { ratePerSecond, peakOf } from './series';
export { formatNumber, withUnit } from './format';
