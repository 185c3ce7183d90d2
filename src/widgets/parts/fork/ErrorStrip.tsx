// A strip under the picture: failed requests over the whole run (binned from
// the trace), with the instant shown marked, so the burst of errors and its
// end are visible at a glance. aria-hidden: the summary and the event list say
// the same in words.
import { axisBottom } from 'd3-axis';
import { max } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { useEffect, useMemo, useRef } from 'react';
import type { Trace } from '../../../engine/index';
import { failureBins } from './fork-events';

const WIDTH = 400;
const HEIGHT = 50;
const AXIS_H = 18;
const BINS = 100;

export function ErrorStrip({ trace, tUs }: { trace: Trace; tUs: number }) {
  const axisRef = useRef<SVGGElement>(null);
  const bins = useMemo(() => failureBins(trace, BINS), [trace]);
  const endS = Math.max(trace.endUs, 1) / 1e6;
  const x = useMemo(() => scaleLinear().domain([0, endS]).range([0, WIDTH]), [endS]);
  const y = scaleLinear()
    .domain([0, Math.max(1, max(bins) ?? 0)])
    .range([HEIGHT - AXIS_H, 14]);
  const barW = WIDTH / BINS;

  useEffect(() => {
    if (!axisRef.current) return;
    const axis = axisBottom(x)
      .ticks(5)
      .tickFormat((d) => `${Number(d)} s`);
    select(axisRef.current).call(axis);
  }, [x]);

  return (
    <svg
      className="poollab-fork__strip"
      viewBox={`-10 0 ${WIDTH + 24} ${HEIGHT}`}
      aria-hidden="true"
    >
      <text x={0} y={10} className="poollab-fork__sub">
        failed requests over the run
      </text>
      {bins.map((n, i) =>
        n > 0 ? (
          <rect
            key={i}
            x={i * barW}
            y={y(n)}
            width={Math.max(1, barW - 0.5)}
            height={y(0) - y(n)}
            className="poollab-fork__strip-bar"
          />
        ) : null,
      )}
      <line x1={0} x2={WIDTH} y1={y(0)} y2={y(0)} className="poollab-fork__strip-base" />
      <line
        x1={x(tUs / 1e6)}
        x2={x(tUs / 1e6)}
        y1={12}
        y2={HEIGHT - AXIS_H}
        className="poollab-fork__strip-now"
      />
      <g
        ref={axisRef}
        transform={`translate(0, ${HEIGHT - AXIS_H})`}
        className="poollab-fork__axis"
      />
    </svg>
  );
}
