// The result of a run: exactly the result JSON of the contract (src/scenario/README.md),
// plus extra fields for the widgets (series, error samples, Little's law, notes).
import type { Scenario } from '../scenario/types';
import { effectivePool, scenarioNotes } from '../scenario/parse';
import { ERROR_KINDS, type ErrorKind } from './errors';
import type { Histogram } from './metrics';
import type { World } from './world';

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}
export type WaitSummary = Omit<LatencySummary, 'p90'>;

export interface Series {
  bucket_s: number;
  t_s: number[];
  ok: number[];
  failed: number[];
  errors: Record<ErrorKind, number[]>;
  latency_mean_ms: number[];
  checked_out: number[];
  pool_waiting: number[];
  postgres_connections: number[];
  pgbouncer_clients: number[];
  pgbouncer_servers: number[];
  pgbouncer_waiting: number[];
}

export interface Report {
  scenario: Scenario;
  requests: {
    started: number;
    completed: number;
    ok: number;
    failed: number;
    /** Started but not finished when the run ended. */
    in_flight: number;
    errors: Record<ErrorKind, number>;
  };
  latency_ms: LatencySummary;
  throughput_rps: number;
  pool: {
    checkouts: number;
    waited: number;
    wait_ms: WaitSummary;
    connects: number;
    checked_out_peak: number;
  };
  postgres: { connections_peak: number; connections_opened: number; refused: number };
  pgbouncer: null | {
    clients_peak: number;
    servers_peak: number;
    waiting_peak: number;
    wait_ms: WaitSummary;
  };
  fork: {
    inherited_connections: number;
    shared_socket_uses: number;
    forks: number;
    worker_exits: number;
    worker_kills: number;
  };
  sim: { events: number; virtual_s: number; trace_hash: string; seed: number };
  /** The pool settings SQLAlchemy actually got (after Flask-SQLAlchemy's int()). */
  effective_pool: {
    pool_size: number;
    max_overflow: number;
    pool_timeout: number;
    pool_recycle: number;
  };
  notes: string[];
  /** The first error text of each kind that happened. */
  error_samples: Partial<Record<ErrorKind, string>>;
  /** Little's law over the run: L (time-average in system) = lambda × W. */
  little: { mean_in_system: number; arrival_rate_per_s: number; mean_time_in_system_ms: number };
  series: Series;
}

const ms = (us: number): number => Math.round(us) / 1000;

function waitSummary(h: Histogram): WaitSummary {
  const s = h.summaryMs();
  return { mean: s.mean, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max };
}

export function buildReport(w: World): Report {
  const m = w.m;
  const endUs = w.now;
  // The run's time is the load's: from its start (once the servers are up) to the end.
  const spanUs = Math.max(0, endUs - w.loadStartUs);
  const virtual_s = spanUs / 1e6;
  const errors = Object.fromEntries(ERROR_KINDS.map((k, i) => [k, m.errors[i]!])) as Record<
    ErrorKind,
    number
  >;
  const samples: Partial<Record<ErrorKind, string>> = {};
  ERROR_KINDS.forEach((k, i) => {
    const text = m.errorSamples[i];
    if (text) samples[k] = text;
  });
  const area = m.areaUs + m.inSystem * (endUs - m.lastChange);
  const eff = effectivePool(w.sc);
  return {
    scenario: w.sc,
    requests: {
      started: m.started,
      completed: m.completed,
      ok: m.ok,
      failed: m.failed,
      in_flight: m.started - m.completed,
      errors,
    },
    latency_ms: m.latency.summaryMs(),
    throughput_rps: virtual_s > 0 ? Math.round((m.ok / virtual_s) * 100) / 100 : 0,
    pool: {
      checkouts: m.checkouts,
      waited: m.waited,
      wait_ms: waitSummary(m.poolWait),
      connects: m.connects,
      checked_out_peak: m.checkedOut.peak,
    },
    postgres: {
      connections_peak: m.pgConnections.peak,
      connections_opened: w.pg.opened,
      refused: w.pg.refused,
    },
    pgbouncer: w.pgb
      ? {
          clients_peak: m.pgbClients.peak,
          servers_peak: m.pgbServers.peak,
          waiting_peak: m.pgbWaiting.peak,
          wait_ms: waitSummary(m.pgbWait),
        }
      : null,
    fork: {
      inherited_connections: m.inheritedConnections,
      shared_socket_uses: m.sharedSocketUses,
      forks: m.forks,
      worker_exits: m.workerExits,
      worker_kills: m.workerKills,
    },
    sim: { events: w.q.events, virtual_s, trace_hash: w.q.hashHex(), seed: w.sc.seed },
    effective_pool: {
      pool_size: eff.pool_size,
      max_overflow: eff.max_overflow,
      pool_timeout: eff.pool_timeout,
      pool_recycle: eff.pool_recycle,
    },
    notes: scenarioNotes(w.sc),
    error_samples: samples,
    little: {
      mean_in_system: spanUs > 0 ? area / spanUs : 0,
      arrival_rate_per_s: virtual_s > 0 ? m.started / virtual_s : 0,
      mean_time_in_system_ms: m.completed ? ms(m.sojournSumUs / m.completed) : 0,
    },
    series: buildSeries(w, spanUs),
  };
}

function buildSeries(w: World, spanUs: number): Series {
  const m = w.m;
  const last = Math.min(m.buckets - 1, Math.max(0, Math.ceil(spanUs / m.bucketUs) - 1));
  const arr = (a: Float64Array): number[] => Array.from(a.subarray(0, last + 1));
  const failed: number[] = [];
  const latency: number[] = [];
  for (let b = 0; b <= last; b++) {
    let f = 0;
    for (const e of m.errorsByBucket) f += e[b]!;
    failed.push(f);
    const ok = m.okByBucket[b]!;
    latency.push(ok ? ms(m.latencySumByBucket[b]! / ok) : 0);
  }
  return {
    bucket_s: m.bucketUs / 1e6,
    t_s: Array.from({ length: last + 1 }, (_, b) => (b * m.bucketUs) / 1e6),
    ok: arr(m.okByBucket),
    failed,
    errors: Object.fromEntries(ERROR_KINDS.map((k, i) => [k, arr(m.errorsByBucket[i]!)])) as Record<
      ErrorKind,
      number[]
    >,
    latency_mean_ms: latency,
    checked_out: m.checkedOut.series(last),
    pool_waiting: m.poolWaiting.series(last),
    postgres_connections: m.pgConnections.series(last),
    pgbouncer_clients: m.pgbClients.series(last),
    pgbouncer_servers: m.pgbServers.series(last),
    pgbouncer_waiting: m.pgbWaiting.series(last),
  };
}
