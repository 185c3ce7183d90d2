// The worst-case connection count of the page's scenario, as a formula with
// the reader's own numbers, against what PostgreSQL (and PgBouncer) allow.
// The arithmetic is the engine's (connectionBudget); this only draws it.
import { scaleLinear } from 'd3-scale';
import { connectionBudget } from '../engine/capacity';
import { ScenarioScope, useScenario } from '../state/use-page-scenario';
import { formatNumber } from './charts/format';
import { useReadyMarks } from './parts/use-mounted';
import './widgets.css';

const fmt = (n: number | null) => (n === null ? 'unlimited' : formatNumber(n, 0));
const count = (n: number, one: string, many: string) => `${fmt(n)} ${n === 1 ? one : many}`;

export default function ConnectionBudget(props: { scope?: string; preset?: string }) {
  return (
    <ScenarioScope {...props}>
      <Budget />
    </ScenarioScope>
  );
}

export function Budget() {
  const scenario = useScenario((s) => s.scenario);
  const b = connectionBudget(scenario);
  const { app, pool, postgres } = scenario;
  const over = b.exceeded.includes('max_connections');
  const width = 320;
  const readyMarks = useReadyMarks();
  const x = scaleLinear()
    .domain([0, Math.max(b.postgresConnections, b.postgresAvailable, 1)])
    .range([0, width]);
  const poolTerm =
    b.poolLimit === null
      ? `${count(app.threads, 'thread', 'threads')} (no pool limit)`
      : `min(${count(app.threads, 'thread', 'threads')}, ${pool.pool_size} + ${pool.max_overflow})`;

  return (
    <section
      className="poollab-widget poollab-budget not-content"
      aria-label="Connection budget"
      {...readyMarks}
    >
      <p className="poollab-budget__formula">
        <code>
          servers × workers ×{' '}
          {b.poolLimit === null ? 'threads' : 'min(threads, pool_size + max_overflow)'}
        </code>
        {b.masterConnections > 0 && <code> + master connections</code>}
        {b.otherConnections > 0 && <code> + other clients</code>}
        <br />= {app.servers} × {app.workers} × {poolTerm}
        {b.masterConnections > 0 && ` + ${b.masterConnections}`}
        {b.otherConnections > 0 && ` + ${b.otherConnections}`} ={' '}
        <strong>{fmt(b.appConnections + b.otherConnections)}</strong>{' '}
        {b.appConnections + b.otherConnections === 1 ? 'connection' : 'connections'} at worst.
      </p>
      {b.configuredCeiling !== null && b.configuredCeiling > b.processes * b.perWorker && (
        <p>
          The pools alone would allow {fmt(b.configuredCeiling)}, but each worker has only{' '}
          {app.threads} {app.threads === 1 ? 'thread' : 'threads'}, and a thread holds one
          connection at a time.
        </p>
      )}
      {b.pgbouncer && (
        <p>
          Through PgBouncer: {fmt(b.pgbouncer.clients)} client connections against{' '}
          <code>max_client_conn</code> = {fmt(b.pgbouncer.maxClientConn)}; PostgreSQL sees at most{' '}
          {fmt(b.pgbouncer.servers)} server connections from it.
        </p>
      )}
      <p>
        PostgreSQL lets the app role have <code>max_connections</code> −{' '}
        <code>superuser_reserved_connections</code> = {postgres.max_connections} −{' '}
        {postgres.superuser_reserved_connections} = <strong>{fmt(b.postgresAvailable)}</strong>.
      </p>
      <svg
        className="poollab-budget__bar"
        viewBox={`0 0 ${width} 28`}
        role="img"
        aria-label={`${fmt(b.postgresConnections)} connections at worst against ${fmt(b.postgresAvailable)} available`}
      >
        <rect
          className="poollab-budget__available"
          x={0}
          y={4}
          width={x(b.postgresAvailable)}
          height={20}
        />
        <rect
          className={
            over ? 'poollab-budget__used poollab-budget__used--over' : 'poollab-budget__used'
          }
          x={0}
          y={10}
          width={x(b.postgresConnections)}
          height={8}
        />
      </svg>
      <p
        role="status"
        className={over ? 'poollab-budget__verdict--over' : 'poollab-budget__verdict--ok'}
      >
        {b.exceeded.length === 0
          ? `Fits: ${fmt(b.postgresConnections)} of ${fmt(b.postgresAvailable)} slots at worst.`
          : b.exceeded
              .map((limit) =>
                limit === 'max_connections'
                  ? `Over max_connections: ${fmt(b.postgresConnections)} needed at worst, ${fmt(b.postgresAvailable)} available; the next connects fail with "too many clients".`
                  : `Over max_client_conn: PgBouncer refuses client connections beyond ${fmt(b.pgbouncer?.maxClientConn ?? 0)}.`,
              )
              .join(' ')}
      </p>
    </section>
  );
}
