// Load against the whole stack: a closed load like `ab -n -c`, or an open one
// (a rate, or phases of rates), and what it did: latency percentiles,
// throughput, failures by kind, and connections on the app side and on
// PostgreSQL's over time. Big loads run in the engine's Web Worker with a
// progress bar and a cancel button.
import { memo } from 'react';
import { useScenario } from '../state/use-page-scenario';
import { BarChart, LatencyChart, TimeSeriesChart, ratePerSecond } from './charts/index';
import type { SeriesSpec } from './charts/options';
import { bucketLabels, errorSeries, summariseLoadRun } from './load-lab';
import type { Report } from '../engine/index';
import { FieldControl } from './parts/FieldControl';
import { LoadControls } from './parts/LoadControls';
import { RunStatus } from './parts/RunStatus';
import { useSimulation } from './parts/use-simulation';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

const DEFAULT_CONTROLS = [
  'app.workers',
  'app.threads',
  'pool.pool_size',
  'pool.max_overflow',
  'pool.pool_timeout',
];

export interface LoadLabProps extends WidgetProps {
  /** Key paths of the controls to offer besides the load's. */
  controls?: string[];
  /** Slider ends for fields whose full range is too wide to slide through. */
  sliderMax?: Record<string, number>;
}

export default function LoadLab({
  controls = DEFAULT_CONTROLS,
  sliderMax = {},
  preset = 'load-lab-spike',
  caption = 'Watch latency and the waiting requests climb while the arrival rate is above what the threads can serve, and fall after.',
  ...frame
}: LoadLabProps) {
  return (
    <WidgetFrame
      title="Load lab"
      preset={preset}
      caption={caption}
      className="poollab-loadlab"
      {...frame}
    >
      <div className="poollab-controls-grid">
        <LoadControls sliderMax={sliderMax} />
        {controls.map((path) => (
          <FieldControl key={path} path={path} sliderMax={sliderMax[path]} />
        ))}
      </div>
      <Results />
    </WidgetFrame>
  );
}

function Results() {
  const scenario = useScenario((s) => s.scenario);
  const run = useSimulation(scenario);
  const report = run.result?.report;
  return (
    <>
      <RunStatus run={run} />
      {report && (
        <>
          <p className="poollab-summary" aria-live="polite" data-testid="loadlab-summary">
            {summariseLoadRun(report)}
          </p>
          <Charts report={report} />
          <ErrorSamples report={report} />
        </>
      )}
    </>
  );
}

// Memoised on the report: while a slider's change is still being run (a deferred
// render), the views re-render with the same report and skip redrawing.
const Charts = memo(function Charts({ report }: { report: Report }) {
  const s = report.series;
  const end = report.sim.virtual_s;
  const rate = (counts: number[]) => ratePerSecond(counts, s.t_s, s.bucket_s, end);
  const bucketMs = Math.round(s.bucket_s * 1000);
  const connections: SeriesSpec[] = [
    { key: 'out', label: 'checked out by the app', values: s.checked_out, color: 2 },
    {
      key: 'waiting',
      label: 'waiting for a connection',
      values: s.pool_waiting,
      color: 7,
      dashed: true,
    },
    {
      key: 'pg',
      label: 'PostgreSQL connections',
      values: s.postgres_connections,
      color: 1,
      area: true,
    },
  ];
  if (report.pgbouncer)
    connections.push(
      { key: 'pgb-clients', label: 'PgBouncer clients', values: s.pgbouncer_clients, color: 3 },
      {
        key: 'pgb-waiting',
        label: 'PgBouncer waiting',
        values: s.pgbouncer_waiting,
        color: 5,
        dashed: true,
      },
    );
  const errors = errorSeries(report);
  return (
    <div className="poollab-loadlab__charts">
      <LatencyChart
        title="Latency of successful requests"
        runs={[{ key: 'latency', label: 'latency', latency: report.latency_ms, color: 3 }]}
      />
      <TimeSeriesChart
        title="Throughput"
        t={s.t_s}
        end={end}
        series={[
          { key: 'ok', label: 'ok', values: rate(s.ok), color: 4 },
          { key: 'failed', label: 'failed', values: rate(s.failed), color: 8, dashed: true },
        ]}
        y={{ label: 'requests finished', unit: 'per s' }}
        note={`Requests finished in each ${bucketMs} ms bucket, as a rate.`}
      />
      <TimeSeriesChart
        title="Mean latency of successful requests"
        t={s.t_s}
        end={end}
        series={[{ key: 'mean', label: 'mean latency', values: s.latency_mean_ms, color: 3 }]}
        y={{ label: 'mean latency', unit: 'ms' }}
        markPeak
        note={`Mean of the requests that finished ok in each ${bucketMs} ms bucket (0 where none did).`}
      />
      <BarChart
        title="Failed requests by kind"
        categories={bucketLabels(s.t_s)}
        series={errors}
        x={{ label: 'time', unit: 's' }}
        y={{ label: 'failed requests' }}
        countUnit="requests"
        emptyText="No request failed: nothing to chart by kind."
        note={`Failures in each ${bucketMs} ms bucket, stacked by kind.`}
      />
      <TimeSeriesChart
        title="Connections"
        t={s.t_s}
        end={end}
        series={connections}
        y={{ label: 'connections and waiting requests' }}
        rules={
          Math.max(...s.postgres_connections) >= report.scenario.postgres.max_connections / 2
            ? [{ value: report.scenario.postgres.max_connections, label: 'max_connections' }]
            : []
        }
        note={`The highest count in each ${bucketMs} ms bucket. App side: connections checked out of all the pools together.`}
      />
    </div>
  );
});

/** The real error text of each kind that happened. */
function ErrorSamples({ report }: { report: Report }) {
  const samples = Object.entries(report.error_samples).filter(([, text]) => text);
  if (samples.length === 0) return null;
  return (
    <ul className="poollab-events" aria-label="Error texts of this run">
      {samples.map(([kind, text]) => (
        <li key={kind} className="poollab-events__error">
          <strong>{kind}</strong>: {text}
        </li>
      ))}
    </ul>
  );
}
