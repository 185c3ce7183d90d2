// Capacity planning: the worst-case connection count of a configuration as a
// formula with the reader's numbers, against what PostgreSQL (and PgBouncer)
// allow; what that does under load, from the engine; and the configuration
// itself, copyable in each tool's own format.
import { useId, useState } from 'react';
import { configFiles, type ConfigFile } from '../formats/export';
import { PGBOUNCER_DEFAULTS } from '../scenario/defaults';
import { useScenario, useScenarioScope } from '../state/use-page-scenario';
import { Budget } from './ConnectionBudget';
import { FieldControl } from './parts/FieldControl';
import { RunStatus } from './parts/RunStatus';
import { useSimulation } from './parts/use-simulation';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

const DEFAULT_CONTROLS = [
  'app.servers',
  'app.workers',
  'app.threads',
  'pool.pool_size',
  'pool.max_overflow',
  'postgres.max_connections',
];

export interface CapacityPlannerProps extends WidgetProps {
  controls?: string[];
}

export default function CapacityPlanner({
  controls = DEFAULT_CONTROLS,
  ...frame
}: CapacityPlannerProps) {
  return (
    <WidgetFrame title="Capacity planner" {...frame}>
      {controls.length > 0 && (
        <div className="poollab-controls-grid">
          {controls.map((path) => (
            <FieldControl key={path} path={path} />
          ))}
          <OtherClientsControl />
          <PgBouncerToggle />
          <PgBouncerLimits />
        </div>
      )}
      <Budget />
      <UnderLoad />
      <ConfigFiles />
    </WidgetFrame>
  );
}

/** other_clients as one number: connections held by everything else (Celery, cron, admin). */
export function OtherClientsControl() {
  const { store } = useScenarioScope();
  const total = useScenario((s) => s.scenario.other_clients.reduce((n, c) => n + c.connections, 0));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  return (
    <div className="poollab-field">
      <label htmlFor={id} className="poollab-field__label">
        <code>other_clients</code> (connections)
      </label>
      <input
        id={id}
        type="number"
        min={0}
        max={10000}
        value={total}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const n = Number(e.currentTarget.value);
          if (e.currentTarget.value === '' || !Number.isInteger(n)) return;
          const errors = store
            .getState()
            .setField('other_clients', n === 0 ? [] : [{ name: 'other', connections: n }]);
          setError(errors.length ? errors.map((x) => x.message).join('; ') : null);
        }}
      />
      <p id={`${id}-hint`} className="poollab-field__hint">
        {error ? (
          <span role="alert">{error}</span>
        ) : (
          'Celery, cron, migrations, admin sessions: held open all the time.'
        )}
      </p>
    </div>
  );
}

export function PgBouncerToggle() {
  const { store } = useScenarioScope();
  const on = useScenario((s) => s.scenario.pgbouncer !== null);
  const id = useId();
  return (
    <div className="poollab-field poollab-field--inline">
      <input
        id={id}
        type="checkbox"
        checked={on}
        aria-describedby={`${id}-hint`}
        onChange={(e) =>
          store
            .getState()
            .setField(
              'pgbouncer',
              e.currentTarget.checked ? { ...PGBOUNCER_DEFAULTS, pool_mode: 'transaction' } : null,
            )
        }
      />
      <label htmlFor={id} className="poollab-field__label">
        <code>pgbouncer</code>
      </label>
      <p id={`${id}-hint`} className="poollab-field__hint">
        The app connects to PgBouncer (transaction pooling, its defaults) instead of PostgreSQL.
      </p>
    </div>
  );
}

function PgBouncerLimits() {
  const on = useScenario((s) => s.scenario.pgbouncer !== null);
  if (!on) return null;
  return (
    <>
      <FieldControl path="pgbouncer.pool_mode" />
      <FieldControl path="pgbouncer.max_client_conn" />
      <FieldControl path="pgbouncer.default_pool_size" />
    </>
  );
}

/** What the configuration does under the scenario's load, from the engine. */
function UnderLoad() {
  const scenario = useScenario((s) => s.scenario);
  const run = useSimulation(scenario, false);
  const report = run.result?.report;
  if (!report) return <RunStatus run={run} />;
  const failures = Object.entries(report.requests.errors).filter(([, n]) => n > 0);
  const load =
    scenario.load.kind === 'closed'
      ? `${scenario.load.requests.toLocaleString('en-US')} requests from ${scenario.load.concurrency} concurrent clients`
      : scenario.load.phases.length > 0
        ? scenario.load.phases
            .map((p) => `${p.rate_per_s.toLocaleString('en-US')}/s for ${p.duration_s} s`)
            .join(', then ')
        : `${scenario.load.rate_per_s.toLocaleString('en-US')} requests/s for ${scenario.duration_s} s`;
  return (
    <div className="poollab-underload">
      <p className="poollab-pool__row-label">Under load ({load}), the simulator gives:</p>
      <p className="poollab-summary" aria-live="polite">
        {report.requests.ok.toLocaleString('en-US')} of{' '}
        {report.requests.started.toLocaleString('en-US')} requests ok
        {failures.length > 0
          ? `; failed: ${failures.map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}`).join(', ')}`
          : ', none failed'}
        . PostgreSQL connections peaked at {report.postgres.connections_peak}
        {report.pgbouncer ? `, PgBouncer clients at ${report.pgbouncer.clients_peak}` : ''}; latency
        p95 {report.latency_ms.p95.toFixed(1)} ms.
      </p>
      {failures.length > 0 && (
        <ul className="poollab-events">
          {failures.map(([kind]) => (
            <li key={kind} className="poollab-events__error">
              {kind}: {report.error_samples[kind as keyof typeof report.error_samples]}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ConfigFiles() {
  const scenario = useScenario((s) => s.scenario);
  const files = configFiles(scenario);
  return (
    <details className="poollab-configfiles">
      <summary>The configuration, in each tool&apos;s format</summary>
      {files.map((file) => (
        <ConfigFileBlock key={file.name} file={file} />
      ))}
    </details>
  );
}

function ConfigFileBlock({ file }: { file: ConfigFile }) {
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(file.text);
      setStatus('Copied.');
    } catch {
      setStatus('Select the text to copy it.');
    }
  };
  return (
    <div className="poollab-configfile">
      <div className="poollab-widget__head">
        <p className="poollab-configfile__name">
          <code>{file.name}</code>
        </p>
        <span>
          <button type="button" onClick={copy} aria-label={`Copy ${file.name}`}>
            Copy
          </button>{' '}
          <span role="status" className="poollab-copylink__status">
            {status}
          </span>
        </span>
      </div>
      <pre aria-label={file.name}>
        <code>{file.text}</code>
      </pre>
    </div>
  );
}
