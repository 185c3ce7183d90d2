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
  };
}

/**
 * Real failures the harness left unclassified but whose text names their kind. Each entry
 * says when it applies and why; the moves are listed in the comparison's output. (They
 * belong in tests/reality/harness/classify.py; until they are there, they are here.)
 */
export const RECLASSIFY: {
  text: RegExp;
  to: string;
  when: (sc: Record<string, unknown>) => boolean;
  reason: string;
}[] = [
  {
    text: /set_session cannot be used inside a transaction/,
    to: 'session_state',
    when: (sc) => (sc['app'] as { session_scope?: string } | undefined)?.session_scope === 'global',
    reason:
      "psycopg2 refuses to change a connection's session settings while another thread's transaction is open on it: with one Session shared by a worker's threads, that is the threads clashing over its connection.",
  },
];

/** How many unclassified real failures RECLASSIFY moves, by target kind. */
export function reclassified(r: RealReport): Record<string, number> {
  const moved: Record<string, number> = {};
  for (const sample of r.raw_errors['unclassified'] ?? []) {
    const rule = RECLASSIFY.find((x) => x.text.test(sample.text) && x.when(r.scenario));
    if (rule) moved[rule.to] = (moved[rule.to] ?? 0) + sample.count;
  }
  return moved;
}

export function realFigures(r: RealReport): Figures {
  const errors: Record<string, number> = { ...r.requests.errors };
  const other: Record<string, number> = { ...(r.requests.other_errors ?? {}) };
  for (const [kind, n] of Object.entries(reclassified(r))) {
    const m = Math.min(n, other['unclassified'] ?? 0);
    other['unclassified'] = (other['unclassified'] ?? 0) - m;
    errors[kind] = (errors[kind] ?? 0) + m;
  }
  for (const [k, n] of Object.entries(other)) if (n) errors[`other:${k}`] = n;
  return {
    started: r.requests.started,
    completed: r.requests.completed,
    ok: r.requests.ok,
    failed: r.requests.failed,
    errors,
    throughput_rps: r.throughput_rps,
    p50: r.latency_ms.p50,
    p95: r.latency_ms.p95,
    pg_peak: r.postgres.connections_peak,
    pgb_servers_peak: r.pgbouncer ? r.pgbouncer.servers_peak : null,
    pgb_clients_peak: r.pgbouncer ? r.pgbouncer.clients_peak : null,
    connects: r.pool.connects,
    checkouts: r.pool.checkouts,
  };
}
