// PgBouncer's multiplexing, from the engine's trace: the app's client
// connections on one side, PgBouncer's server connections on the other, a
// line where a client is linked to a server (for its whole session, one
// transaction or one statement, by pool_mode), the clients waiting for a
// server, the reserve pool and the limits. https://www.pgbouncer.org/config.html
import { scalePoint } from 'd3-scale';
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { stateAt, type Snapshot } from '../engine/index';
import type { Scenario } from '../scenario/types';
import { useScenario } from '../state/use-page-scenario';
import { FieldControl } from './parts/FieldControl';
import { firstMoment } from './parts/moments';
import { Playback, usePlayback } from './parts/Playback';
import { RunStatus } from './parts/RunStatus';
import { RunTotals } from './parts/RunTotals';
import { useSimulation } from './parts/use-simulation';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

const DEFAULT_CONTROLS = [
  'pgbouncer.pool_mode',
  'pgbouncer.max_client_conn',
  'pgbouncer.default_pool_size',
  'pgbouncer.reserve_pool_size',
  'pgbouncer.reserve_pool_timeout',
  'pgbouncer.query_wait_timeout',
  'app.workers',
  'app.threads',
];

export interface PgBouncerMuxProps extends WidgetProps {
  controls?: string[];
}

export default function PgBouncerMux({ controls = DEFAULT_CONTROLS, ...frame }: PgBouncerMuxProps) {
  return (
    <WidgetFrame title="PgBouncer: clients onto server connections" {...frame}>
      <MuxView controls={controls} />
    </WidgetFrame>
  );
}

function MuxView({ controls }: { controls: string[] }) {
  const scenario = useScenario((s) => s.scenario);
  const run = useSimulation(scenario, true);
  const trace = run.result?.trace;
  const playback = usePlayback();
  const timeUs = useStore(playback, (s) => s.timeUs);
  const playing = useStore(playback, (s) => s.playing);
  const snapshot = useMemo(() => (trace ? stateAt(trace, timeUs) : null), [trace, timeUs]);

  return (
    <div className="poollab-mux">
      <div className="poollab-controls-grid">
        {controls.map((path) => (
          <FieldControl key={path} path={path} />
        ))}
      </div>
      <RunStatus run={run} />
      {scenario.pgbouncer === null && (
        <p>This scenario has no PgBouncer: the app connects to PostgreSQL directly.</p>
      )}
      {trace && snapshot && scenario.pgbouncer && (
        <>
          <Playback trace={trace} startUs={firstMoment(trace, [], 0.5)} />
          <MuxPicture scenario={scenario} snapshot={snapshot} />
          <p className="poollab-summary" aria-live={playing ? 'off' : 'polite'}>
            {summarise(scenario, snapshot)}
          </p>
          {run.result && <RunTotals report={run.result.report} />}
        </>
      )}
    </div>
  );
}

interface MuxCounts {
  clients: { id: number; server: number; pid: number; waiting: boolean }[];
  servers: { id: number; client: number }[];
  waiting: number;
  linked: number;
  reserveInUse: number;
  backends: number;
}

function muxCounts(scenario: Scenario, s: Snapshot): MuxCounts {
  const pgb = s.pgbouncer;
  const pidOf = new Map(s.processes.map((p) => [p.id, p.pid]));
  const ownerOf = new Map<number, number>();
  for (const sock of s.sockets) {
    if (sock.peer === 'pgbouncer' && sock.alive)
      ownerOf.set(sock.peer_id, pidOf.get(sock.opener) ?? -1);
  }
  const waiting = new Set(pgb?.waiting ?? []);
  const clients = (pgb?.clients ?? []).map((c) => ({
    ...c,
    pid: ownerOf.get(c.id) ?? -1,
    waiting: waiting.has(c.id),
  }));
  const servers = pgb?.servers ?? [];
  const poolSize = scenario.pgbouncer?.default_pool_size ?? 0;
  return {
    clients,
    servers,
    waiting: waiting.size,
    linked: servers.filter((x) => x.client >= 0).length,
    reserveInUse: poolSize > 0 ? Math.max(0, servers.length - poolSize) : 0,
    backends: s.postgres.backends.filter((b) => b.kind === 'pgbouncer').length,
  };
}

