// The key figures of one run, taken the same way from the engine's report and from the
// real harness's report, so that the checks compare like with like. Pure.

import type { Report } from '../../../src/engine/index';
import type { RealReport } from './reality';

export interface Figures {
  started: number;
  /** ok + failed: every request whose outcome is known. */
  completed: number;
  ok: number;
  failed: number;
  /** Failures by kind; kinds only the real stack has (client_timeout…) are prefixed `other:`. */
  errors: Record<string, number>;
  throughput_rps: number;
  p50: number;
  p95: number;
  /** PostgreSQL client backends at the peak, as the harness's sampler can see them (see pgPeakVisible). */
  pg_peak: number;
  pgb_servers_peak: number | null;
  pgb_clients_peak: number | null;
  connects: number;
  checkouts: number;
  /** Requests completed (ok or failed) per second of the run. */
  completed_rps: number;
}

/**
 * The most PostgreSQL client backends that pg_stat_activity can list at once for
 * non-superuser roles: max_connections − superuser_reserved_connections. A backend
 * refused for a reserved slot (or past max_connections) ends inside InitPostgres, before
 * pgstat_bestart() makes it visible, so the harness's sampler never counts it; the
 * engine counts it for its connect time. Capping the engine's peak here compares the
 * same thing.
 */
export function pgPeakVisible(peak: number, maxConnections: number, reserved: number): number {
  return Math.min(peak, Math.max(0, maxConnections - reserved));
}

export function modelFigures(r: Report): Figures {
  const pg = r.scenario.postgres;
  return {
    started: r.requests.started,
    completed: r.requests.ok + r.requests.failed,
    ok: r.requests.ok,
    failed: r.requests.failed,
    errors: { ...r.requests.errors },
    throughput_rps: r.throughput_rps,
    p50: r.latency_ms.p50,
    p95: r.latency_ms.p95,
    pg_peak: pgPeakVisible(
      r.postgres.connections_peak,
      pg.max_connections,
      pg.superuser_reserved_connections,
    ),
    pgb_servers_peak: r.pgbouncer ? r.pgbouncer.servers_peak : null,
    pgb_clients_peak: r.pgbouncer ? r.pgbouncer.clients_peak : null,
    connects: r.pool.connects,
    checkouts: r.pool.checkouts,
    completed_rps: r.sim.virtual_s > 0 ? (r.requests.ok + r.requests.failed) / r.sim.virtual_s : 0,
  };
}

/**
 * Real failures the harness classified by a text that says less than the whole message:
 * each entry moves the matching raw texts from one kind to another, says when it applies
 * and why, and the moves are listed in the comparison's output. (They belong in
 * tests/reality/harness/classify.py; until they are there, they are here.)
 */
export const RECLASSIFY: {
  from: string;
  text: RegExp;
  to: string;
  when: (sc: Record<string, unknown>) => boolean;
  reason: string;
}[] = [
  {
    from: 'unclassified',
    text: /set_session cannot be used inside a transaction/,
    to: 'session_state',
    when: (sc) => (sc['app'] as { session_scope?: string } | undefined)?.session_scope === 'global',
    reason:
      "psycopg2 refuses to change a connection's session settings while another thread's transaction is open on it: with one Session shared by a worker's threads, that is the threads clashing over its connection.",
  },
  {
    from: 'connection_closed',
    text: /connection to server at "[^"]*"(?: \([^)]*\))?, port \d+ failed: server closed the connection unexpectedly/,
    to: 'connect_refused',
    when: (sc) =>
      ((sc['faults'] as { kind: string }[] | undefined) ?? []).some(
        (f) => f.kind === 'postgres_restart' || f.kind === 'pgbouncer_restart',
      ),
    reason:
      'A new connection ("connection to server at … failed") that the server accepted and closed at once, while it was shutting down for a restart: the server refusing a connect, as connect_refused counts it, not a pooled connection found closed.',
  },
];

export interface Move {
  from: string;
  to: string;
  count: number;
}

/** The real failures RECLASSIFY moves, with their counts (from the raw texts' counts). */
export function reclassified(r: RealReport): Move[] {
  const moves: Move[] = [];
  for (const rule of RECLASSIFY) {
    if (!rule.when(r.scenario)) continue;
    const count = (r.raw_errors[rule.from] ?? [])
      .filter((x) => rule.text.test(x.text))
      .reduce((n, x) => n + x.count, 0);
    if (count) moves.push({ from: rule.from, to: rule.to, count });
  }
  return moves;
}

/** The real raw texts by kind, after RECLASSIFY. */
export function realTextsByKind(r: RealReport): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, samples] of Object.entries(r.raw_errors)) {
    for (const x of samples) {
      const rule = RECLASSIFY.find(
        (m) => m.from === kind && m.text.test(x.text) && m.when(r.scenario),
      );
      (out[rule ? rule.to : kind] ??= []).push(x.text);
    }
  }
  return out;
}

/**
 * Successful requests per second, as the engine counts them. For an open load, over
 * duration_s: arrivals stop then, and the engine's run ends there, while the harness's load
 * window also holds the drain of the requests still in flight (up to a pool or
 * query_wait_timeout). A closed load ends when its requests are done: over the load window.
 */
export function realThroughput(r: RealReport): number {
  const load = r.scenario['load'] as { kind?: string } | undefined;
  const duration = Number(r.scenario['duration_s']);
  const wall = r.harness.wall_s_load;
  if (r.in_window && duration > 0) return Math.round((r.in_window.ok / duration) * 1000) / 1000;
  if (load?.kind === 'open' && duration > 0 && wall && wall > duration)
    return Math.round((r.requests.ok / duration) * 1000) / 1000;
  return r.throughput_rps;
}

/**
 * What the engine's report counts of an open load: the requests that ended by duration_s
 * (the rest are in flight when its run stops). The harness also waits for the drain after
 * the last arrival, and its requests block counts those too; its in_window block does not.
 */
function counted(r: RealReport): {
  ok: number;
  failed: number;
  errors: Record<string, number>;
  other_errors?: Record<string, number>;
  p50: number;
  p95: number;
} {
  const w = r.in_window;
  if (w) return { ...w, p50: w.latency_ms.p50, p95: w.latency_ms.p95 };
  return { ...r.requests, p50: r.latency_ms.p50, p95: r.latency_ms.p95 };
}

export function realFigures(r: RealReport): Figures {
  const c = counted(r);
  const errors: Record<string, number> = { ...c.errors };
  const other: Record<string, number> = { ...(c.other_errors ?? {}) };
  for (const { from, to, count } of reclassified(r)) {
    const table = from in errors ? errors : other;
    const m = Math.min(count, table[from] ?? 0);
    table[from] = (table[from] ?? 0) - m;
    errors[to] = (errors[to] ?? 0) + m;
  }
  for (const [k, n] of Object.entries(other)) if (n) errors[`other:${k}`] = n;
  return {
    started: r.requests.started,
    completed: c.ok + c.failed,
    ok: c.ok,
    failed: c.failed,
    errors,
    throughput_rps: realThroughput(r),
    p50: c.p50,
    p95: c.p95,
    pg_peak: r.postgres.connections_peak,
    pgb_servers_peak: r.pgbouncer ? r.pgbouncer.servers_peak : null,
    pgb_clients_peak: r.pgbouncer ? r.pgbouncer.clients_peak : null,
    connects: r.pool.connects,
    checkouts: r.pool.checkouts,
    completed_rps: r.harness.wall_s_load ? r.requests.completed / r.harness.wall_s_load : 0,
  };
}
