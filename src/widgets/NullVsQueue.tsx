// The same load through NullPool and QueuePool, side by side: connects per
// second, latency, and PostgreSQL connections over time. The widget runs the
// scope's scenario twice, once per pool class, with the same seed; the
// controls change both. NullPool opens a connection on every checkout and
// closes it on return: https://docs.sqlalchemy.org/en/20/core/pooling.html#switching-pool-implementations
import { memo, useMemo } from 'react';
import type { Report } from '../engine/index';
import type { PoolClass } from '../scenario/types';
import { useScenario } from '../state/use-page-scenario';
import { LatencyChart, TimeSeriesChart, formatNumber } from './charts/index';
import { compareRuns, runFigures, withPoolClass } from './null-vs-queue';
import { FieldControl } from './parts/FieldControl';
import { RunStatus } from './parts/RunStatus';
import { useSimulation } from './parts/use-simulation';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

const DEFAULT_CONTROLS = [
  'network.connect_ms',
  'network.tls',
  'app.workers',
  'app.threads',
  'load.rate_per_s',
  'pool.pool_size',
];

export interface NullVsQueueProps extends WidgetProps {
  /** Key paths of the controls to offer (pool.class is the widget's own: it runs both). */
  controls?: string[];
  /** Slider ends for fields whose full range is too wide to slide through. */
  sliderMax?: Record<string, number>;
}

export default function NullVsQueue({
  controls = DEFAULT_CONTROLS,
  sliderMax = {},
  preset = 'nullpool-vs-queuepool',
  caption = 'Watch the connects per second and the latency: NullPool pays connect_ms on every checkout.',
  ...frame
}: NullVsQueueProps) {
  return (
    <WidgetFrame
      title="NullPool and QueuePool, same load"
      preset={preset}
      caption={caption}
      className="poollab-nvq"
      {...frame}
    >
      <div className="poollab-controls-grid">
        {controls.map((path) => (
          <FieldControl key={path} path={path} sliderMax={sliderMax[path]} />
        ))}
      </div>
      <Comparison />
    </WidgetFrame>
  );
}

function Comparison() {
  const scenario = useScenario((s) => s.scenario);
  const nullScenario = useMemo(() => withPoolClass(scenario, 'NullPool'), [scenario]);
  const queueScenario = useMemo(() => withPoolClass(scenario, 'QueuePool'), [scenario]);
  const nullRun = useSimulation(nullScenario);
  const queueRun = useSimulation(queueScenario);
  const nullReport = nullRun.result?.report;
  const queueReport = queueRun.result?.report;

  return (
    <>
      <RunStatus run={nullRun} />
      <RunStatus run={queueRun} />
      {nullReport && queueReport && (
        <>
          <Sides nullReport={nullReport} queueReport={queueReport} />
          <p className="poollab-summary" aria-live="polite" data-testid="nvq-summary">
            {compareRuns(nullReport, queueReport)}
          </p>
        </>
      )}
    </>
  );
}

// Memoised on the reports: a deferred re-render with the same runs skips the redraw.
const Sides = memo(function Sides({
  nullReport,
  queueReport,
}: {
  nullReport: Report;
  queueReport: Report;
}) {
  // Shared scales, so that the two sides compare at a glance.
  const connectionsTop = Math.max(
    1,
    ...nullReport.series.postgres_connections,
    ...queueReport.series.postgres_connections,
  );
  const latencyTop = Math.max(1, nullReport.latency_ms.max, queueReport.latency_ms.max);
  return (
    <div className="poollab-nvq__sides">
      <Side
        poolClass="NullPool"
        report={nullReport}
        connectionsTop={connectionsTop}
        latencyTop={latencyTop}
      />
      <Side
        poolClass="QueuePool"
        report={queueReport}
        connectionsTop={connectionsTop}
        latencyTop={latencyTop}
      />
    </div>
  );
});

function Side({
  poolClass,
  report,
  connectionsTop,
  latencyTop,
}: {
  poolClass: PoolClass;
  report: Report;
  connectionsTop: number;
  latencyTop: number;
}) {
  const f = runFigures(report);
  const s = report.series;
  return (
    <section className="poollab-nvq__side" aria-label={poolClass} data-pool-class={poolClass}>
      <p className="poollab-nvq__side-title">
        <code>poolclass={poolClass}</code>
      </p>
      <dl className="poollab-figures">
        <div>
          <dt>connects per second</dt>
          <dd>{formatNumber(f.connectsPerS, 1)}</dd>
        </div>
        <div>
          <dt>latency p50 / p95</dt>
          <dd>
            {formatNumber(f.p50, 1)} / {formatNumber(f.p95, 1)} ms
          </dd>
        </div>
        <div>
          <dt>PostgreSQL peak</dt>
          <dd>{formatNumber(f.pgPeak, 0)}</dd>
        </div>
      </dl>
      <TimeSeriesChart
        title={`${poolClass}: PostgreSQL connections`}
        t={s.t_s}
        end={report.sim.virtual_s}
        height={180}
        series={[
          {
            key: 'pg',
            label: 'PostgreSQL connections',
            values: s.postgres_connections,
            color: 1,
            area: true,
          },
          {
            key: 'out',
            label: 'checked out by the app',
            values: s.checked_out,
            color: 2,
            dashed: true,
          },
        ]}
        y={{ label: 'connections', domain: [0, connectionsTop * 1.15] }}
        markPeak
        note={`Each point is the highest count in its ${formatNumber(s.bucket_s * 1000, 0)} ms bucket.`}
      />
      <LatencyChart
        title={`${poolClass}: latency of successful requests`}
        runs={[{ key: 'latency', label: poolClass, latency: report.latency_ms, color: 3 }]}
        x={{ label: 'latency', unit: 'ms', domain: [0, latencyTop] }}
        height={180}
      />
    </section>
  );
}