function MuxPicture({ scenario, snapshot }: { scenario: Scenario; snapshot: Snapshot }) {
  const b = scenario.pgbouncer!;
  const c = muxCounts(scenario, snapshot);
  const width = 640;
  const rowH = 14;
  const serverSlots = Math.max(b.default_pool_size + b.reserve_pool_size, c.servers.length, 1);
  const rows = Math.max(c.clients.length, serverSlots, 4);
  const height = rows * rowH + 16;
  const y = scalePoint<number>()
    .domain(Array.from({ length: rows }, (_, i) => i))
    .range([10, height - 8]);
  const serverRow = new Map(c.servers.map((sv, i) => [sv.id, i]));
  const xClient = 220;
  const xServer = 440;

  return (
    <div className="poollab-mux__frame" aria-hidden="true">
      <p className="poollab-mux__headings">
        <span>
          app → PgBouncer: {c.clients.length} clients (<code>max_client_conn</code>{' '}
          {b.max_client_conn})
        </span>
        <span>
          PgBouncer → PostgreSQL: {c.servers.length} servers (<code>default_pool_size</code>{' '}
          {b.default_pool_size}
          {b.reserve_pool_size > 0 ? (
            <>
              {' '}
              + <code>reserve_pool_size</code> {b.reserve_pool_size}
            </>
          ) : null}
          )
        </span>
      </p>
      <svg viewBox={`0 0 ${width} ${height}`} className="poollab-mux__picture">
        {c.clients.map((client, i) => {
          const row = serverRow.get(client.server);
          return row === undefined ? null : (
            <line
              key={`l${client.id}`}
              x1={xClient + 6}
              y1={y(i)}
              x2={xServer - 6}
              y2={y(row)}
              className="poollab-mux__link"
            />
          );
        })}
        {c.clients.map((client, i) => (
          <g key={`c${client.id}`}>
            <text
              x={xClient - 12}
              y={(y(i) ?? 0) + 4}
              textAnchor="end"
              className="poollab-mux__label"
            >
              {client.pid >= 0 ? `pid ${client.pid}` : 'client'}
            </text>
            <circle
              cx={xClient}
              cy={y(i)}
              r={5}
              className={
                client.waiting
                  ? 'poollab-mux__client--waiting'
                  : client.server >= 0
                    ? 'poollab-mux__client--linked'
                    : 'poollab-mux__client'
              }
            />
          </g>
        ))}
        {Array.from({ length: serverSlots }, (_, i) => {
          const server = c.servers[i];
          const reserve = b.default_pool_size > 0 && i >= b.default_pool_size;
          return (
            <rect
              key={`s${i}`}
              x={xServer}
              y={(y(i) ?? 0) - 5}
              width={40}
              height={10}
              className={`poollab-mux__server ${reserve ? 'poollab-mux__server--reserve' : ''} ${
                server
                  ? server.client >= 0
                    ? 'poollab-mux__server--active'
                    : 'poollab-mux__server--idle'
                  : ''
              }`}
            />
          );
        })}
      </svg>
    </div>
  );
}

function summarise(scenario: Scenario, snapshot: Snapshot): string {
  const b = scenario.pgbouncer!;
  const c = muxCounts(scenario, snapshot);
  const t = (snapshot.t_us / 1e6).toFixed(3);
  const mode =
    b.pool_mode === 'session'
      ? 'in session mode a client keeps its server connection for as long as it stays connected'
      : b.pool_mode === 'transaction'
        ? 'in transaction mode a client holds a server connection only during a transaction'
        : 'in statement mode a client holds a server connection only during a statement';
  const parts = [
    `At ${t} s, ${c.clients.length} client connections (max_client_conn ${b.max_client_conn}) share ${c.servers.length} server connections (default_pool_size ${b.default_pool_size}${
      b.reserve_pool_size ? `, reserve ${c.reserveInUse} of ${b.reserve_pool_size} in use` : ''
    }); ${c.linked} are linked to a client`,
    c.waiting > 0 ? `${c.waiting} clients wait for a server connection` : 'no client is waiting',
    `PostgreSQL sees ${c.backends} backends from PgBouncer`,
  ];
  const { errors } = snapshot.totals;
  const refused = errors.max_client_conn ?? 0;
  const timedOut = errors.query_wait_timeout ?? 0;
  return `${parts.join('; ')}; ${mode}.${refused ? ` So far ${refused} connects were refused with max_client_conn.` : ''}${
    timedOut ? ` ${timedOut} requests failed after query_wait_timeout.` : ''
  }`;
}
