// One worker's QueuePool, animated from the engine's trace: its request
// threads, the connections it holds (pool_size slots and overflow beyond
// them), the threads waiting for a connection with their pool_timeout running
// down, and the pool's recent events with the real error texts. Buttons inject
// the scenario's faults at the current time, so a reader sees what
// pool_pre_ping saves. Semantics: https://docs.sqlalchemy.org/en/20/core/pooling.html
import { scaleLinear } from 'd3-scale';
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import {
  ERROR_KINDS,
  eventCountAt,
  stateAt,
  traceEvents,
  TT,
  type Snapshot,
  type Trace,
} from '../engine/index';
import { effectivePool } from '../scenario/parse';
import type { Fault, Scenario } from '../scenario/types';
import { useScenario, useScenarioScope } from '../state/use-page-scenario';
import { FieldControl } from './parts/FieldControl';
import { firstMoment } from './parts/moments';
import { Playback, usePlayback } from './parts/Playback';
import { RunStatus } from './parts/RunStatus';
import { RunTotals } from './parts/RunTotals';
import { useSimulation } from './parts/use-simulation';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

const DEFAULT_CONTROLS = [
  'app.threads',
  'pool.pool_size',
  'pool.max_overflow',
  'pool.pool_timeout',
  'pool.pool_pre_ping',
  'pool.pool_recycle',
  'pool.pool_use_lifo',
];

export interface PoolCheckoutProps extends WidgetProps {
  /** Key paths of the controls to offer. */
  controls?: string[];
  /** Offer the buttons that terminate the backends and restart PostgreSQL. */
  faults?: boolean;
}

export default function PoolCheckout({
  controls = DEFAULT_CONTROLS,
  faults = true,
  ...frame
}: PoolCheckoutProps) {
  return (
    <WidgetFrame title="QueuePool: checkouts, overflow and waits" {...frame}>
      <PoolCheckoutView controls={controls} faults={faults} />
    </WidgetFrame>
  );
}

function PoolCheckoutView({ controls, faults }: { controls: string[]; faults: boolean }) {
  const scenario = useScenario((s) => s.scenario);
  const run = useSimulation(scenario, true);
  const trace = run.result?.trace;
  const timeUs = useStore(usePlayback(), (s) => s.timeUs);
  const playing = useStore(usePlayback(), (s) => s.playing);
  const snapshot = useMemo(() => (trace ? stateAt(trace, timeUs) : null), [trace, timeUs]);
  const workers = snapshot?.processes.filter((p) => p.role === 'worker' && p.alive) ?? [];
  const [chosen, setChosen] = useState<number | null>(null);
  const worker = workers.find((p) => p.id === chosen) ?? workers[0];

  return (
    <div className="poollab-poolcheckout">
      <div className="poollab-controls-grid">
        {controls.map((path) => (
          <FieldControl key={path} path={path} />
        ))}
      </div>
      <RunStatus run={run} />
      {trace && snapshot && (
        <>
          <Playback trace={trace} startUs={firstMoment(trace, [TT.WAIT_START, TT.REQ_END])} />
          {workers.length > 1 && (
            <label className="poollab-inline">
              Worker{' '}
              <select value={worker?.id} onChange={(e) => setChosen(Number(e.currentTarget.value))}>
                {workers.map((p) => (
                  <option key={p.id} value={p.id}>
                    pid {p.pid} (server {p.server + 1})
                  </option>
                ))}
              </select>
            </label>
          )}
          {worker ? (
            <PoolPicture scenario={scenario} snapshot={snapshot} procId={worker.id} />
          ) : (
            <p>No worker is running at this instant.</p>
          )}
          {faults && <FaultButtons timeUs={timeUs} />}
          <p className="poollab-summary" aria-live={playing ? 'off' : 'polite'}>
            {worker ? summarise(scenario, snapshot, worker.id) : ''}
          </p>
          {run.result && <RunTotals report={run.result.report} />}
          {worker && (
            <PoolEvents
              trace={trace}
              timeUs={timeUs}
              procId={worker.id}
              samples={run.result?.report.error_samples ?? {}}
            />
          )}
        </>
      )}
    </div>
  );
}

