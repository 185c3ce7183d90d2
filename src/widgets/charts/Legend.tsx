// The legend: a swatch and a name per series, as text beside the chart (so
// it wraps on a phone and is read by screen readers in order).
import { paletteVar, type SeriesSpec } from './options';

export function Legend({
  series,
  always = false,
}: {
  series: readonly Pick<SeriesSpec, 'key' | 'label' | 'color' | 'dashed'>[];
  /** Show a legend for a single series too (bars by kind name their one kind). */
  always?: boolean;
}) {
  if (series.length === 0 || (series.length < 2 && !always)) return null;
  return (
    <ul className="poollab-chart__legend">
      {series.map((s) => (
        <li key={s.key}>
          <span
            className={`poollab-chart__swatch${s.dashed ? ' poollab-chart__swatch--dashed' : ''}`}
            style={{ borderColor: paletteVar(s.color) }}
            aria-hidden="true"
          />
          {s.label}
        </li>
      ))}
    </ul>
  );
}