/** Counts of one worker's pool at the instant shown. */
function poolCounts(scenario: Scenario, snapshot: Snapshot, procId: number) {
  const proc = snapshot.processes.find((p) => p.id === procId);
  const pool = proc?.pool ?? { idle: [], checked_out: [], waiting: [] };
  const { pool_size, max_overflow, pool_timeout } = effectivePool(scenario);
  const open = pool.idle.length + pool.checked_out.length;
  const threads = snapshot.requests.filter((r) => r.proc === procId);
  return {
    pool,
    open,
    overflow: Math.max(0, open - pool_size),
    pool_size,
    max_overflow,
    pool_timeout,
    threads,
  };
}

function PoolPicture({
  scenario,
  snapshot,
  procId,
}: {
  scenario: Scenario;
  snapshot: Snapshot;
  procId: number;
}) {
  const c = poolCounts(scenario, snapshot, procId);
  const limitKnown = scenario.pool.class === 'QueuePool' && c.pool_size > 0 && c.max_overflow >= 0;
  const slots = limitKnown ? c.pool_size + c.max_overflow : Math.max(c.open, 1);
  const width = 640;
  const x = scaleLinear()
    .domain([0, Math.max(slots, 1)])
    .range([0, width]);
  const slotWidth = Math.max(2, x(1) - x(0) - 2);
  const cells = [
    ...c.pool.checked_out.map((co) => ({ key: `o${co.conn}`, state: 'out' as const })),
    ...c.pool.idle.map((id) => ({ key: `i${id}`, state: 'idle' as const })),
  ];
  const timeoutUs = c.pool_timeout * 1e6;

  return (
    <div className="poollab-pool" aria-hidden="true">
      <p className="poollab-pool__row-label">
        threads: {c.threads.length} of {scenario.app.threads} busy
      </p>
      <div className="poollab-threads">
        {Array.from({ length: Math.min(scenario.app.threads, 64) }, (_, k) => {
          const request = c.threads.find((r) => r.thread === k);
          return (
            <span
              key={k}
              className={`poollab-thread poollab-phase--${request?.phase ?? 'free'}`}
              title={request?.phase ?? 'free'}
            />
          );
        })}
      </div>
      <p className="poollab-pool__row-label">
        connections: {c.pool.checked_out.length} checked out, {c.pool.idle.length} idle
        {limitKnown ? ` (pool_size ${c.pool_size} + max_overflow ${c.max_overflow})` : ''}
      </p>
      <svg viewBox={`0 0 ${width} 44`} className="poollab-pool__slots">
        {Array.from({ length: slots }, (_, i) => (
          <rect
            key={i}
            x={x(i) + 1}
            y={8}
            width={slotWidth}
            height={28}
            className={`poollab-slot ${i >= c.pool_size && limitKnown ? 'poollab-slot--overflow' : ''} ${
              cells[i] ? `poollab-slot--${cells[i].state}` : ''
            }`}
          />
        ))}
        {limitKnown && c.max_overflow > 0 && (
          <line
            x1={x(c.pool_size)}
            x2={x(c.pool_size)}
            y1={2}
            y2={42}
            className="poollab-slot__limit"
          />
        )}
      </svg>
      <p className="poollab-pool__row-label">waiting for a connection: {c.pool.waiting.length}</p>
      <ul className="poollab-waits">
        {c.pool.waiting.map((w) => {
          const left = Math.max(0, w.deadline_us - snapshot.t_us);
          return (
            <li key={w.request}>
              <span
                className="poollab-wait__bar"
                style={{ width: `${timeoutUs > 0 ? (100 * left) / timeoutUs : 0}%` }}
              />
              <span className="poollab-wait__label">{(left / 1e6).toFixed(2)} s left</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function summarise(scenario: Scenario, snapshot: Snapshot, procId: number): string {
  const c = poolCounts(scenario, snapshot, procId);
  const t = (snapshot.t_us / 1e6).toFixed(3);
  const parts = [
    `At ${t} s this worker has ${c.threads.length} of ${scenario.app.threads} threads busy`,
    `${c.pool.checked_out.length} connections checked out and ${c.pool.idle.length} idle` +
      (c.overflow > 0 ? ` (${c.overflow} of them overflow beyond pool_size ${c.pool_size})` : ''),
  ];
  if (c.pool.waiting.length > 0)
    parts.push(
      `${c.pool.waiting.length} waiting for a connection, for at most pool_timeout ${c.pool_timeout} s`,
    );
  const { ok, failed, errors } = snapshot.totals;
  const failures = Object.entries(errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  return `${parts.join('; ')}. So far, over all workers: ${ok} requests ok, ${failed} failed${failures ? ` (${failures})` : ''}.`;
}

const WATCHED = new Set<number>([
  TT.CONN_NEW,
  TT.CONN_IN,
  TT.CONN_DROP,
  TT.WAIT_START,
  TT.WAIT_END,
  TT.REQ_ASSIGN,
  TT.REQ_END,
  TT.CONN_SOCK,
]);

/** The last few pool events of one worker before the instant shown. */
function PoolEvents({
  trace,
  timeUs,
  procId,
  samples,
}: {
  trace: Trace;
  timeUs: number;
  procId: number;
  samples: Partial<Record<string, string>>;
}) {
  const lines = useMemo(
    () => recentPoolEvents(trace, timeUs, procId, samples),
    [trace, timeUs, procId, samples],
  );
  if (lines.length === 0) return null;
  return (
    <ol className="poollab-events" aria-label="Recent pool events of this worker">
      {lines.map((line) => (
        <li key={line.index} className={line.error ? 'poollab-events__error' : ''}>
          <span className="poollab-events__t">{(line.t / 1e6).toFixed(3)} s</span> {line.text}
        </li>
      ))}
    </ol>
  );
}

function recentPoolEvents(
  trace: Trace,
  timeUs: number,
  procId: number,
  samples: Partial<Record<string, string>>,
) {
  const end = eventCountAt(trace, timeUs);
  const window = traceEvents(trace, Math.max(0, end - 4000), Math.min(end, 4000));
  const mine = new Set<number>();
  const myConns = new Set<number>();
  for (const e of window) {
    if (e.type === 'req_assign' && e.b === procId) mine.add(e.a);
    if (e.type === 'conn_new' && e.b === procId) myConns.add(e.a);
  }
  const lines: { index: number; t: number; text: string; error: boolean }[] = [];
  for (let i = window.length - 1; i >= 0 && lines.length < 6; i--) {
    const e = window[i]!;
    if (!WATCHED.has(trace.type[e.index]!)) continue;
    const text = describe(e.type, e.a, e.b, e.d, procId, mine, myConns, samples);
    if (text) lines.push({ index: e.index, t: e.t_us, text: text.text, error: text.error });
  }
  return lines.reverse();
}

function describe(
  type: string,
  a: number,
  b: number,
  d: number,
  procId: number,
  mine: Set<number>,
  myConns: Set<number>,
  samples: Partial<Record<string, string>>,
): { text: string; error: boolean } | null {
  switch (type) {
    case 'conn_new':
      return b === procId ? { text: `connection ${a} opening (a connect)`, error: false } : null;
    case 'conn_sock':
      return myConns.has(a)
        ? { text: `connection ${a} reconnected (pre-ping or recycle)`, error: false }
        : null;
    case 'conn_in':
      return b === procId ? { text: `connection ${a} returned to the pool`, error: false } : null;
    case 'conn_drop':
      return b === procId ? { text: `connection ${a} closed`, error: false } : null;
    case 'wait_start':
      return b === procId
        ? {
            text: `request ${a} waits for a connection (until ${(d / 1e6).toFixed(3)} s)`,
            error: false,
          }
        : null;
    case 'wait_end':
      return b === procId ? { text: `request ${a} got a connection`, error: false } : null;
    case 'req_end': {
      if (!mine.has(a) || b < 0) return null;
      const kind = ERROR_KINDS[b] ?? 'error';
      return { text: `request ${a} failed: ${kind}: ${samples[kind] ?? ''}`, error: true };
    }
    default:
      return null;
  }
}

/** Buttons that add the scenario's faults at the instant shown. */
function FaultButtons({ timeUs }: { timeUs: number }) {
  const { store } = useScenarioScope();
  const at = Math.round(timeUs / 1e5) / 10;
  const add = (fault: Fault) => {
    const { scenario } = store.getState();
    store.getState().setField('faults', [...scenario.faults, fault]);
  };
  const count = useScenario((s) => s.scenario.faults.length);
  return (
    <div className="poollab-faults" role="group" aria-label="Faults">
      <button type="button" onClick={() => add({ kind: 'terminate_backends', at_s: at })}>
        Terminate the backends at {at} s
      </button>
      <button type="button" onClick={() => add({ kind: 'postgres_restart', at_s: at, down_s: 2 })}>
        Restart PostgreSQL at {at} s (down 2 s)
      </button>
      {count > 0 && (
        <button type="button" onClick={() => store.getState().setField('faults', [])}>
          Remove {count === 1 ? 'the fault' : `the ${count} faults`}
        </button>
      )}
    </div>
  );
}
